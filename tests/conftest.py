"""Shared fixtures: in-process twins (handles from mockserver.testing) on a frozen clock, request log off.

Tests marked `all_stores` run once per store (memory, sqlite, redis): `make_mock` and `mock` then build twins
on that store. The redis runs use one redis-server per test process (tests/redis_server.py), emptied per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Imported here, before any in-process pytester run: pytester restores sys.modules after its inner session, so a
# module first imported inside one would be imported a second time later, and objects made by a compiled
# extension (cryptography's certificate names) would no longer be instances of the re-imported classes, nor would
# httpx (which imports httpcore lazily) map a re-imported httpcore's errors to its own.
import cryptography.x509  # noqa: F401
import httpcore  # noqa: F401
import pytest

import mockserver.ingress.intercept
import mockserver.testing.fixtures  # noqa: F401
from mockserver import Settings
from mockserver.domain.files import scratch_dir
from mockserver.testing import DashScopeMock

from . import system_packages
from .redis_server import RedisServer

MakeMock = Callable[..., DashScopeMock]
STORES = ("memory", "sqlite", "redis")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "system_package(name): the test needs a system package (tests/"
                                       "system_packages.py): skipped without it, failed with REQUIRE_SYSTEM_DEPS=1")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("system_package"):
        system_packages.require(*mark.args)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("all_stores") and "store_kind" in metafunc.fixturenames:
        metafunc.parametrize("store_kind", STORES, indirect=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of this test process (started on first use, stopped at the end)."""
    system_packages.require("redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of an empty Redis database."""
    if redis_server.proc is None:  # a test that stopped it
        redis_server.start()
    redis_server.flush()
    # uploaded files of a Redis store live in a directory named after its URL: empty that too (docs/stores.md)
    shutil.rmtree(scratch_dir(tag=redis_server.url), ignore_errors=True)
    return redis_server.url


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """The store the test's twins use: memory unless the test is marked `all_stores`."""
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def store_url(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `--store` value of `store_kind` (a fresh database each test)."""
    if store_kind == "sqlite":
        return f"sqlite:{tmp_path / 'tasks.sqlite'}"
    if store_kind == "redis":
        return str(request.getfixturevalue("redis_url"))
    return "memory"


@pytest.fixture
def make_mock(store_url: str) -> Iterator[MakeMock]:
    """Build handles with settings overrides: `make_mock("faithful", frozen=True)` (`record=True` keeps requests)."""
    made: list[DashScopeMock] = []

    def build(profile: str = "dev", *, record: bool = False, **overrides: Any) -> DashScopeMock:
        overrides.setdefault("frozen", True)
        overrides.setdefault("log_requests", False)
        overrides.setdefault("store", store_url)
        m = DashScopeMock(Settings.for_profile(profile, **overrides), record=record)
        made.append(m)
        return m

    yield build
    for m in made:
        m.close()


@pytest.fixture
def mock(make_mock: MakeMock) -> DashScopeMock:
    """A dev-profile twin on a frozen clock."""
    return make_mock("dev")
