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
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import itertools
import os
import select
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from .domain.task import TERMINAL

if TYPE_CHECKING:
    import httpx
    import uvicorn

    from .domain.clock import VirtualClock
    from .domain.state import Twin
    from .settings import Settings
    from .transport import AsyncMockTransport, MockTransport

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ENV_URLS = ("DASHSCOPE_HTTP_BASE_URL", "DASHSCOPE_BASE_URL")  # 1.x reads the first; v2 prefers the second
_BODY_CAP = 1 << 20


# ---- what the fixture records ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Poll:
    """One GET of a task as the twin's journal saw it: virtual time, the status served, any fault."""

    at: float
    status: str
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class WireRecord:
    """One HTTP request the twin answered (Authorization redacted; JSON bodies kept, others dropped)."""

    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]
    body: bytes
    response_type: str

    def json(self) -> Any:
        """The request body parsed as JSON (None when it was empty)."""
        import orjson

        return orjson.loads(self.body) if self.body else None


class _Recorder:
    """ASGI middleware that appends a `WireRecord` per HTTP request."""

    def __init__(self, app: ASGIApp, records: list[WireRecord]) -> None:
        self.app = app
        self.records = records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from .domain.accounts import redact

        headers = {k.decode("latin-1").lower(): redact(v.decode("latin-1")) for k, v in scope["headers"]}
        body = b""
        replay: list[Message] = []
        if "json" in headers.get("content-type", ""):
            # read the body now (handlers that ignore it, like cancel, never would) and replay it
            parts: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    replay.append(message)
                    break
                parts.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body = b"".join(parts)
            replay.insert(0, {"type": "http.request", "body": body, "more_body": False})
        status: list[int] = [0]
        content_type: list[str] = [""]

        async def receive_replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                for k, v in message.get("headers", []):
                    if k.lower() == b"content-type":
                        content_type[0] = v.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive_replayed, send_and_note)
        finally:
            self.records.append(WireRecord(
                scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"),
                status[0], headers, body[:_BODY_CAP], content_type[0]))


# ---- the process-wide socket ---------------------------------------------------------------------


