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
that no create took fails the test at teardown, unless the marker says `allow_unused_scenarios=True`.
The handle and its pieces live in `mockserver.testing`; this module holds only the marker and the fixtures.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import replace
from typing import Any

import pytest

from .domain.task import TERMINAL
from .settings import Settings
from .testing import DashScopeMock, LazySocketServer, Poll, WireRecord

_CALL_FAILED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the `dashscope_mock` marker."""
    config.addinivalue_line(
        "markers",
        "dashscope_mock(profile='dev', api_key=None, sdk_sleep='virtual', scenarios=[], "
        "allow_unused_scenarios=False, models=None, **settings): configure the dashscope_mock fixture for this test "
        "(any mockserver Settings field, e.g. frozen=True, time_scale=10; scenarios as POST /__mock/scenarios "
        "bodies; models: a model overlay file or mapping, docs/models.md)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note on the item whether its call phase failed (the fixture reports unused scenarios only if not)."""
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        item.stash[_CALL_FAILED] = True
    return report


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
    scenarios = list(options.pop("scenarios", None) or [])
    allow_unused = bool(options.pop("allow_unused_scenarios", False))
    if sdk_sleep not in ("virtual", "real"):
        raise pytest.UsageError(f"dashscope_mock(sdk_sleep={sdk_sleep!r}): use 'virtual' or 'real'")
    if options.get("models") is not None:  # a path, `{models: {...}}` or `{<id>: {...}}` (spec/overlay.py)
        from .spec.overlay import OverlayError, overlay_option

        try:
            options["models"] = overlay_option(options["models"], "dashscope_mock(models=...)")
        except OverlayError as exc:
            raise pytest.UsageError(str(exc)) from exc
    settings = Settings.for_profile(str(options.pop("profile", "dev")), **options)
    if settings.result_host is None:
        settings = replace(settings, result_host=dashscope_mock_socket.url)
    mock = DashScopeMock(settings, api_key, worker, dashscope_mock_socket, sdk_sleep)
    mock.activate()
    try:
        if scenarios:
            mock.queue_scenarios(scenarios)  # a ScenarioError here names the bad code or model
        yield mock
        unused = [] if allow_unused or request.node.stash.get(_CALL_FAILED, False) else mock.unused_scenarios()
    finally:
        mock.close()
    if unused:
        pytest.fail(f"dashscope_mock: {len(unused)} queued scenario(s) never used (no create matched): "
                    + "; ".join(f"{u['scenario']!r} model={u['model']}" for u in unused)
                    + ". Mark the test dashscope_mock(allow_unused_scenarios=True) if that is expected.",
                    pytrace=False)


__all__ = ["TERMINAL", "DashScopeMock", "LazySocketServer", "Poll", "WireRecord"]
