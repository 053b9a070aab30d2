"""The README's Python quick start (examples/python/quickstart.py) writes what the TypeScript one writes."""

import os
import subprocess
import sys

from wheel_check import REPO_ROOT

QUICKSTART = REPO_ROOT / "examples" / "python" / "quickstart.py"
FIXTURE = REPO_ROOT / "test" / "fixtures" / "parity" / "quickstart.k8s.yaml"


def test_python_quick_start_writes_the_typescript_quick_starts_yaml(tmp_path):
    # GIVEN the README's Python quick start, run with the test virtualenv (the wheel under test)
    env = {**os.environ, "CDK8S_OUTDIR": str(tmp_path)}
    # WHEN it synthesizes
    subprocess.run([sys.executable, str(QUICKSTART)], cwd=tmp_path, env=env, check=True)
    # THEN it writes byte for byte what the TypeScript quick start writes (pinned by test/readme.test.ts)
    assert (tmp_path / "vms.k8s.yaml").read_text(encoding="utf-8") == FIXTURE.read_text(encoding="utf-8")