class _Switchboard:
    """The ASGI app behind the shared socket: it forwards to the current test's twin."""

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.target
        if target is not None:
            await target(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        body = b'{"request_id":"","code":"ServiceUnavailable","message":"No test is using the dashscope mock now."}'
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class LazySocketServer:
    """A loopback socket bound now; uvicorn starts serving it on the first incoming connection."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.board = _Switchboard()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(128)  # connections wait in the backlog until the server is up
        self.port: int = self._sock.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._lock = threading.Lock()
        self._closing = False
        self._server: uvicorn.Server | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="dashscope-mock-socket", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def started(self) -> bool:
        """Whether someone connected, so uvicorn was started."""
        return self._server is not None

    def _run(self) -> None:
        import uvicorn

        readable, _, _ = select.select([self._sock, self._wake_r], [], [])
        with self._lock:
            if self._closing or self._wake_r in readable:
                return
            config = uvicorn.Config(self.board, log_level="warning", access_log=False, lifespan="off")
            self._server = uvicorn.Server(config)
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # raised when the session ends: a thread cannot raise into a test
            self.error = exc

    def close(self) -> None:
        """Stop serving (if it ever started) and release the port."""
        with self._lock:
            self._closing = True
            if self._server is not None:
                self._server.should_exit = True
                self._server.force_exit = True
            else:
                self._wake_w.send(b"x")
        self._thread.join(timeout=10)
        for s in (self._sock, self._wake_r, self._wake_w):
            s.close()


# ---- the official SDK: environment, module variables, virtual sleeps --------------------------


class _VirtualTime:
    """Stands in for the `time` module inside SDK modules: sleeping advances the twin's virtual clock."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        """Advance the virtual clock instead of blocking."""
        seconds = max(0.0, float(seconds))
        self._clock.advance(seconds)
        self.slept += seconds

    def time(self) -> float:
        """Wall time plus what was slept, so the SDK's wait_timeout counts virtual seconds."""
        return time.time() + self.slept

    def monotonic(self) -> float:
        """Monotonic time plus what was slept (v2's wait deadline)."""
        return time.monotonic() + self.slept

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _VirtualAsyncio:
    """Stands in for the `asyncio` module inside SDK modules: `sleep` advances the virtual clock."""

    def __init__(self, vtime: _VirtualTime) -> None:
        self._vtime = vtime

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        """Advance the virtual clock, then yield to the loop once."""
        self._vtime.sleep(seconds)
        await asyncio.sleep(0)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


# module -> (attribute, kind): where SDK 2.0.2 sleeps while polling or retrying
# (official-sdk-wire-protocol.md §3.1, §3.2; v2/transport/http.py:461-466)
_SDK_SLEEPERS: dict[str, tuple[tuple[str, str], ...]] = {
    "dashscope.client.base_api": (("time", "time"), ("asyncio", "asyncio")),
    "dashscope.v2.resources._jobs": (("time", "time"), ("asyncio", "asyncio")),
    "dashscope.v2.transport.http": (("_sleep", "sleep"), ("_asleep", "asleep")),
}


class _Patches:
    """Set attributes and environment variables, and put every one back on `undo`."""

    _MISSING = object()

    def __init__(self) -> None:
        self._attrs: list[tuple[Any, str, Any]] = []
        self._env: list[tuple[str, str | None]] = []

    def setattr(self, target: Any, name: str, value: Any) -> None:
        """Set `target.name`, remembering the old value."""
        self._attrs.append((target, name, getattr(target, name, self._MISSING)))
        setattr(target, name, value)

    def setenv(self, name: str, value: str) -> None:
        """Set an environment variable, remembering the old value."""
        self._env.append((name, os.environ.get(name)))
        os.environ[name] = value

    def undo(self) -> None:
        """Restore everything, newest first."""
        for target, name, old in reversed(self._attrs):
            if old is self._MISSING:
                delattr(target, name)
            else:
                setattr(target, name, old)
        for name, old_env in reversed(self._env):
            if old_env is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old_env
        self._attrs.clear()
        self._env.clear()


def _official_sdk() -> ModuleType | None:
    """The `dashscope` package if it is installed (imported now, so its env-derived globals can be set)."""
    if importlib.util.find_spec("dashscope") is None:
        return None
    return importlib.import_module("dashscope")


def _no_proxy(current: str | None) -> str:
    hosts = [h for h in (current or "").split(",") if h.strip()]
    return ",".join(hosts + [h for h in ("127.0.0.1", "localhost") if h not in hosts])


# ---- the handle ----------------------------------------------------------------------------------


class DashScopeMock:
    """What the `dashscope_mock` fixture yields: a fresh twin, its URLs, transports, clock, scenarios,
    journal, the requests it answered, and assertions about how a client polled."""

    def __init__(self, settings: Settings, api_key: str, namespace: str, socket: LazySocketServer,
                 sdk_sleep: str = "virtual") -> None:
        from .http.app import create_app

        self.settings = settings
        self.api_key = api_key
        self.namespace = namespace
        self.socket = socket
        self.sdk_sleep = sdk_sleep
        self.requests: list[WireRecord] = []
        self.raw_app = create_app(settings)
        self.app: ASGIApp = _Recorder(self.raw_app, self.requests)
        self._patches = _Patches()
        self._closers: list[Any] = []

    # -- where to reach it

    @property
    def twin(self) -> Twin:
        """The twin's state: clock, engine, store, scenarios, faults."""
        twin: Twin = self.raw_app.state.twin
        return twin

    @property
    def url(self) -> str:
        """The loopback server root (the server starts when something connects)."""
        return self.socket.url

    @property
    def base_url(self) -> str:
        """What DASHSCOPE_HTTP_BASE_URL is set to: `<url>/api/v1`."""
        return f"{self.socket.url}/api/v1"

    def transport(self) -> MockTransport:
        """A sync httpx transport to this twin with no socket (closed when the test ends)."""
        from .transport import MockTransport

        t = MockTransport(self.app)
        self._closers.append(t)
        return t

    def async_transport(self) -> AsyncMockTransport:
        """An async httpx transport to this twin with no socket."""
        from .transport import AsyncMockTransport

        return AsyncMockTransport(self.app)

    def http_client(self, api_key: str | None = None) -> httpx.Client:
        """An httpx.Client on `transport()` with the base URL and key set: what `dashscope.Client(http_client=)`
        needs, since the SDK adds neither to a client it did not build."""
        import httpx

        client = httpx.Client(transport=self.transport(), base_url=self.base_url,
                              headers={"Authorization": f"Bearer {api_key or self.api_key}"})
        self._closers.append(client)
        return client

    def async_http_client(self, api_key: str | None = None) -> httpx.AsyncClient:
        """An httpx.AsyncClient on `async_transport()` with the base URL and key set."""
        import httpx

        return httpx.AsyncClient(transport=self.async_transport(), base_url=self.base_url,
                                 headers={"Authorization": f"Bearer {api_key or self.api_key}"})

    # -- the clock

    @property
    def clock(self) -> VirtualClock:
        """The twin's virtual clock."""
        return self.twin.clock

    def now(self) -> float:
        """Virtual time, epoch seconds."""
        return self.twin.clock.now()

    def advance(self, seconds: float) -> float:
        """Move virtual time forward; returns the new time."""
        return self.twin.clock.advance(seconds)

    def freeze(self) -> None:
        """Stop virtual time (only `advance` and virtual sleeps move it)."""
        self.twin.clock.freeze(True)

    def unfreeze(self) -> None:
        """Let virtual time flow with real time again."""
        self.twin.clock.freeze(False)

    def sleep(self, seconds: float) -> None:
        """A drop-in for `time.sleep` to hand to your own client: advances virtual time instead."""
        self.twin.clock.advance(max(0.0, seconds))

    async def asleep(self, seconds: float) -> None:
        """A drop-in for `asyncio.sleep`: advances virtual time, then yields once."""
        self.twin.clock.advance(max(0.0, seconds))
        await asyncio.sleep(0)

    # -- scenarios

    def queue_scenario(self, scenario: str, *, model: str | None = None, api_key: str | None = None,
                       times: int = 1) -> dict[str, Any]:
        """Queue a scenario (the DSL of mockserver.scenarios) for the next `times` creates that match."""
        from .domain.scenarios import parse

        item = self.twin.scenarios.add(parse(scenario), model, api_key, times)
        return item.view()

    def fail_next(self, code: str = "InternalError", message: str | None = None, *, model: str | None = None,
                  pending_polls: int = 0) -> dict[str, Any]:
        """The next matching task fails with catalogue `code` (after `pending_polls` PENDING answers)."""
        terminal = f'failed({code},"{message}")' if message else f"failed({code})"
        steps = f"pending*{pending_polls}," if pending_polls else ""
        return self.queue_scenario(steps + terminal, model=model)

    def reject_next(self, code: str, *, model: str | None = None) -> dict[str, Any]:
        """The next matching create itself answers catalogue error `code`."""
        return self.queue_scenario(f"reject({code})", model=model)

    # -- tasks and the journal

    def task_ids(self, api_key: str | None = None) -> list[str]:
        """Ids of the tasks created with `api_key` (default: the fixture's key), newest first."""
        account = self.twin.keys.account_of(api_key or self.api_key)
        if account is None:
            return []
        return [t.task_id for t in self.twin.tasks.of_account(account, limit=1_000_000)]

    def status(self, task_id: str) -> str:
        """The status the task has now (UNKNOWN when the twin has no such task)."""
        task = self.twin.tasks.find(task_id)
        return "UNKNOWN" if task is None else self.twin.tasks.status(task)

    def polls(self, task_id: str) -> list[Poll]:
        """Every GET of `task_id`, oldest first (faults injected instead of an answer included)."""
        return [Poll(p.at, p.status, p.fault) for p in self.twin.tasks.polls(task_id)]

    def _timeline(self, polls: list[Poll]) -> str:
        start = polls[0].at if polls else 0.0
        return ", ".join(f"+{p.at - start:.3f}s {p.status}{f' ({p.fault})' if p.fault else ''}" for p in polls)

    # -- polling assertions

    def assert_no_poll_after_terminal(self, task_id: str) -> None:
        """Fail if the task was polled again after a poll had already served a terminal status."""
        polls = self.polls(task_id)
        for i, poll in enumerate(polls):
            if poll.status in TERMINAL:
                extra = len(polls) - i - 1
                if extra:
                    raise AssertionError(
                        f"task {task_id} was polled {extra} more time(s) after it was {poll.status}: "
                        f"{self._timeline(polls)}")
                return

    def assert_min_poll_interval(self, task_id: str, seconds: float) -> None:
        """Fail if two consecutive polls of the task were closer than `seconds` of virtual time."""
        polls = self.polls(task_id)
        for a, b in itertools.pairwise(polls):
            if b.at - a.at < seconds - 1e-6:
                raise AssertionError(
                    f"task {task_id} was polled {b.at - a.at:.3f}s after the previous poll (minimum {seconds}s): "
                    f"{self._timeline(polls)}")

    def assert_polls_at_most(self, task_id: str, n: int) -> None:
        """Fail if the task was polled more than `n` times."""
        polls = self.polls(task_id)
        if len(polls) > n:
            raise AssertionError(f"task {task_id} was polled {len(polls)} times (at most {n}): "
                                 f"{self._timeline(polls)}")

    # -- lifecycle (the fixture calls these)

    def activate(self) -> None:
        """Route the socket to this twin, point the environment and the official SDK at it."""
        self.socket.board.target = self.app
        p = self._patches
        for name in _ENV_URLS:
            p.setenv(name, self.base_url)
        p.setenv("DASHSCOPE_API_KEY", self.api_key)
        for name in ("NO_PROXY", "no_proxy"):
            p.setenv(name, _no_proxy(os.environ.get(name)))
        sdk = _official_sdk()
        if sdk is None:
            return
        # 1.x reads its env once, at import, into module variables it consults at call time (wire §1.1)
        p.setattr(sdk, "base_http_api_url", self.base_url)
        p.setattr(sdk, "api_key", self.api_key)
        if self.sdk_sleep == "virtual":
            self._patch_sleeps()

    def _patch_sleeps(self) -> None:
        vtime = _VirtualTime(self.twin.clock)
        vasyncio = _VirtualAsyncio(vtime)
        stand_ins: dict[str, Any] = {"time": vtime, "asyncio": vasyncio, "sleep": vtime.sleep,
                                     "asleep": vasyncio.sleep}
        for module_name, attrs in _SDK_SLEEPERS.items():
            try:
                module = importlib.import_module(module_name)
            except ImportError:  # another SDK version: its sleeps stay real
                continue
            for attr, kind in attrs:
                if hasattr(module, attr):
                    self._patches.setattr(module, attr, stand_ins[kind])

    def close(self) -> None:
        """Undo `activate` and close the transports this handle made."""
        if self.socket.board.target is self.app:
            self.socket.board.target = None
        self._patches.undo()
        for closer in self._closers:
            closer.close()
        self._closers.clear()


# ---- fixtures --------------------------------------------------------------------------------------


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
    from .settings import Settings

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
