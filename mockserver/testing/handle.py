"""The handle on one twin: `DashScopeMock`, what the `dashscope_mock` fixture yields and our own tests use.

    mock = DashScopeMock(Settings.for_profile("dev", frozen=True))
    task_id = mock.task_id("wan2.2-t2v-plus")       # a create with the spec's example body
    mock.advance(60)
    assert mock.get(task_id)["output"]["task_status"] == "SUCCEEDED"
    mock.close()

It holds a fresh twin, its URLs, in-process transports and http clients, the clock, scenarios, the journal
of polls, the requests it answered, and three assertions about how a client polled.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..capture.modes import Modes, answer_layer
from ..domain.state import Twin
from ..domain.task import TERMINAL
from ..http.app import create_app
from ..settings import Settings
from .recorder import Recorder, WireRecord
from .runner import ASGIApp, Switchboard
from .sdk import Patches, point_sdk

if TYPE_CHECKING:
    import httpx

    from ..domain.clock import VirtualClock
    from .transport import AsyncMockTransport, MockTransport

KEY = "sk-test-key-0001"  # the key a handle uses unless given one
AUTH = {"Authorization": f"Bearer {KEY}"}
ASYNC = {**AUTH, "X-DashScope-Async": "enable"}
AIGC = "/api/v1/services/aigc/"  # creates go to AIGC + the model's route
IN_PROCESS_URL = "http://127.0.0.1"  # the root a handle without a socket names (its transports need no server)


class Socket(Protocol):
    """What a handle needs of a shared socket: its root URL and the switchboard that routes to a twin."""

    board: Switchboard

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""


@dataclass(frozen=True, slots=True)
class Poll:
    """One GET of a task as the twin's journal saw it: virtual time, the status served, any fault."""

    at: float
    status: str
    fault: str | None = None


def resolve(target: Any) -> tuple[ASGIApp, Twin]:
    """(the ASGI app, its twin) for an app from `create_app`, a recorded app, or a `DashScopeMock`."""
    if isinstance(target, DashScopeMock):
        return target.app, target.twin
    twin: Twin = target.state.twin
    return target, twin


