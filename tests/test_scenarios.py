"""Scenarios: the header DSL (time-based and poll-counted), the admin queue, injected errors, faults."""

from __future__ import annotations

import pytest

from mockserver.domain.scenarios import ScenarioError, parse
from mockserver.testing import AIGC, ASYNC, AUTH, KEY

pytestmark = pytest.mark.all_stores  # the same behaviour on memory, sqlite and redis

VIDEO = AIGC + "video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def create(mock, scenario: str | None = None, body: dict | None = None, route: str = VIDEO) -> str:  # type: ignore[no-untyped-def, type-arg]
    headers = {**ASYNC, "X-Mock-Scenario": scenario} if scenario else ASYNC
    r = mock.http.post(route, json=body or T2V, headers=headers)
    assert r.status_code == 200, r.text
    return str(r.json()["output"]["task_id"])


def test_parse_forms() -> None:
    s = parse("pending:2s,running:500ms,failed(DataInspectionFailed)")
    assert s.steps == (("PENDING", 2.0), ("RUNNING", 0.5)) and s.final == "FAILED" and s.code == "DataInspectionFailed"
    s = parse("pending*2,running*3,succeeded")
    assert s.poll_steps == (("PENDING", 2), ("RUNNING", 3)) and s.poll_counted
    s = parse('failed(InternalError, "boom, twice")')
    assert s.message == "boom, twice"
    assert parse("succeeded(failed_items=1)").failed_items == 1
    assert parse("pending:1m,succeeded").steps == (("PENDING", 60.0),)


@pytest.mark.parametrize("text", ["", "pending:2x,succeeded", "pending*2,running:1s,succeeded", "exploded",
                                  "pending*x,succeeded", "reject", "succeeded(bogus=1)", "waiting:1s,succeeded"])
def test_bad_scenarios_are_rejected(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse(text)


def test_bad_scenario_header_is_a_400_envelope(mock) -> None:
    r = mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": "explode"})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"


def test_time_based(mock) -> None:
    task = create(mock, "pending:2s,running:5s,failed(DataInspectionFailed)")
    for advance, status in ((1.9, "PENDING"), (0.2, "RUNNING"), (4.8, "RUNNING"), (0.2, "FAILED")):
        mock.advance(advance)
        assert mock.get(task)["output"]["task_status"] == status
    out = mock.get(task)["output"]
    assert out["code"] == "DataInspectionFailed"
    assert out["message"] == mock.twin.catalog.get("DataInspectionFailed").messages[0]


def test_poll_counted(mock) -> None:
    task = create(mock, "pending*2,running*3,succeeded")
    seen = [mock.get(task)["output"]["task_status"] for _ in range(7)]
    assert seen == ["PENDING"] * 2 + ["RUNNING"] * 3 + ["SUCCEEDED"] * 2
    out = mock.get(task)["output"]
    assert out["submit_time"] <= out["scheduled_time"] <= out["end_time"]
    assert "video_url" in out


def test_poll_counted_ignores_the_clock(mock) -> None:
    task = create(mock, "pending*1,succeeded")
    mock.advance(3600)
    assert mock.get(task)["output"]["task_status"] == "PENDING"
    assert mock.get(task)["output"]["task_status"] == "SUCCEEDED"


def test_reject_injects_any_catalogue_error_on_create(mock) -> None:
    for code in ("Throttling.RateQuota", "DataInspectionFailed", "Arrearage", "InternalError.Algo"):
        r = mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": f"reject({code})"})
        assert r.status_code == mock.twin.catalog.get(code).status
        assert r.json()["code"] == code
    r = mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": "reject(NoSuchCode)"})
    assert r.status_code == 400


def test_partial_success_of_a_multi_image_task(mock) -> None:
    body = {"model": "wanx2.1-t2i-turbo", "input": {"prompt": "cats"}, "parameters": {"n": 4}}
    task = create(mock, "pending*1,succeeded(failed_items=1)", body, AIGC + "text2image/image-synthesis")
    mock.get(task)
    done = mock.get(task)
    out = done["output"]
    assert out["task_status"] == "SUCCEEDED"
    assert out["task_metrics"] == {"TOTAL": 4, "SUCCEEDED": 3, "FAILED": 1}
    assert out["results"][-1] == {"code": "DataInspectionFailed",
                                  "message": "Output data may contain inappropriate content."}
    assert all("url" in r for r in out["results"][:3])
    assert done["usage"] == {"image_count": 3}


def test_admin_queue_matches_model_and_key_in_order(mock) -> None:
    mock.http.post("/__mock/scenarios", json={"scenario": "pending*1,failed(InternalError)", "model": "wan2.6-i2v"})
    mock.http.post("/__mock/scenarios", json={"scenario": "pending*1,failed(Arrearage)", "api_key": KEY,
                                              "times": 2})
    assert len(mock.http.get("/__mock/scenarios").json()["scenarios"]) == 2
    first, second, third = (create(mock) for _ in range(3))
    for task in (first, second):
        mock.get(task)
        assert mock.get(task)["output"]["code"] == "Arrearage"
    mock.advance(10)
    assert mock.get(third)["output"]["task_status"] == "SUCCEEDED"  # the queue entry was used up
    assert [s["model"] for s in mock.http.get("/__mock/scenarios").json()["scenarios"]] == ["wan2.6-i2v"]
    assert mock.http.delete("/__mock/scenarios").json() == {"scenarios": []}


def test_seeded_faults_are_reproducible(make_mock) -> None:
    def run() -> list[int]:
        mock = make_mock()
        mock.http.post("/__mock/faults", json={"error_rate": 0.3, "server_error_rate": 0.2, "seed": 7,
                                                "error_codes": ["Throttling.RateQuota"]})
        return [mock.http.get("/api/v1/tasks/x", headers=AUTH).status_code for _ in range(40)]

    first, again = run(), run()
    assert first == again
    assert {200, 429, 500} <= set(first)


def test_faults_reach_the_journal_and_can_be_turned_off(mock) -> None:
    task = create(mock)
    mock.http.post("/__mock/faults", json={"server_error_rate": 1.0, "on": ["query"], "seed": 1})
    r = mock.http.get(f"/api/v1/tasks/{task}", headers=AUTH)
    assert r.status_code == 500 and r.json()["code"] == "InternalError"
    mock.http.post("/__mock/faults", json={})
    assert mock.http.get(f"/api/v1/tasks/{task}", headers=AUTH).status_code == 200
    polls = mock.http.get(f"/__mock/tasks/{task}/journal").json()["polls"]
    assert [p["fault"] for p in polls] == ["InternalError", None]
    assert polls[1]["status"] == "PENDING"
    bad = mock.http.post("/__mock/faults", json={"error_codes": ["Nope"], "error_rate": 1})
    assert bad.status_code == 400
