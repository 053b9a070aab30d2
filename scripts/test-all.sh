#!/usr/bin/env bash
# Every test of the project, in the order CI needs them (projen task `test:all`):
#
#   compile        npx projen compile (jsii)
#   docgen         npx projen docgen; under CI=true, API.md must equal the committed one
#   eslint         eslint without --fix (this script never edits sources; `npx projen eslint` fixes)
#   typecheck      tsc --noEmit -p tsconfig.dev.json (tests, examples, scripts)
#   apiserver      npx projen conformance:build: the test API server of the conformance tests (conformance/, Go),
#                  compiled once per machine (about 4 minutes on 2 cores; Go's build cache keeps it), skipped
#                  when .tmp/conformance/apiserver is up to date
#   jest           jest --ci (never writes snapshots), JSON report test-reports/jest.json; includes the
#                  conformance tests (test/conformance), which use the server built above
#   package:js     npx projen package:js
#   package:python npx projen package:python (dist/python is emptied first: one fresh wheel)
#   pytest         scripts/test-python.sh (fresh virtualenv, the wheel above), report test-reports/pytest.xml
#
# A failing step does not stop the run; only steps that need its output are skipped (packaging needs the
# compile, pytest needs the wheel). The last line printed is exactly `N passed, N failed`, the sum of the jest
# and pytest results. The exit code is non-zero if any test failed, any step failed or was skipped, or no test
# ran at all.
# shellcheck disable=SC2016,SC2329 # JS/Python snippets in single quotes; step functions are called via run_step
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

REPORTS="$ROOT/test-reports"
JEST_JSON="$REPORTS/jest.json"
PYTEST_XML="$REPORTS/pytest.xml"

is_ci() {
  case "${CI:-}" in
    true | TRUE | True | 1) return 0 ;;
    *) return 1 ;;
  esac
}

STEP_LINES=()
FAILED_STEPS=0
declare -A STATUS=()

fmt_duration() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# run_step NAME COMMAND...: runs the command, records ok/FAILED and the time it took.
run_step() {
  local name=$1
  shift
  echo
  echo "=== test:all: ${name} ($*)"
  local start=$SECONDS
  "$@"
  local rc=$?
  local took=$((SECONDS - start))
  if ((rc == 0)); then
    STATUS[$name]=ok
  else
    STATUS[$name]=failed
    FAILED_STEPS=$((FAILED_STEPS + 1))
  fi
  STEP_LINES+=("$(printf '  %-15s %-8s %8s' "$name" "${STATUS[$name]}" "$(fmt_duration "$took")")")
  echo "=== test:all: ${name}: ${STATUS[$name]} in $(fmt_duration "$took")"
  return "$rc"
}

# skip_step NAME REASON
skip_step() {
  STATUS[$1]=skipped
  FAILED_STEPS=$((FAILED_STEPS + 1))
  STEP_LINES+=("$(printf '  %-15s %-8s %8s  (%s)' "$1" skipped - "$2")")
  echo
  echo "=== test:all: $1: skipped ($2)"
}

docgen() {
  npx projen docgen || return 1
  if is_ci; then
    if ! git ls-files --error-unmatch API.md >/dev/null 2>&1; then
      echo "test:all: API.md is not committed: run 'npx projen compile && npx projen docgen' and commit API.md" >&2
      return 1
    fi
    if ! git diff --exit-code --stat -- API.md; then
      echo "test:all: API.md differs from the committed one: run 'npx projen docgen' and commit API.md" >&2
      return 1
    fi
  else
    if git diff --quiet -- API.md 2>/dev/null && git ls-files --error-unmatch API.md >/dev/null 2>&1; then
      echo "test:all: API.md is up to date"
    else
      echo "test:all: API.md was regenerated; commit it (CI fails on a stale API.md)"
    fi
  fi
}

eslint_check() {
  ESLINT_USE_FLAT_CONFIG=false NODE_NO_WARNINGS=1 npx eslint --ext .ts --no-error-on-unmatched-pattern \
    src test examples bench scripts projenrc .projenrc.ts
}

jest_run() {
  mkdir -p "$REPORTS"
  npx jest --ci --json --outputFile="$JEST_JSON"
}

package_python() {
  rm -rf dist/python
  npx projen package:python
}

# Prints "<passed> <failed>" of the jest JSON report; a suite that could not run counts as one failure.
jest_counts() {
  [[ -s "$JEST_JSON" ]] || { echo "0 0"; return; }
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const crashed = (r.testResults || []).filter((s) => s.status === "failed" && (s.assertionResults || []).length === 0).length;
    console.log(`${r.numPassedTests || 0} ${(r.numFailedTests || 0) + crashed}`);
  ' "$JEST_JSON" 2>/dev/null || echo "0 1"
}

# Prints "<passed> <failed>" of the pytest JUnit report (errors count as failures).
pytest_counts() {
  [[ -s "$PYTEST_XML" ]] || { echo "0 0"; return; }
  python3 -c '
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
tests = failed = skipped = 0
for s in suites:
    tests += int(s.get("tests", 0))
    failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
print(tests - failed - skipped, failed)
' "$PYTEST_XML" 2>/dev/null || echo "0 1"
}

echo "test:all: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $ROOT (CI=${CI:-unset}), node $(node --version), $(python3 --version 2>&1)"
TOTAL_START=$SECONDS
# Reports of an earlier run must not be counted.
rm -f "$JEST_JSON" "$PYTEST_XML"

run_step compile npx projen compile
if [[ ${STATUS[compile]} == ok ]]; then
  run_step docgen docgen
else
  skip_step docgen "compile failed"
fi
run_step eslint eslint_check
run_step typecheck npx tsc --noEmit -p tsconfig.dev.json
# If the build fails, the conformance tests fail at once instead of building again (test/util/apiserver.ts).
run_step apiserver npx projen conformance:build || export CONFORMANCE_BUILD_FAILED=1
run_step jest jest_run
if [[ ${STATUS[compile]} == ok ]]; then
  run_step package:js npx projen package:js
  run_step package:python package_python
else
  skip_step package:js "compile failed"
  skip_step package:python "compile failed"
fi
if [[ ${STATUS[package:python]} == ok ]]; then
  run_step pytest bash scripts/test-python.sh
else
  skip_step pytest "no wheel: package:python did not succeed"
fi

read -r JEST_PASSED JEST_FAILED <<<"$(jest_counts)"
read -r PY_PASSED PY_FAILED <<<"$(pytest_counts)"
PASSED=$((JEST_PASSED + PY_PASSED))
FAILED=$((JEST_FAILED + PY_FAILED))

echo
echo "=== test:all: summary ($(fmt_duration $((SECONDS - TOTAL_START))))"
printf '%s\n' "${STEP_LINES[@]}"
echo "  jest:   ${JEST_PASSED} passed, ${JEST_FAILED} failed"
echo "  pytest: ${PY_PASSED} passed, ${PY_FAILED} failed"
RC=0
if ((FAILED_STEPS > 0)); then
  echo "test:all: ${FAILED_STEPS} step(s) failed or were skipped"
  RC=1
fi
if ((FAILED > 0)); then RC=1; fi
if ((PASSED + FAILED == 0)); then
  echo "test:all: no test ran"
  RC=1
fi
echo "${PASSED} passed, ${FAILED} failed"
exit "$RC"
