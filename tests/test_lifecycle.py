"""The task lifecycle for every model: statuses, fields per status, spec conformance, timestamps, expiry."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry
from mockserver.testing import AUTH

SPEC = load_spec()
ASYNC_MODELS = sorted(n for n, p in Registry(SPEC).models.items() if p.mode == "async")
SYNC_MODELS = sorted(n for n, p in Registry(SPEC).models.items() if p.mode == "sync")
TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?$")
QUERY = SPEC.validator_for({"$ref": "urn:dashscope-spec#/components/schemas/TaskQueryResponse"})


def conforms(body: dict, schema_name: str | None = None) -> None:  # type: ignore[type-arg]
    errors = [e.message for e in QUERY.iter_errors(body)]
    assert errors == [], body
    if schema_name:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in SPEC.validator(schema_name).iter_errors(body)]
        assert errors == [], body


@pytest.mark.parametrize("model", ASYNC_MODELS)
def test_every_model_lives_pending_running_succeeded_then_unknown(mock, model: str) -> None:
    profile = mock.twin.registry.model(model)
    task_id = mock.task_id(model)
    seen = []
    for step in (0.0, 0.3, 10.0):
        mock.advance(step)
        body = mock.get(task_id)
        status = body["output"]["task_status"]
        seen.append(status)
        conforms(body, profile.result_schema if status == "SUCCEEDED" else None)
        assert body["output"]["task_id"] == task_id
    assert seen == ["PENDING", "RUNNING", "SUCCEEDED"]
    out = body["output"]
    times = [out["submit_time"], out["scheduled_time"], out["end_time"]]
    assert all(TS.match(t) for t in times)
    # submit <= scheduled <= end, at the precision each field has (legacy end_time drops the ms, docs/behaviour.md §0.4)
    parsed = [datetime.fromisoformat(t) for t in times]
    precise = [p.replace(microsecond=0) if len(t) == 19 else p for p, t in zip(parsed, times, strict=True)]
    assert precise[0] <= precise[1]
    assert precise[2] >= (precise[1].replace(microsecond=0) if len(times[2]) == 19 else precise[1])
    if profile.output.task_metrics:
        assert out["task_metrics"]["SUCCEEDED"] == out["task_metrics"]["TOTAL"] >= 1
    mock.advance(24 * 3600)
    expired = mock.get(task_id)
    assert expired["output"] == {"task_id": task_id, "task_status": "UNKNOWN"}
    assert set(expired) == {"request_id", "output"}


@pytest.mark.all_stores
def test_fields_per_status(mock) -> None:
    # wanx2.1-t2i-turbo shows task_metrics only once finished (docs/behaviour.md §2.3, observed 2025)
    task_id = mock.task_id("wanx2.1-t2i-turbo")
    pending = mock.get(task_id)["output"]
    assert set(pending) == {"task_id", "task_status", "submit_time"}
    mock.advance(0.3)
    running = mock.get(task_id)["output"]
    assert set(running) == {"task_id", "task_status", "submit_time", "scheduled_time"}
    mock.advance(5)
    done = mock.get(task_id)
    assert done["usage"] == {"image_count": 2}
    assert [set(r) for r in done["output"]["results"]] == [{"url", "orig_prompt", "actual_prompt"}] * 2


def test_video_usage_follows_the_request(mock) -> None:
    body = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"},
            "parameters": {"size": "1080*1920", "duration": 10}}
    task_id = mock.task_id("wan2.6-t2v", body=body)
    mock.advance(5)
    usage = mock.get(task_id)["usage"]
    assert usage["SR"] == 1080
    assert usage["duration"] == 10


def test_videoedit_bills_input_plus_output_seconds(mock) -> None:
    task_id = mock.task_id("wan2.7-videoedit")
    mock.advance(5)
    usage = mock.get(task_id)["usage"]
    assert usage["duration"] == usage["input_video_duration"] + usage["output_video_duration"]


@pytest.mark.parametrize("task_id", ["1111", "invalid-task-id-12345", "7f1b2c3d-0000-4000-8000-1234567890ab",
                                     "x" * 300, "%E4%B8%AD"])
def test_unknown_ids_are_echoed_as_unknown(mock, task_id: str) -> None:
    r = mock.http.get(f"/api/v1/tasks/{task_id}", headers=AUTH)
    assert r.status_code == 200
    out = r.json()["output"]
    assert out["task_status"] == "UNKNOWN"
    assert out["task_id"] == (task_id if "%" not in task_id else "中")
    assert set(out) == {"task_id", "task_status"}


def test_trailing_slash_query(mock) -> None:
    task_id = mock.task_id("wan2.6-t2v")
    r = mock.http.get(f"/api/v1/tasks/{task_id}/", headers=AUTH)
    assert r.json()["output"]["task_status"] == "PENDING"


@pytest.mark.parametrize("model", SYNC_MODELS)
def test_sync_detect_answers_at_once(mock, model: str) -> None:
    profile = mock.twin.registry.model(model)
    r = mock.create(model)
    assert r.status_code == 200
    body = r.json()
    assert body["request_id"] == r.headers["x-request-id"]
    assert [e.message for e in SPEC.validator(profile.result_schema).iter_errors(body)] == []
    assert "task_id" not in body["output"]


@pytest.mark.all_stores
def test_cancel_pending_then_canceled(mock) -> None:
    task_id = mock.task_id("wan2.6-t2v")
    r = mock.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=AUTH)
    assert r.status_code == 200
    assert list(r.json()) == ["request_id"]
    out = mock.get(task_id)["output"]
    assert out["task_status"] == "CANCELED"
    conforms(mock.get(task_id))
    mock.advance(60)
    assert mock.get(task_id)["output"]["task_status"] == "CANCELED"  # it never runs


@pytest.mark.all_stores
@pytest.mark.parametrize("advance", [0.3, 10.0])
def test_cancel_after_pending_is_unsupported(mock, advance: float) -> None:
    task_id = mock.task_id("wan2.6-t2v")
    mock.advance(advance)
    r = mock.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=AUTH)
    assert r.status_code == 400
    assert r.json()["code"] == "UnsupportedOperation"
    assert r.json()["message"] == "Failed to cancel the task, please confirm if the task is in PENDING status."


def test_cancel_unknown_and_aio_form(mock) -> None:
    r = mock.http.post("/api/v1/tasks/nope/cancel/", headers=AUTH, json={"model": "", "parameters": {}, "input": ""})
    assert r.status_code == 400
    assert r.json()["code"] == "UnsupportedOperation"
    task_id = mock.task_id("wan2.6-t2v")
    r = mock.http.post(f"/api/v1/tasks/{task_id}/cancel/", headers=AUTH,
                       json={"model": "", "parameters": {}, "input": ""})
    assert r.status_code == 200


@pytest.mark.all_stores
def test_list_shape_filters_and_pages(mock) -> None:
    ids = [mock.task_id("wan2.6-t2v") for _ in range(3)] + [mock.task_id("wanx2.1-t2i-turbo")]
    mock.advance(0.01)
    r = mock.http.get("/api/v1/tasks", headers=AUTH)
    body = r.json()
    assert list(body)[:6] == ["total", "data", "total_page", "page_no", "request_id", "page_size"]  # §3.2
    assert body["total"] == 4 and body["total_page"] == 1 and body["page_no"] == 1 and body["page_size"] == 10
    assert [t["task_id"] for t in body["data"]] == ids[::-1]  # newest first
    assert body["tasks"] == body["data"]
    item = body["data"][0]
    assert item["model_name"] == "wanx2.1-t2i-turbo"
    assert item["user_api_unique_key"] == "apikey:v1:aigc:text2image:image-synthesis:wanx2.1-t2i-turbo"
    assert isinstance(item["gmt_create"], int) and "end_time" not in item
    assert [e.message for e in SPEC.validator_for(
        {"$ref": "urn:dashscope-spec#/components/schemas/TaskListResponse"}).iter_errors(body)] == []
    page = mock.http.get("/api/v1/tasks", params={"page_size": 3, "page_no": 2}, headers=AUTH).json()
    assert page["total_page"] == 2 and len(page["data"]) == 1 and page["data"][0]["task_id"] == ids[0]
    by_model = mock.http.get("/api/v1/tasks", params={"model_name": "wan2.6-t2v"}, headers=AUTH).json()
    assert by_model["total"] == 3
    by_id = mock.http.get("/api/v1/tasks", params={"task_id": ids[1]}, headers=AUTH).json()
    assert [t["task_id"] for t in by_id["data"]] == [ids[1]]
    mock.http.post(f"/api/v1/tasks/{ids[0]}/cancel", headers=AUTH)
    canceled = mock.http.get("/api/v1/tasks", params={"status": "CANCELED"}, headers=AUTH).json()
    assert [t["task_id"] for t in canceled["data"]] == [ids[0]]
    assert "end_time" in canceled["data"][0]


@pytest.mark.all_stores
def test_list_time_window(mock) -> None:
    mock.task_id("wan2.6-t2v")
    now = mock.twin.clock.now()
    from datetime import datetime

    from mockserver.domain.clock import CST

    def stamp(ts: float) -> str:
        return datetime.fromtimestamp(ts, CST).strftime("%Y%m%d%H%M%S")

    inside = {"start_time": stamp(now - 60), "end_time": stamp(now + 60)}
    before = {"start_time": stamp(now - 7200), "end_time": stamp(now - 3600)}
    assert mock.http.get("/api/v1/tasks", params=inside, headers=AUTH).json()["total"] == 1
    assert mock.http.get("/api/v1/tasks", params=before, headers=AUTH).json()["total"] == 0
    too_wide = {"start_time": stamp(now - 2 * 86400), "end_time": stamp(now)}
    r = mock.http.get("/api/v1/tasks", params=too_wide, headers=AUTH)
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    r = mock.http.get("/api/v1/tasks", params={"start_time": "yesterday"}, headers=AUTH)
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter"
    r = mock.http.get("/api/v1/tasks", params={"page_no": "x"}, headers=AUTH)
    assert r.status_code == 400


@pytest.mark.all_stores
def test_expired_tasks_leave_the_store(mock) -> None:
    mock.task_id("wan2.6-t2v")
    assert len(mock.twin.tasks.store) == 1
    mock.advance(24 * 3600 + 120)
    mock.task_id("wan2.6-t2v")  # a create triggers the amortized expiry sweep
    assert len(mock.twin.tasks.store) == 1
