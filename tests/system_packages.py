"""System packages some suites need (redis-server, Chromium, Node.js), found on this machine or reported.

`make test` installs them only as root with CI set (`.ci/run`); anyone else runs the suite as it is, and a test
that needs a missing package is skipped with the package's name and how to install it. With
`REQUIRE_SYSTEM_DEPS=1` (CI) the same test fails instead, so CI cannot pass by skipping.

A suite asks for one with the fixture helper `require("redis-server")` or the mark
`@pytest.mark.system_package("chromium")` (tests/conftest.py applies it). A new package is one more entry in
PACKAGES and one more pair in the Makefile's SYSTEM_PACKAGES.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import NoReturn

import pytest

REQUIRE_ENV = "REQUIRE_SYSTEM_DEPS"


@dataclass(frozen=True)
class Package:
    """A package a suite needs: the executable that shows it is there, and how to install it."""

    name: str  # the Debian package (what `make system-deps` installs)
    executable: str  # a name looked up on PATH, or an absolute path
    elsewhere: str  # how to get it outside Debian/Ubuntu

    def locate(self) -> str | None:
        """The executable's path, or None when it is not installed."""
        return shutil.which(self.executable)

    def missing_message(self) -> str:
        """One line: what is missing and how to install it."""
        return (f"{self.name} is not installed ({self.executable} not found): `sudo apt-get install {self.name}` on "
                f"Debian/Ubuntu ({self.elsewhere}), or `make system-deps` as root")


def _chromium() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


PACKAGES = {
    "redis-server": Package("redis-server", "redis-server", "macOS: brew install redis"),
    "chromium": Package("chromium", _chromium(), "elsewhere: install Chromium and set CHROMIUM=/path/to/it"),
    "nodejs": Package("nodejs", "node", "macOS: brew install node"),
    "curl": Package("curl", "curl", "macOS: it ships with the system"),
}


def required() -> bool:
    """Whether a missing package fails the test (REQUIRE_SYSTEM_DEPS=1) rather than skipping it."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def missing(package: Package) -> NoReturn:
    """Skip the running test for a missing package, or fail it when packages are required."""
    if required():
        pytest.fail(f"{package.missing_message()} [{REQUIRE_ENV} is set]", pytrace=False)
    pytest.skip(package.missing_message())


def require(name: str) -> str:
    """The path of package `name`'s executable; skips (or fails) the running test when it is not installed."""
    package = PACKAGES[name]
    return package.locate() or missing(package)