class DashScopeMock:
    """A fresh twin and everything a test needs to drive it and to check how a client treated it.

    With a `socket` (the plugin's per-process `LazySocketServer`), `activate` routes it to this twin;
    without one, the twin is reached in process through `transport()`, `http` and `http_client()`.
    `record=False` skips the request recorder (`requests` stays empty). `modes` puts another answer source in
    front of the twin (capture, diff or replay: mockserver/capture); `upstream_client` is how capture reaches
    its upstream (an in-process transport to another twin, in tests).
    """

    def __init__(self, settings: Settings | None = None, api_key: str = KEY, namespace: str = "main",
                 socket: Socket | None = None, sdk_sleep: str = "virtual", *, record: bool = True,
                 modes: Modes | None = None, upstream_client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings if settings is not None else Settings.for_profile("dev")
        self.api_key = api_key
        self.namespace = namespace
        self.socket = socket
        self.sdk_sleep = sdk_sleep
        self.requests: list[WireRecord] = []
        self.raw_app = create_app(self.settings)
        self.layer = answer_layer(self.raw_app, self.twin, modes, upstream_client) if modes else self.raw_app
        self.app: ASGIApp = Recorder(self.layer, self.requests) if record else self.layer
        self._patches: list[Patches] = []
        self._closers: list[Any] = []
        self._http: httpx.Client | None = None
        self._queued: list[tuple[int, int, dict[str, Any]]] = []  # what this handle queued, for `unused_scenarios`

    # -- where to reach it

    @property
    def twin(self) -> Twin:
        """The twin's state: clock, tasks, journal, scenarios, faults."""
        twin: Twin = self.raw_app.state.twin
        return twin

    @property
    def url(self) -> str:
        """The server root: the socket's (its server starts when something connects), else IN_PROCESS_URL."""
        return self.socket.url if self.socket is not None else IN_PROCESS_URL

    @property
    def base_url(self) -> str:
        """What DASHSCOPE_HTTP_BASE_URL is set to: `<url>/api/v1`."""
        return f"{self.url}/api/v1"

    def transport(self) -> MockTransport:
        """A sync httpx transport to this twin with no socket (closed when the handle closes)."""
        from .transport import MockTransport

        t = MockTransport(self.app)
        self._closers.append(t)
        return t

    def async_transport(self) -> AsyncMockTransport:
        """An async httpx transport to this twin with no socket."""
        from .transport import AsyncMockTransport

        return AsyncMockTransport(self.app)

    @property
    def http(self) -> httpx.Client:
        """A plain httpx.Client on `transport()` rooted at `url` (paths start with /api/v1; no key set)."""
        if self._http is None:
            import httpx

            self._http = httpx.Client(transport=self.transport(), base_url=self.url)
            self._closers.append(self._http)
        return self._http

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

    def headers(self, api_key: str | None = None, *, asynchronous: bool = False) -> dict[str, str]:
        """The Authorization header for `api_key` (default: the handle's), plus X-DashScope-Async if asked."""
        h = {"Authorization": f"Bearer {api_key or self.api_key}"}
        if asynchronous:
            h["X-DashScope-Async"] = "enable"
        return h

    # -- requests, for tests that speak HTTP themselves

    def create(self, model: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
               route: str | None = None) -> httpx.Response:
        """POST a create for `model`: the spec's documented example body unless `body` is given, the async
        header when the model is async-only, to its route unless `route` is given."""
        profile = self.twin.registry.model(model)
        if profile is None:
            raise KeyError(f"the spec has no model {model!r}")
        payload = body if body is not None else self.twin.spec.example_body(model)
        hdrs = headers if headers is not None else self.headers(asynchronous=profile.mode == "async")
        return self.http.post(AIGC + (route or profile.route), json=payload, headers=hdrs)

    def task_id(self, model: str, **kw: Any) -> str:
        """Create a task (arguments as `create`) and return its id; AssertionError unless the create answered 200."""
        r = self.create(model, **kw)
        assert r.status_code == 200, r.text
        task_id: str = r.json()["output"]["task_id"]
        return task_id

    def get(self, task_id: str, key: str | None = None) -> dict[str, Any]:
        """GET the task with `key` (default: the handle's) and return the body; AssertionError unless 200."""
        r = self.http.get(f"/api/v1/tasks/{task_id}", headers=self.headers(key))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

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
        from ..domain.scenarios import parse

        item = self.twin.scenarios.add(parse(scenario), model, api_key, times)
        self._queued.append((item.id, item.times, item.view()))
        return item.view()

    def queue_scenarios(self, entries: list[dict[str, Any] | str]) -> list[dict[str, Any]]:
        """Queue entries shaped like `POST /__mock/scenarios` bodies (or bare DSL strings); all or none."""
        items = self.twin.scenarios.add_entries(entries)
        self._queued.extend((item.id, item.times, item.view()) for item in items)
        return [item.view() for item in items]

    def unused_scenarios(self) -> list[dict[str, Any]]:
        """The scenarios this handle queued that are still queued and that no create has taken yet.

        Works on every store: an entry still in the queue with all of the uses it was queued with was never taken.
        """
        still = {item.id: item.times for item in self.twin.scenarios.listed()}
        return [view for item_id, times, view in self._queued if still.get(item_id) == times]

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
        """Ids of the tasks created with `api_key` (default: the handle's key), newest first."""
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

    @staticmethod
    def _timeline(polls: list[Poll]) -> str:
        start = polls[0].at if polls else 0.0
        return ", ".join(f"+{p.at - start:.3f}s {p.status}{f' ({p.fault})' if p.fault else ''}" for p in polls)

    def unmatched_requests(self) -> list[dict[str, str]]:
        """The requests a replayed cassette did not hold (the twin answered them as usual): method, path, kind.
        Empty outside replay; assert it is empty to insist on a closed set."""
        return list(getattr(getattr(self.layer, "source", None), "unmatched", []))

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

    # -- lifecycle

    def activate(self) -> None:
        """Route the socket (if any) to this twin and point the environment and the official SDK at it."""
        if self.socket is not None:
            self.socket.board.target = self.app
        clock = self.twin.clock if self.sdk_sleep == "virtual" else None
        self._patches.append(point_sdk(self.base_url, self.api_key, clock))

    def deactivate(self) -> None:
        """Undo `activate`: the socket no longer routes here, the environment and the SDK are as they were."""
        if self.socket is not None and self.socket.board.target is self.app:
            self.socket.board.target = None
        while self._patches:
            self._patches.pop().undo()

    def reset(self) -> None:
        """Make a reused twin like a fresh one: no tasks, journal, scenarios, rate windows, download marks or
        recorded requests; faults and the clock's scale and freeze as the settings say (the clock never rewinds;
        keys and uploaded files stay)."""
        from ..domain.faults import FaultPlan

        twin = self.twin
        twin.reset()
        twin.faults.configure(FaultPlan.from_dict(self.settings.faults) if self.settings.faults else FaultPlan())
        twin.clock.update(freeze=self.settings.frozen, scale=self.settings.time_scale)
        self.requests.clear()
        self._queued.clear()

    def close(self) -> None:
        """Undo `activate` and close the transports and clients this handle made (idempotent)."""
        self.deactivate()
        for closer in reversed(self._closers):
            closer.close()
        self._closers.clear()
        self.twin.close()
        self._http = None

    def __enter__(self) -> DashScopeMock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
