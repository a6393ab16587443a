"""Concurrency lanes (queue in PENDING), submit RPS (429), the shared 20 QPS for task calls."""

from __future__ import annotations

import pytest

from mockserver.testing import ASYNC, AUTH

pytestmark = pytest.mark.all_stores  # the same behaviour on memory, sqlite and redis

VACE = "wanx2.1-vace-plus"  # documented 2 RPS / 2 concurrent (docs/behaviour.md §6)


def test_a_task_over_the_limit_waits_in_pending_until_a_slot_frees(make_mock) -> None:
    mock = make_mock("faithful", validation="strict")
    profile = mock.twin.registry.model("wan2.2-s2v")
    assert profile.concurrency == 1  # s2v is 5 RPS / 1 concurrent
    first = mock.task_id("wan2.2-s2v", headers={**ASYNC, "X-Mock-Scenario": "pending:1s,running:30s,succeeded"})
    second = mock.task_id("wan2.2-s2v", headers={**ASYNC, "X-Mock-Scenario": "pending:1s,running:30s,succeeded"})
    mock.advance(2)
    assert mock.get(first)["output"]["task_status"] == "RUNNING"
    assert mock.get(second)["output"]["task_status"] == "PENDING"
    mock.advance(29.5)
    assert mock.get(first)["output"]["task_status"] == "SUCCEEDED"
    assert mock.get(second)["output"]["task_status"] == "RUNNING"
    first_end = mock.get(first)["output"]["end_time"]
    assert mock.get(second)["output"]["scheduled_time"] == first_end


def test_lanes_are_per_account(make_mock) -> None:
    mock = make_mock("faithful", validation="strict")
    headers = {**ASYNC, "X-Mock-Scenario": "pending:1s,running:30s,succeeded"}
    mock.task_id("wan2.2-s2v", headers=headers)
    other = mock.task_id("wan2.2-s2v", headers={**headers, "Authorization": "Bearer sk-someone-else"})
    mock.advance(2)
    assert mock.get(other, key="sk-someone-else")["output"]["task_status"] == "RUNNING"


def test_submit_rps_gives_429(make_mock) -> None:
    mock = make_mock("faithful", validation="strict")
    rps = int(mock.twin.registry.model(VACE).rps)
    codes = [mock.create(VACE).status_code for _ in range(rps + 1)]
    assert codes == [200] * rps + [429]
    r = mock.create(VACE)
    assert r.json()["code"] == "Throttling.RateQuota"
    assert r.json()["message"] == "Requests rate limit exceeded, please try again later."
    assert mock.create("wan2.6-t2v").status_code == 200  # the window is per model


def test_task_calls_share_20_qps_per_account(make_mock) -> None:
    mock = make_mock("faithful", validation="strict")
    codes = [mock.http.get("/api/v1/tasks/x", headers=AUTH).status_code for _ in range(15)]
    codes += [mock.http.get("/api/v1/tasks", headers=AUTH).status_code for _ in range(5)]
    assert codes == [200] * 20
    assert mock.http.post("/api/v1/tasks/x/cancel", headers=AUTH).status_code == 429


def test_dev_profile_has_no_limits(mock) -> None:
    assert all(mock.create(VACE).status_code == 200 for _ in range(10))
    ids = [mock.task_id("wan2.2-s2v") for _ in range(3)]
    mock.advance(0.3)
    assert [mock.get(i)["output"]["task_status"] for i in ids] == ["RUNNING"] * 3

