"""The client under injected faults: 429 bursts, 5xx on polls, connection resets, slow answers, FAILED codes,
UNKNOWN mid-wait. Sync and async run the same scripts; time is the mock's virtual clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from clients import WaitPolicy, errors
from clients.testing import AsyncFlakyTransport, Fault, FlakyTransport, abind, bind
from mockserver.testing import AsyncMockTransport, DashScopeMock, MockTransport

MODEL = "wan2.2-t2v-plus"
SLOW = {"X-Mock-Scenario": "pending:5s,running:20s,succeeded"}


class Harness:
    """One API for both clients: `call(name, *args)` runs the sync method, or the async one to completion."""

    def __init__(self, mock: DashScopeMock, faults: list[Fault], is_async: bool, **config: Any) -> None:
        self.mock = mock
        self.is_async = is_async
        advance = mock.twin.clock.advance
        if is_async:
            self.flaky: FlakyTransport | AsyncFlakyTransport = AsyncFlakyTransport(
                AsyncMockTransport(mock.app), faults, advance)
            self.client: Any = abind(mock.app, transport=self.flaky, **config)
        else:
            self.flaky = FlakyTransport(MockTransport(mock.app), faults, advance)
            self.client = bind(mock.app, transport=self.flaky, **config)

    def call(self, name: str, *args: Any, **kw: Any) -> Any:
        method = getattr(self.client, name)
        return asyncio.run(method(*args, **kw)) if self.is_async else method(*args, **kw)

    @property
    def sleeps(self) -> list[float]:
        calls: list[float] = self.client.virtual_sleep.calls
        return calls

    def outcomes(self, kind: str) -> list[str]:
        return [outcome for k, _, outcome in self.flaky.log if k == kind]

    def stored(self) -> int:
        return len(self.mock.twin.tasks.store)


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest, mock: DashScopeMock) -> Callable[..., Harness]:
    return lambda faults, **config: Harness(mock, faults, request.param == "async", **config)


def test_429_burst_on_polls_honours_retry_after(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("read", "status", times=3, status=429, retry_after=7)])
    created = h.call("create", MODEL, {"prompt": "x"})
    task = h.call("wait", created)
    assert task.status == "SUCCEEDED"
    assert h.outcomes("read")[:4] == ["status", "status", "status", "ok"]
    retry_sleeps = h.sleeps[1:4]  # sleeps[0] is the first interval after create
    assert all(s >= 7 for s in retry_sleeps)


def test_5xx_on_polls_is_retried_and_get_retries_too(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("read", "status", times=2, status=503), Fault("read", "status", times=1, status=500)])
    created = h.call("create", MODEL, {"prompt": "x"}, headers=SLOW)
    assert h.call("get", created).status == "PENDING"  # get itself retried 503, 503, 500
    assert h.outcomes("read") == ["status", "status", "status", "ok"]


def test_persistent_5xx_ends_with_the_family_error(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("read", "status", times=100, status=500, code="InternalError.Algo")])
    created = h.call("create", MODEL, {"prompt": "x"})
    with pytest.raises(errors.InternalServerError) as failed:
        h.call("wait", created)
    assert failed.value.code == "InternalError.Algo" and failed.value.status == 500
    policy = h.client.config.wait
    assert len(h.outcomes("read")) == policy.max_poll_errors + 1


def test_connection_resets_and_timeouts_on_polls_are_retried(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("read", "reset_after", times=2), Fault("read", "reset_before"),
                 Fault("read", "timeout_after")])
    created = h.call("create", MODEL, {"prompt": "x"})
    assert h.call("wait", created).status == "SUCCEEDED"
    assert h.outcomes("read")[:5] == ["reset_after", "reset_after", "reset_before", "timeout_after", "ok"]


def test_slow_answers_do_not_confuse_wait(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("read", "slow", times=3, delay=9.0)])
    created = h.call("create", MODEL, {"prompt": "x"}, headers=SLOW)
    task = h.call("wait", created)
    assert task.status == "SUCCEEDED" and h.outcomes("read")[:3] == ["slow"] * 3


def test_a_create_whose_answer_was_lost_is_reported_and_never_repeated(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("create", "reset_after")])
    with pytest.raises(errors.CreateOutcomeUnknownError) as lost:
        h.call("create", MODEL, {"prompt": "x"})
    assert lost.value.model == MODEL and "may have reached" in str(lost.value)
    assert h.outcomes("create") == ["reset_after"]
    assert h.stored() == 1  # the server made the task; the client did not make a second one
    listed = [i for i in h.client.list()] if not h.is_async else None
    if listed is not None:
        assert len(listed) == 1


def test_a_create_timeout_is_not_repeated_either(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("create", "timeout_after")])
    with pytest.raises(errors.CreateOutcomeUnknownError):
        h.call("create", MODEL, {"prompt": "x"})
    assert h.outcomes("create") == ["timeout_after"] and h.stored() == 1


def test_a_create_that_was_never_sent_says_so(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("create", "reset_before")])
    with pytest.raises(errors.ConnectionFailedError) as refused:
        h.call("create", MODEL, {"prompt": "x"})
    assert not isinstance(refused.value, errors.CreateOutcomeUnknownError)
    assert "was not sent" in str(refused.value) and h.stored() == 0


def test_a_throttled_or_failing_create_is_not_retried(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("create", "status", status=429, retry_after=1), Fault("create", "status", status=503)])
    with pytest.raises(errors.ThrottlingError) as throttled:
        h.call("create", MODEL, {"prompt": "x"})
    assert throttled.value.retry_after == 1
    with pytest.raises(errors.InternalServerError):
        h.call("create", MODEL, {"prompt": "x"})
    assert h.outcomes("create") == ["status", "status"] and h.stored() == 0 and h.sleeps == []


def test_cancel_retries_429_but_not_a_lost_answer(harness: Callable[..., Harness]) -> None:
    h = harness([Fault("cancel", "status", status=429), Fault("cancel", "reset_after")])
    created = h.call("create", MODEL, {"prompt": "x"}, headers=SLOW)
    with pytest.raises(errors.ConnectionFailedError) as lost:
        h.call("cancel", created)  # 429 retried, then the answer of the real cancel is lost
    assert "may have been applied" in str(lost.value)
    assert h.outcomes("cancel") == ["status", "reset_after"]
    assert h.call("get", created).status == "CANCELED"


def test_unknown_mid_wait_raises_task_unknown(harness: Callable[..., Harness]) -> None:
    h = harness([], wait=WaitPolicy(max_interval=1800, timeout=None))
    start = h.mock.twin.clock.now()
    created = h.call("create", MODEL, {"prompt": "x"}, headers={"X-Mock-Scenario": "running:48h,succeeded"})
    with pytest.raises(errors.TaskUnknownError) as gone:
        h.call("wait", created)  # the task outlives its 24 h retention while still RUNNING
    assert gone.value.task.status == "UNKNOWN"
    elapsed = h.mock.twin.clock.now() - start
    assert 86400 <= elapsed <= 86400 + 1800
    reads = h.outcomes("read")
    assert reads[-1] == "ok" and len(reads) > 10


FAMILY_CODES = {
    errors.InvalidParameterError: "InvalidParameter.FileDownload",
    errors.DataInspectionError: "IPInfringementSuspect",
    errors.InternalServerError: "InternalError.Timeout",
    errors.InvalidApiKeyError: "InvalidApiKey",
    errors.AccessDeniedError: "Model.AccessDenied",
    errors.ThrottlingError: "Throttling.AllocationQuota",
    errors.ArrearageError: "Arrearage",
    errors.NotFoundError: "ModelNotFound",
    errors.UnsupportedOperationError: "UnsupportedOperation",
}


@pytest.mark.parametrize("family", list(FAMILY_CODES), ids=lambda f: f.__name__)
def test_failed_tasks_raise_each_family(mock: DashScopeMock, family: type[errors.APIError]) -> None:
    code = FAMILY_CODES[family]
    client = bind(mock.app)
    created = client.create(MODEL, {"prompt": "x"}, headers={"X-Mock-Scenario": f"pending*1,running*1,failed({code})"})
    with pytest.raises(family) as failed:
        client.wait(created)
    assert failed.value.code == code and failed.value.status == 200 and failed.value.task is not None
    assert failed.value.task.status == "FAILED" and failed.value.message
    assert errors.error_class(code) is family


@pytest.mark.parametrize("family", list(FAMILY_CODES), ids=lambda f: f.__name__)
def test_rejected_creates_raise_each_family_with_its_http_status(mock: DashScopeMock,
                                                                  family: type[errors.APIError]) -> None:
    code = FAMILY_CODES[family]
    client = bind(mock.app)
    with pytest.raises(family) as rejected:
        client.create(MODEL, {"prompt": "x"}, headers={"X-Mock-Scenario": f"reject({code})"})
    assert rejected.value.status == mock.twin.catalog.get(code).status and rejected.value.request_id


def test_faults_via_the_admin_api_are_survived(mock: DashScopeMock) -> None:
    r = mock.http.post("/__mock/faults", json={"server_error_rate": 0.2, "error_rate": 0.2, "seed": 5,
                                                 "on": ["query"]})
    assert r.status_code == 200, r.text
    client = bind(mock.app)
    faults: list[str] = []
    for _ in range(5):
        created = client.create(MODEL, {"prompt": "x"}, headers=SLOW)
        assert client.wait(created).status == "SUCCEEDED"
        journal = mock.http.get(f"/__mock/tasks/{created.task_id}/journal").json()["polls"]
        faults += [p["fault"] for p in journal if p["fault"]]
    assert {"InternalError", "Throttling.RateQuota"} <= set(faults)
