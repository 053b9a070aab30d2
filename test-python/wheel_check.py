"""Checks that the suite runs against the installed wheel (used by conftest.py and test_installation.py)."""

import os
import sys
import sysconfig
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def check_imported_from_test_venv():
    venv = os.environ.get("CDK8S_KUBEVIRT_TEST_VENV")
    assert venv, "CDK8S_KUBEVIRT_TEST_VENV is not set: run the suite with scripts/test-python.sh"
    venv = Path(venv).resolve()
    assert Path(sys.prefix).resolve() == venv, (
        f"pytest runs in {sys.prefix}, not in the test virtualenv {venv}"
    )

    import cdk8s_kubevirt

    module_file = Path(cdk8s_kubevirt.__file__).resolve()
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert site_packages in module_file.parents, (
        f"cdk8s_kubevirt was imported from {module_file}, not from {site_packages}"
    )
    return module_file


def npm_version_as_python(version: str) -> str:
    """The Python version jsii-pacmak gives an npm version (1.2.3-beta.4 -> 1.2.3b4; +build dropped)."""
    core, _, pre = version.partition("+")[0].partition("-")
    if not pre:
        return core
    tag, _, number = pre.partition(".")
    marker = {"alpha": "a", "beta": "b", "rc": "rc"}.get(tag)
    if marker is None or not number.isdigit():
        return version  # no PEP 440 equivalent known here: compare verbatim, so a mismatch shows
    return f"{core}{marker}{number}"
