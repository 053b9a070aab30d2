#!/usr/bin/env bash
# Runs the pytest suite (test-python/) against the Python wheel built in this run.
#
# - Exactly one wheel must be in dist/python (built by `npx projen package:python` after `npx projen compile`),
#   and it must be newer than the jsii assembly (.jsii), i.e. built from the current compile.
# - A fresh virtualenv (.venv-test) is made every time; the wheel is installed into it together with its
#   dependencies from PyPI (cdk8s, constructs, cdk8s-plus-27 pinned to the versions in package.json, the jsii
#   runtime to the jsii-pacmak version that built the wheel) and the pinned test requirements.
# - pytest writes a JUnit report to test-reports/pytest.xml; the exit code is pytest's.
#
# Environment: PYTHON (default python3, needs >= 3.10), PIP_INDEX_URL etc. are honoured by pip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv-test"
REPORT_DIR="$ROOT/test-reports"
PYTHON="${PYTHON:-python3}"

die() {
  echo "test-python: $*" >&2
  exit 1
}

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$("$PYTHON" --version 2>&1) is too old: the wheel needs Python >= 3.10"

shopt -s nullglob
wheels=(dist/python/*.whl)
shopt -u nullglob
if ((${#wheels[@]} == 0)); then
  die "no wheel in dist/python: run 'npx projen compile' and 'npx projen package:python' first"
fi
if ((${#wheels[@]} > 1)); then
  die "${#wheels[@]} wheels in dist/python (${wheels[*]}): remove dist/python and package again, so the one built in this run is tested"
fi
WHEEL="$ROOT/${wheels[0]}"
if [[ -f .jsii && .jsii -nt "$WHEEL" ]]; then
  die "${wheels[0]} is older than .jsii: it was not built from the current compile; run 'npx projen package:python'"
fi

echo "test-python: wheel $(basename "$WHEEL")"

# Versions the TypeScript side uses (package.json devDependencies) and the jsii runtime of the packager.
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
# shellcheck disable=SC2016 # a JavaScript snippet: $ is not for the shell
node -e '
  const pkg = require("./package.json");
  const dev = pkg.devDependencies || {};
  const exact = (v) => /^\d+\.\d+\.\d+$/.test(v || "") ? v : undefined;
  const pins = {
    "cdk8s": exact(dev["cdk8s"]),
    "constructs": exact(dev["constructs"]),
    "cdk8s-plus-27": exact(dev["cdk8s-plus-27"]),
    "jsii": require("jsii-pacmak/package.json").version,
  };
  for (const [name, version] of Object.entries(pins)) if (version) console.log(`${name}==${version}`);
' >"$CONSTRAINTS"
echo "test-python: pins: $(tr '\n' ' ' <"$CONSTRAINTS")"

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
VPY="$VENV/bin/python"

# Nothing from the developer's environment may leak into the test interpreter.
unset PYTHONPATH PYTHONHOME
export PYTHONNOUSERSITE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

"$VPY" -m pip install --quiet --upgrade "pip>=23"
"$VPY" -m pip install --quiet --constraint "$CONSTRAINTS" "$WHEEL" -r test-python/requirements.txt

mkdir -p "$REPORT_DIR"
# The conftest checks that cdk8s_kubevirt is imported from this virtualenv's site-packages.
export CDK8S_KUBEVIRT_TEST_VENV="$VENV"
# pytest is started from the venv's entry point (not `python -m`), so the repository root is not put on
# sys.path; -p no:cacheprovider keeps test-python/ clean.
exec "$VENV/bin/pytest" -p no:cacheprovider --junitxml="$REPORT_DIR/pytest.xml" -o junit_family=xunit2 test-python "$@"
