"""Shared fixtures; first of all, proof that the tests exercise the installed wheel.

scripts/test-python.sh installs the wheel built in this run into a fresh virtualenv and exports its
location as CDK8S_KUBEVIRT_TEST_VENV. If `cdk8s_kubevirt` came from anywhere else (a stale install, a
source checkout on sys.path), every test here would be meaningless, so collection stops at once.
"""

import json

import pytest

from wheel_check import REPO_ROOT, check_imported_from_test_venv

check_imported_from_test_venv()


@pytest.fixture(scope="session")
def package_json_version() -> str:
    with open(REPO_ROOT / "package.json", encoding="utf-8") as f:
        return json.load(f)["version"]


@pytest.fixture
def app(tmp_path):
    import cdk8s

    return cdk8s.App(outdir=str(tmp_path))


@pytest.fixture
def chart(app):
    import cdk8s

    return cdk8s.Chart(app, "test")
