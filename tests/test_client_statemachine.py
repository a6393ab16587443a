"""A Hypothesis state machine drives create, poll, wait, cancel, clock and faults against the mock through the
client, and checks the task lifecycle's invariants and the wait loop's manners after every step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

from clients import Task, errors
from clients.responses import TERMINAL, status_rank
from clients.testing import bind
from mockserver import Settings
from mockserver.spec.document import load_spec
from mockserver.testing import DashScopeMock, MockTransport

SPEC = load_spec()
TTL = 86400.0
MODELS = ["wan2.2-t2v-plus", "wanx2.1-t2i-turbo", "wan2.6-t2i", "wan2.2-animate-move"]
SCENARIOS = [None, "pending:30s,running:60s,succeeded", "pending*2,running*3,succeeded",
             "pending:10s,running:10s,failed(InternalError.Algo)", "running:5s,succeeded(failed_items=1)",
             "pending:20s,failed(DataInspectionFailed)", "pending*1,running*1,failed(Throttling.AllocationQuota)"]
BODIES = {
    "wan2.2-t2v-plus": {"prompt": "a cat"},
    "wanx2.1-t2i-turbo": {"prompt": "a cat"},
    "wan2.6-t2i": {"messages": [{"role": "user", "content": [{"text": "a cat"}]}]},
    "wan2.2-animate-move": {"image_url": "https://example.com/a.png", "video_url": "https://example.com/b.mp4"},
}
PARAMS: dict[str, dict[str, Any] | None] = {"wan2.2-animate-move": {"mode": "wan-std"}}
RETRYABLE = (errors.ThrottlingError, errors.InternalServerError, errors.ConnectionFailedError)


@dataclass
class Seen:
    """What the machine knows about one task."""

    created_at: float
    status: str = "PENDING"
    canceled: bool = False
    submit_time: Any = None
    scheduled_time: Any = None
    end_time: Any = None


class Spy(httpx.BaseTransport):
    """Records (method, path, HTTP status, task_status) of every exchange the client makes."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.log: list[tuple[str, str, int, str | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        status = None
        if response.status_code == 200 and request.method == "GET":
            output = json.loads(response.content).get("output")
            status = output.get("task_status") if isinstance(output, dict) else None
        self.log.append((request.method, request.url.path, response.status_code, status))
        return response


class TaskLifecycle(RuleBasedStateMachine):
    """Create/poll/wait/cancel/advance/fault; invariants are checked on every answer."""

    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.mock = DashScopeMock(Settings.for_profile("dev", frozen=True, log_requests=False, seed=1))
        self.spy = Spy(MockTransport(self.mock.app))
        self.client = bind(self.mock.app, transport=self.spy)
        self.seen: dict[str, Seen] = {}

    def teardown(self) -> None:
        self.mock.http.close()

    @property
    def now(self) -> float:
        return float(self.mock.twin.clock.now())

    # ---- rules ------------------------------------------------------------------------------------

    @initialize(target=tasks)
    def first_task(self) -> str:
        return self.create(MODELS[0], None)

    @rule(target=tasks, model=st.sampled_from(MODELS), scenario=st.sampled_from(SCENARIOS))
    def create(self, model: str, scenario: str | None) -> str:
        headers = {"X-Mock-Scenario": scenario} if scenario else None
        created = self.client.create(model, BODIES[model], PARAMS.get(model), headers=headers)
        assert created.status == "PENDING" and created.model == model
        assert created.task_id not in self.seen
        self.seen[created.task_id] = Seen(self.now)
        return created.task_id

    @rule(task_id=tasks)
    def poll(self, task_id: str) -> None:
        try:
            task = self.client.get(task_id)
        except RETRYABLE:
            return  # the injected faults outlasted the read retries; nothing was learned
        self.check(task)

    @rule(task_id=tasks)
    def cancel(self, task_id: str) -> None:
        before = self.seen[task_id]
        try:
            self.client.cancel(task_id)
        except errors.UnsupportedOperationError:
            return  # not PENDING (any more)
        except RETRYABLE:
            return
        # status only moves forward: a task once seen past PENDING can never be canceled
        assert before.status == "PENDING", (task_id, before.status)
        before.canceled = True

    @rule(task_id=tasks)
    def wait(self, task_id: str) -> None:
        sleeps = self.client.virtual_sleep.calls  # type: ignore[attr-defined]
        first_sleep = len(sleeps)
        log_before = len(self.spy.log)
        policy = self.client.config.wait
        try:
            task = self.client.wait(task_id, timeout=600, raise_on_failure=False)
        except errors.WaitTimeoutError as late:
            assert late.task is None or not late.task.is_terminal
            return
        except RETRYABLE:
            return
        self.check(task)
        assert task.is_terminal
        polls = [x for x in self.spy.log[log_before:] if x[0] == "GET" and x[1].endswith(task_id)]
        served = [x[3] for x in polls if x[2] == 200]  # the others were injected 429/5xx answers
        # it stopped at the first terminal state: the last poll served it, none came after
        assert polls and polls[-1][3] == task.status, polls
        assert not any(s in TERMINAL for s in served[:-1]), served
        for attempt, slept in enumerate(sleeps[first_sleep:]):
            assert slept >= policy.min_interval(attempt) - 1e-9, (attempt, slept)  # never faster than backoff

    @rule(seconds=st.sampled_from([0.5, 3.0, 20.0, 90.0, 3600.0, TTL]))
    def advance(self, seconds: float) -> None:
        self.mock.advance(seconds)

    @rule(server=st.sampled_from([0.0, 0.1, 0.3]), throttle=st.sampled_from([0.0, 0.1, 0.3]),
          seed=st.integers(0, 3))
    def inject_faults(self, server: float, throttle: float, seed: int) -> None:
        r = self.mock.http.post("/__mock/faults", json={"server_error_rate": server, "error_rate": throttle,
                                                          "seed": seed, "on": ["query", "cancel"]})
        assert r.status_code == 200, r.text

    # ---- invariants -------------------------------------------------------------------------------

    def check(self, task: Task) -> None:
        seen = self.seen[task.task_id]  # the id is stable: answers name the task that was asked for
        age = self.now - seen.created_at
        if age >= TTL:
            assert task.status == "UNKNOWN", (age, task.status)
        else:
            assert task.status != "UNKNOWN", (age, task.output)
        assert status_rank(task.status) >= status_rank(seen.status), (seen.status, task.status)
        if seen.status in TERMINAL and task.status != "UNKNOWN":
            assert task.status == seen.status  # terminal stays put until expiry
        if task.status == "CANCELED":
            assert seen.canceled and seen.status in ("PENDING", "CANCELED")
        elif seen.canceled and task.status != "UNKNOWN":
            raise AssertionError(f"canceled task answered {task.status}")
        # the fields each state must carry (TaskOutput<State> in the spec)
        schema = f"TaskOutput{task.status.title()}"
        problems = [e.message for e in SPEC.validator(schema).iter_errors(dict(task.output))]
        if task.status == "SUCCEEDED":
            assert task.results, task.output
        assert not problems, (schema, problems, task.output)
        if task.status != "UNKNOWN":
            stamps = [t.replace(microsecond=0) for t in (task.submit_time, task.scheduled_time, task.end_time) if t]
            assert stamps == sorted(stamps), task.output
            for name in ("submit_time", "scheduled_time", "end_time"):
                before, now = getattr(seen, name), getattr(task, name)
                assert before is None or now == before, (name, before, now)  # a timestamp never changes
                setattr(seen, name, now)
        seen.status = task.status


TaskLifecycle.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_task_lifecycle = TaskLifecycle.TestCase
