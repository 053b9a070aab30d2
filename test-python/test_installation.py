"""The wheel under test is the one this run built, at the version package.json declares."""

from importlib import metadata

import cdk8s_kubevirt
from wheel_check import check_imported_from_test_venv, npm_version_as_python


def test_wheel_version_matches_package_json(package_json_version):
    assert metadata.version("cdk8s-kubevirt") == npm_version_as_python(package_json_version)


def test_module_comes_from_the_installed_wheel():
    # the wheel's RECORD lists the module file, i.e. it was installed from the wheel, not copied or linked
    files = metadata.files("cdk8s-kubevirt") or []
    installed = {f.locate().resolve() for f in files}
    assert check_imported_from_test_venv() in installed
    assert cdk8s_kubevirt.__file__ is not None
