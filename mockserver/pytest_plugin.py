"""The pytest plugin (entry point `pytest11`): the `dashscope_mock` fixture for users' own suites.

    def test_video(dashscope_mock):
        from dashscope import VideoSynthesis
        rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
        assert rsp.output.task_status == "SUCCEEDED"
        dashscope_mock.assert_no_poll_after_terminal(rsp.output.task_id)

Every test gets a fresh twin (its own clock, tasks, scenarios and journal). One loopback socket per process
(so one per xdist worker) serves whichever twin is current: it is bound when a test first asks for the
fixture, and the server behind it starts on the first connection, so tests that only use the in-process
transports never start one. Configure a test with `@pytest.mark.dashscope_mock(profile="faithful", ...)`;
`scenarios=[...]` queues scenarios before the test, and a scenario the test queued (by the marker or the handle)
that no create took fails the test at teardown, unless the marker says `allow_unused_scenarios=True`;
`models=` adds a model overlay (docs/models.md). `dashscope_mock_shared` is the same handle on one twin per
process, reset before each test (docs/fixture.md).

This module imports nothing but pytest until a test asks for a fixture (installing the package must not slow
down a run that does not use it; bench/fixture.py measures it): the fixtures' work is in
`mockserver.testing.fixtures`, the handle and its pieces in `mockserver.testing`.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .domain.task import TERMINAL
    from .testing import DashScopeMock, LazySocketServer, Poll, WireRecord


def pytest_configure(config: pytest.Config) -> None:
    """Register the `dashscope_mock` marker."""
    config.addinivalue_line(
        "markers",
        "dashscope_mock(profile='dev', api_key=None, sdk_sleep='virtual', scenarios=[], "
        "allow_unused_scenarios=False, models=None, block_network=False, allow_hosts=[], replay=None, "
        "replay_by='polls', **settings): configure the dashscope_mock fixture for this test (any mockserver Settings "
        "field, e.g. frozen=True, time_scale=10; scenarios as POST /__mock/scenarios bodies; models: a model overlay "
        "file or mapping, docs/models.md; block_network: refuse every other non-loopback connection, "
        "docs/interception.md; replay: a cassette directory relative to the test file, docs/capture.md)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note on the item whether its call phase failed (the fixture reports unused scenarios only if not)."""
    report: pytest.TestReport = yield
    # no fixture module loaded: no test asked for a fixture, nothing to note
    if report.when == "call" and report.failed and "mockserver.testing.fixtures" in sys.modules:
        from .testing.fixtures import CALL_FAILED

        item.stash[CALL_FAILED] = True
    return report


@pytest.fixture(scope="session")
def dashscope_mock_socket() -> Iterator[LazySocketServer]:
    """The loopback socket shared by this process's tests (one per xdist worker)."""
    from .testing.fixtures import socket_server

    yield from socket_server()


@pytest.fixture
def dashscope_mock(request: pytest.FixtureRequest, dashscope_mock_socket: LazySocketServer) -> Iterator[DashScopeMock]:
    """A fresh DashScope twin for this test, with the environment and the official SDK pointed at it."""
    from .testing.fixtures import fresh_mock

    yield from fresh_mock(request, dashscope_mock_socket)


@pytest.fixture(scope="session")
def dashscope_mock_session(pytestconfig: pytest.Config,
                           dashscope_mock_socket: LazySocketServer) -> Iterator[DashScopeMock]:
    """One twin for this process's whole session (dev profile), not reset: tests use `dashscope_mock_shared`."""
    from .testing.fixtures import session_mock

    yield from session_mock(pytestconfig, dashscope_mock_socket)


@pytest.fixture
def dashscope_mock_shared(request: pytest.FixtureRequest,
                          dashscope_mock_session: DashScopeMock) -> Iterator[DashScopeMock]:
    """The session's twin reset for this test (a fresh twin's state, at a fraction of the cost), with the
    environment and the official SDK pointed at it; the marker may say only `scenarios=`, `allow_unused_scenarios=`."""
    from .testing.fixtures import shared_mock

    yield from shared_mock(request, dashscope_mock_session)


def __getattr__(name: str) -> Any:
    # the harness's names, for `from mockserver.pytest_plugin import DashScopeMock`, loaded on first use
    if name == "TERMINAL":
        from .domain.task import TERMINAL

        return TERMINAL
    if name in ("DashScopeMock", "LazySocketServer", "Poll", "WireRecord"):
        from .testing import DashScopeMock, LazySocketServer, Poll, WireRecord

        return {"DashScopeMock": DashScopeMock, "LazySocketServer": LazySocketServer, "Poll": Poll,
                "WireRecord": WireRecord}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["TERMINAL", "DashScopeMock", "LazySocketServer", "Poll", "WireRecord"]
