"""The Python example app writes byte-identical YAML to the TypeScript one.

examples/python/main.py is examples/main.ts through the Python bindings of the wheel built in this run. Its
output must equal examples/expected/, which test/examples.test.ts proves is exactly what the TypeScript app
writes, so the two languages agree byte for byte.
"""

import os
import subprocess
import sys
from pathlib import Path

from wheel_check import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "python" / "main.py"
EXPECTED = REPO_ROOT / "examples" / "expected"


def read_tree(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_python_example_writes_the_same_bytes_as_the_typescript_example(tmp_path):
    # GIVEN the Python example app, run with the interpreter of the test virtualenv (the wheel under test)
    env = {**os.environ, "CDK8S_OUTDIR": str(tmp_path)}
    # WHEN it synthesizes
    subprocess.run([sys.executable, str(EXAMPLE)], cwd=EXAMPLE.parent, env=env, check=True)
    # THEN every file equals the TypeScript app's, byte for byte, and no file is missing or extra
    written = read_tree(tmp_path)
    expected = read_tree(EXPECTED)
    assert sorted(written) == sorted(expected)
    for name, text in expected.items():
        assert written[name] == text, f"{name} differs from the TypeScript example"
