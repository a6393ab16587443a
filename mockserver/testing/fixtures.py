"""What the pytest plugin's fixtures do, kept out of `mockserver/pytest_plugin.py` so that the plugin module (loaded
in every pytest run of a project that installed the package) imports nothing but pytest; this module loads when a
test first asks for a fixture."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from ..settings import Settings
from .handle import DashScopeMock
from .runner import LazySocketServer

CALL_FAILED = pytest.StashKey[bool]()  # the test's call phase failed (set by the plugin's makereport hook)
# what a marker may say to the shared twin
SHARED_KEYS = frozenset({"scenarios", "allow_unused_scenarios", "block_network", "allow_hosts"})


_frozen: list[bool] = []


def settle_heap() -> None:
    """Once per process, after the first twin is active: move what it loaded (the parsed spec, its registry, the
    official SDK's modules: tens of thousands of long-lived objects) out of the cyclic collector's sight, as
    `serve` does; otherwise every full collection a test's allocations trigger walks them all again. Objects
    alive at that moment are never collected as cyclic garbage later (gc.freeze)."""
    if not _frozen:
        _frozen.append(True)
        gc.collect()
        gc.freeze()


def worker_id(config: pytest.Config) -> str:
    """The xdist worker's id ("gw0", ...), or "main" without xdist."""
    workerinput = getattr(config, "workerinput", None)
    if isinstance(workerinput, dict) and workerinput.get("workerid"):
        return str(workerinput["workerid"])
    return "main"


def marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The keywords of every `dashscope_mock` marker on the test, the closest one winning."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("dashscope_mock"))):
        options.update(marker.kwargs)
    return options


def check_unused(request: pytest.FixtureRequest, mock: DashScopeMock, allow_unused: bool) -> None:
    """Fail the test when a scenario it queued was never taken (unless allowed, or the test failed anyway)."""
    unused = [] if allow_unused or request.node.stash.get(CALL_FAILED, False) else mock.unused_scenarios()
    if unused:
        pytest.fail(f"dashscope_mock: {len(unused)} queued scenario(s) never used (no create matched): "
                    + "; ".join(f"{u['scenario']!r} model={u['model']}" for u in unused)
                    + ". Mark the test dashscope_mock(allow_unused_scenarios=True) if that is expected.",
                    pytrace=False)


def socket_server() -> Iterator[LazySocketServer]:
    """The process's loopback socket, closed at the end of the session."""
    server = LazySocketServer()
    try:
        yield server
    finally:
        server.close()
    if server.error is not None:
        raise RuntimeError("the dashscope mock server failed") from server.error


def fresh_mock(request: pytest.FixtureRequest, socket: LazySocketServer) -> Iterator[DashScopeMock]:
    """A fresh twin configured by the test's markers, active for the test."""
    options = marker_options(request)
    worker = worker_id(request.config)
    api_key = str(options.pop("api_key", None) or f"sk-mock-{worker}")
    sdk_sleep = str(options.pop("sdk_sleep", "virtual"))
    scenarios = list(options.pop("scenarios", None) or [])
    allow_unused = bool(options.pop("allow_unused_scenarios", False))
    block_network, allow_hosts = bool(options.pop("block_network", False)), options.pop("allow_hosts", ())
    replay = options.pop("replay", None)  # a cassette directory, relative to the test's file
    by = str(options.pop("replay_by", "polls"))
    if sdk_sleep not in ("virtual", "real"):
        raise pytest.UsageError(f"dashscope_mock(sdk_sleep={sdk_sleep!r}): use 'virtual' or 'real'")
    if options.get("models") is not None:  # a path, `{models: {...}}` or `{<id>: {...}}` (spec/overlay.py)
        from ..spec.overlay import OverlayError, overlay_option

        try:
            options["models"] = overlay_option(options["models"], "dashscope_mock(models=...)")
        except OverlayError as exc:
            raise pytest.UsageError(str(exc)) from exc
    settings = Settings.for_profile(str(options.pop("profile", "dev")), **options)
    if settings.result_host is None:
        settings = replace(settings, result_host=socket.url)
    modes = None
    if replay:
        from ..capture.modes import Modes

        modes = Modes(replay=request.path.parent / str(replay), replay_by=by)
    try:
        mock = DashScopeMock(settings, api_key, worker, socket, sdk_sleep, modes=modes)
    except ValueError as exc:  # a cassette that cannot be replayed (missing, empty), a bad replay_by
        raise pytest.UsageError(f"dashscope_mock(replay={replay!r}): {exc}") from None
    interception = None
    try:
        mock.activate()  # the first activation imports the official SDK, if installed
        settle_heap()
        interception = _intercept(request, mock, block_network, allow_hosts)
        if scenarios:
            mock.queue_scenarios(scenarios)  # a ScenarioError here names the bad code or model
        yield mock
        check_unused(request, mock, allow_unused)
    finally:
        if interception is not None:
            interception.uninstall()
        mock.close()


def _intercept(request: pytest.FixtureRequest, mock: DashScopeMock, block_network: bool, allow_hosts: Any) -> Any:
    """DashScope's hosts reach this twin only while the test runs (docs/interception.md)."""
    from ..ingress.intercept import intercept

    return intercept(mock, request.config, block_network=block_network, allow_hosts=allow_hosts)


def session_mock(config: pytest.Config, socket: LazySocketServer) -> Iterator[DashScopeMock]:
    """The session's one twin (dev profile), closed at the end of the session."""
    worker = worker_id(config)
    settings = Settings.for_profile("dev", result_host=socket.url)
    mock = DashScopeMock(settings, f"sk-mock-{worker}", worker, socket, "virtual")
    try:
        yield mock
    finally:
        mock.close()


def shared_mock(request: pytest.FixtureRequest, mock: DashScopeMock) -> Iterator[DashScopeMock]:
    """The session's twin reset for this test and active while it runs."""
    options = marker_options(request)
    other = sorted(set(options) - SHARED_KEYS)
    if other:
        raise pytest.UsageError(f"dashscope_mock_shared is the session's dev twin, so the marker's "
                                f"{', '.join(k + '=' for k in other)} cannot apply to it: use the dashscope_mock "
                                "fixture for a twin of the test's own")
    mock.reset()
    mock.activate()
    settle_heap()
    interception = None
    try:
        interception = _intercept(request, mock, bool(options.get("block_network", False)),
                                  options.get("allow_hosts", ()))
        if options.get("scenarios"):
            mock.queue_scenarios(list(options["scenarios"]))
        yield mock
        check_unused(request, mock, bool(options.get("allow_unused_scenarios", False)))
    finally:
        if interception is not None:
            interception.uninstall()
        mock.deactivate()
