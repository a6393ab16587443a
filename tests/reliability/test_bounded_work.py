"""Issue 11, findings 1, 4 and 5: every count, number and body the twin accepts is bounded."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

from mockserver.domain import bounds, lanes, listing
from mockserver.domain.clock import VirtualClock
from mockserver.domain.faults import FaultPlan
from mockserver.domain.task import Task
from mockserver.store import MemoryStore
from mockserver.testing import DashScopeMock

AUTH = {"Authorization": "Bearer sk-reliability-0001", "X-DashScope-Async": "enable"}
T2I = "/api/v1/services/aigc/text2image/image-synthesis"


def _poster(num: int) -> dict[str, Any]:
    return {"model": "wanx-poster-generation-v1", "parameters": {},
            "input": {"title": "t", "generate_mode": "generate", "prompt_text_zh": "龙", "generate_num": num}}


def _results(mock: DashScopeMock, body: dict[str, Any]) -> tuple[list[Any], float]:
    r = mock.http.post(T2I, json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    task_id = r.json()["output"]["task_id"]
    mock.advance(3600)
    started = time.perf_counter()
    output = mock.get(task_id, "sk-reliability-0001")["output"]
    took = time.perf_counter() - started
    assert output["task_status"] == "SUCCEEDED"
    return output.get("render_urls") or output.get("results") or [], took


def test_poster_generate_num_is_clamped_to_the_documented_four(mock: DashScopeMock) -> None:
    urls, took = _results(mock, _poster(10**9))
    assert len(urls) == 4  # "values above 4 give 4" (spec: count_max, API reference)
    assert took < 1.0


def test_qwen_image_n_is_bounded(mock: DashScopeMock) -> None:
    urls, _ = _results(mock, {"model": "qwen-image-plus", "input": {"prompt": "x"}, "parameters": {"n": 1000}})
    assert len(urls) == 4


def test_every_counted_output_has_a_bound(mock: DashScopeMock) -> None:
    counted = [p for p in mock.twin.registry.models.values() if p.output.count]
    assert counted and all(p.output.count_max is not None and p.output.count_max <= 12 for p in counted)


@pytest.mark.parametrize("scenario", [
    "running:" + "9" * 400 + "s,succeeded",      # a non-finite time once
    "pending:99999999s,succeeded",                # over the 30-day bound on a phase
    "pending*" + "9" * 5000 + ",succeeded",       # int() of 5,000 digits raised: a 500
    "succeeded(failed_items=" + "9" * 5000 + ")",
    "x" * 5000,
])
def test_hostile_scenarios_answer_400_not_500(make_mock: Any, tmp_path: Any, scenario: str) -> None:
    mock = make_mock(store=f"sqlite:{tmp_path / 't.sqlite'}")
    r = mock.create("wan2.6-t2v", headers={**AUTH, "X-Mock-Scenario": scenario})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter", r.text
    listed = mock.http.get("/api/v1/tasks", headers=AUTH)
    assert listed.status_code == 200


def test_scenario_counts_take_ascii_digits_only() -> None:
    from mockserver.domain.scenarios import ScenarioError, parse

    for text in ("succeeded(failed_items=²)", "pending*²,succeeded"):  # str.isdigit() took them, int() did not
        with pytest.raises(ScenarioError):
            parse(text)


@pytest.mark.parametrize("depth", [40, 1000, 5000])
def test_deep_nesting_answers_the_body_error(mock: DashScopeMock, depth: int) -> None:
    body = mock.twin.spec.example_body("wan2.6-t2v")
    assert body is not None
    raw = orjson_nested(body, depth)
    r = mock.http.post("/api/v1/services/aigc/video-generation/video-synthesis", content=raw,
                       headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["message"] == "Required body invalid, please check the request body format."


@pytest.mark.parametrize(("text", "deep"), [
    ('{"a":' * 33 + "1" + "}" * 33, True),  # 33 levels: over the limit
    ('{"a":' * 32 + "1" + "}" * 32, False),  # exactly the limit
    ('{"p":"' + "[{" * 40 + '"}', False),  # many brackets, all inside a string: the count alone cannot decide
])
def test_the_bracket_count_shortcut_agrees_with_the_walk(text: str, deep: bool) -> None:
    import orjson

    raw = text.encode()
    value = orjson.loads(raw)
    assert bounds.too_deep(value, raw=raw) is deep
    assert bounds.too_deep(value) is deep


def orjson_nested(body: dict[str, Any], depth: int) -> bytes:
    import orjson

    text = orjson.dumps(body).decode()
    return (text[:-1] + ',"junk":' + "[" * depth + "]" * depth + "}").encode()


def test_a_create_body_over_the_limit_is_refused_unread(mock: DashScopeMock) -> None:
    filler = "x" * (bounds.MAX_CREATE_BYTES + 10)
    r = mock.http.post("/api/v1/services/aigc/video-generation/video-synthesis", headers=AUTH,
                       content=b'{"model":"wan2.6-t2v","junk":"' + filler.encode() + b'"}')
    assert r.status_code == 400 and r.json() == {**r.json(), "code": "BadRequest.TooLarge",
                                                 "message": "Payload Too Large."}


def test_a_task_does_not_keep_a_large_unknown_field(mock: DashScopeMock) -> None:
    body = mock.twin.spec.example_body("wan2.6-t2v")
    assert body is not None
    body["junk"] = "y" * 2_000_000
    task_id = mock.task_id("wan2.6-t2v", body=body)
    task = mock.twin.tasks.find(task_id)
    assert task is not None and len(task.body) < 64 * 1024
    assert mock.get(task_id)["output"]["task_id"] == task_id


@pytest.mark.parametrize("bad", [math.inf, math.nan, -1.0, 1e30])
def test_clock_refuses_non_finite_or_huge_moves(bad: float) -> None:
    clock = VirtualClock(start=1_800_000_000.0, frozen=True)
    with pytest.raises(ValueError):
        clock.advance(bad)
    with pytest.raises(ValueError):
        clock.set_scale(bad if bad != -1.0 else 0.0)
    assert clock.now() == 1_800_000_000.0


@pytest.mark.parametrize("plan", [{"error_rate": math.nan}, {"slow_rate": 2}, {"slow_ms": 10**9},
                                  {"error_codes": "Throttling"}, {"server_error_rate": math.inf}])
def test_fault_plans_are_validated(plan: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultPlan.from_dict(plan)


class CountingStore(MemoryStore):
    """A memory store that counts the tasks its listings hand out."""

    read = 0

    def by_account(self, account: str, since: float, until: float) -> Any:
        for task in super().by_account(account, since, until):
            self.read += 1
            yield task


def test_listing_costs_o_page(mock: DashScopeMock) -> None:
    store = CountingStore()
    book = mock.twin.tasks
    book.store = store
    now = mock.twin.clock.now()
    for i in range(2000):
        store.put(Task(task_id=f"t{i}", account="a", key_id="k", model="wan2.6-t2v", request_id="r",
                       body=b"{}", submit=now - 1000 + i * 0.1, scheduled=now, end=now, final="SUCCEEDED"))
    page = listing.page(book, "a", {"page_no": "2", "page_size": "10"})
    assert page.total == 2000 and len(page.rows) == 10
    assert store.read <= 20
    store.read = 0
    filtered = listing.page(book, "a", {"status": "SUCCEEDED", "page_size": "10"})
    assert filtered.total == 2000 and store.read <= 2000  # the status filter scans at most LIST_SCAN_MAX


def test_rate_windows_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lanes, "MAX_KEYS", 100)
    windows = lanes.RateWindows()
    for i in range(1000):
        windows.allow(("query", f"acct-{i}"), 20)
    assert len(windows) <= 100
    book = lanes.Lanes()
    for i in range(1000):
        book.schedule((f"acct-{i}", "m"), 1, float(i), 0.5)
    assert len(book) <= 2  # every earlier lane was idle by the time the next one came
