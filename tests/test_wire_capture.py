"""The task list, headers and list-parameter errors as the real service sends them (docs/behaviour.md §3.2, §5.2)."""

from __future__ import annotations

import re

import pytest

from mockserver.testing import AIGC, ASYNC, AUTH

VIDEO = AIGC + "video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}
# the captured list answer's keys, in order (docs/behaviour.md §3.2)
PAGE_KEYS = ["total", "data", "total_page", "page_no", "request_id", "page_size"]
ITEM_KEYS = ["api_key_id", "caller_parent_id", "caller_uid", "end_time", "gmt_create", "model_name", "region",
             "request_id", "start_time", "status", "task_id", "user_api_unique_key"]


def test_list_page_and_items_as_captured(mock) -> None:
    created = mock.http.post(VIDEO, json=T2V, headers=ASYNC).json()
    pending = mock.http.post(VIDEO, json=T2V, headers=ASYNC).json()["output"]["task_id"]
    mock.clock.advance(3600)
    mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": "pending:60s,succeeded"})
    r = mock.http.get("/api/v1/tasks", headers=AUTH)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    body = r.json()
    assert list(body)[:6] == PAGE_KEYS
    assert list(body)[6:] == ["tasks"]  # the SDK v2 copy, the one extra key (openapi TaskListResponse)
    items = {i["task_id"]: i for i in body["data"]}
    done = items[created["output"]["task_id"]]
    assert list(done) == ITEM_KEYS  # a finished task: every captured key, in the captured order
    assert done["request_id"] == created["request_id"]
    waiting = [i for i in body["data"] if i["status"] == "PENDING"]
    assert waiting and all(list(i) == [k for k in ITEM_KEYS if k not in ("end_time", "start_time")] for i in waiting)
    for item in body["data"]:
        for key in ("api_key_id", "caller_parent_id", "caller_uid"):
            assert isinstance(item[key], str) and re.fullmatch(r"[0-9]+", item[key]), (key, item[key])
        assert all(isinstance(item[k], int) for k in ("gmt_create", "start_time", "end_time") if k in item)
    assert done["caller_uid"] == done["caller_parent_id"] and len(done["caller_uid"]) == 16
    assert pending in items


def test_list_ids_are_stable_per_account_and_differ_between_accounts(mock) -> None:
    mock.http.post(VIDEO, json=T2V, headers=ASYNC)
    other = {"Authorization": "Bearer sk-someone-else"}
    mock.http.post(VIDEO, json=T2V, headers={**other, "X-DashScope-Async": "enable"})
    mine = mock.http.get("/api/v1/tasks", headers=AUTH).json()["data"][0]
    again = mock.http.get("/api/v1/tasks", headers=AUTH).json()["data"][0]
    theirs = mock.http.get("/api/v1/tasks", headers=other).json()["data"][0]
    assert mine["caller_uid"] == again["caller_uid"]
    assert mine["caller_uid"] != theirs["caller_uid"] and mine["api_key_id"] != theirs["api_key_id"]


def test_query_and_cancel_answer_with_the_captured_content_type(mock) -> None:
    created = mock.http.post(VIDEO, json=T2V, headers=ASYNC)
    assert created.headers["content-type"] == "application/json"  # the create (docs/behaviour.md §5.2)
    task_id = created.json()["output"]["task_id"]
    assert mock.http.get(f"/api/v1/tasks/{task_id}", headers=AUTH).headers["content-type"] == \
        "application/json;charset=UTF-8"
    mock.clock.advance(3600)
    refused = mock.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=AUTH)
    assert refused.status_code == 400  # the captured 400 of a cancel (docs/behaviour.md §3.1)
    assert refused.headers["content-type"] == "application/json;charset=UTF-8"


@pytest.mark.parametrize(("param", "value"), [("page_no", "one"), ("page_size", ""), ("page_size", "1e3"),
                                               ("start_time", "yesterday"), ("end_time", "2026-01-01"),
                                               ("status", "DONE")])
def test_list_parameter_errors_name_the_parameter_in_the_catalogue_words(mock, param: str, value: str) -> None:
    r = mock.http.get("/api/v1/tasks", params={param: value}, headers=AUTH)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "InvalidParameter"
    assert body["message"] == f"Required parameter({param}) missing or invalid, please check the request parameters."
