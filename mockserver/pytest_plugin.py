"""The pytest plugin (entry point `pytest11`): the `dashscope_mock` fixture for users' own suites.

    def test_video(dashscope_mock):
        from dashscope import VideoSynthesis
        rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
        assert rsp.output.task_status == "SUCCEEDED"
        dashscope_mock.assert_no_poll_after_terminal(rsp.output.task_id)

Every test gets a fresh twin (its own clock, tasks, scenarios and journal). One loopback socket per process
(so one per xdist worker) serves whichever twin is current: it is bound when a test first asks for the
fixture, and the server behind it starts on the first connection, so tests that only use the in-process
transports never start one. Configure a test with `@pytest.mark.dashscope_mock(profile="faithful", ...)`.
The handle and its pieces live in `mockserver.testing`; this module holds only the marker and the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from .domain.task import TERMINAL
from .settings import Settings
from .testing import DashScopeMock, LazySocketServer, Poll, WireRecord


def pytest_configure(config: pytest.Config) -> None:
    """Register the `dashscope_mock` marker."""
    config.addinivalue_line(
        "markers",
        "dashscope_mock(profile='dev', api_key=None, sdk_sleep='virtual', **settings): configure the "
        "dashscope_mock fixture for this test (any mockserver Settings field, e.g. frozen=True, time_scale=10)")


def _worker_id(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    if isinstance(workerinput, dict) and workerinput.get("workerid"):
        return str(workerinput["workerid"])
    return "main"


@pytest.fixture(scope="session")
def dashscope_mock_socket() -> Iterator[LazySocketServer]:
    """The loopback socket shared by this process's tests (one per xdist worker)."""
    server = LazySocketServer()
    try:
        yield server
    finally:
        server.close()
    if server.error is not None:
        raise RuntimeError("the dashscope mock server failed") from server.error


@pytest.fixture
def dashscope_mock(request: pytest.FixtureRequest, dashscope_mock_socket: LazySocketServer) -> Iterator[DashScopeMock]:
    """A fresh DashScope twin for this test, with the environment and the official SDK pointed at it."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("dashscope_mock"))):
        options.update(marker.kwargs)
    worker = _worker_id(request.config)
    api_key = str(options.pop("api_key", None) or f"sk-mock-{worker}")
    sdk_sleep = str(options.pop("sdk_sleep", "virtual"))
    if sdk_sleep not in ("virtual", "real"):
        raise pytest.UsageError(f"dashscope_mock(sdk_sleep={sdk_sleep!r}): use 'virtual' or 'real'")
    settings = Settings.for_profile(str(options.pop("profile", "dev")), **options)
    if settings.result_host is None:
        settings = replace(settings, result_host=dashscope_mock_socket.url)
    mock = DashScopeMock(settings, api_key, worker, dashscope_mock_socket, sdk_sleep)
    mock.activate()
    try:
        yield mock
    finally:
        mock.close()


__all__ = ["TERMINAL", "DashScopeMock", "LazySocketServer", "Poll", "WireRecord"]
