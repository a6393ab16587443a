"""A suite whose system package is missing is skipped, naming the package and how to install it, and fails
instead under REQUIRE_SYSTEM_DEPS=1 (CI); the mark and the fixture helper share that one rule."""

from __future__ import annotations

import pytest

from . import system_packages
from .system_packages import PACKAGES, Package

pytest_plugins = ["pytester"]
ABSENT = Package("no-such-package", "no-such-binary-for-dashscope-mock", "macOS: brew install nothing")


@pytest.fixture
def absent(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(PACKAGES, "absent", ABSENT)
    return "absent"


def test_a_missing_package_skips_with_the_package_and_how_to_install_it(
        absent: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUIRE_SYSTEM_DEPS", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        system_packages.require(absent)
    assert "no-such-package is not installed" in str(skipped.value)
    assert "sudo apt-get install no-such-package" in str(skipped.value) and "brew install nothing" in str(skipped.value)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_a_missing_package_fails_when_packages_are_required(
        absent: str, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("REQUIRE_SYSTEM_DEPS", value)
    with pytest.raises(pytest.fail.Exception, match=r"no-such-package is not installed.*REQUIRE_SYSTEM_DEPS"):
        system_packages.require(absent)


def test_a_present_package_is_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PACKAGES, "sh", Package("dash", "sh", "any POSIX system"))
    assert system_packages.require("sh").endswith("/sh")


def test_the_mark_applies_the_rule(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest("from tests.conftest import pytest_configure, pytest_runtest_setup  # noqa: F401\n"
                          "from tests.system_packages import PACKAGES, Package\n"
                          "PACKAGES['absent'] = Package('no-such-package', 'no-such-binary-x', 'nowhere')\n")
    pytester.makepyfile("import pytest\n\n@pytest.mark.system_package('absent')\ndef test_x():\n    pass\n")
    monkeypatch.delenv("REQUIRE_SYSTEM_DEPS", raising=False)
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:dashscope_mock").assert_outcomes(skipped=1)
    monkeypatch.setenv("REQUIRE_SYSTEM_DEPS", "1")
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:dashscope_mock").assert_outcomes(errors=1)
