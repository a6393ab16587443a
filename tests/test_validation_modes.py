"""`faithful` reports parameter errors where the real service does; `strict` rejects them all at submit."""

from __future__ import annotations

import pytest

from mockserver.testing import AIGC, ASYNC

# captured: wan2.7 sent the 2.5 payload shape -> 200, then FAILED "Field required: input.media" (docs/behaviour.md §1.4)
WRONG_SHAPE = {"model": "wan2.7-videoedit", "input": {"prompt": "x", "video_url": "https://e.com/a.mp4"}}


def test_faithful_defers_wan_video_errors_to_the_task(make_mock) -> None:
    mock = make_mock("faithful", limits=False)
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=WRONG_SHAPE, headers=ASYNC)
    assert r.status_code == 200
    task_id = r.json()["output"]["task_id"]
    assert mock.get(task_id)["output"]["task_status"] == "PENDING"
    mock.advance(3.5)  # FAILED 0.1-3 s after submit
    out = mock.get(task_id)["output"]
    assert out["task_status"] == "FAILED"
    assert out["code"] == "InvalidParameter"
    assert out["message"] == "Field required: input.media"
    assert {"submit_time", "scheduled_time", "end_time"} <= set(out)


def test_faithful_enum_message_names_field_and_values(make_mock) -> None:
    mock = make_mock("faithful", limits=False)
    body = mock.twin.spec.example_body("wan2.7-videoedit")
    body["parameters"] = {**body.get("parameters", {}), "resolution": "4K"}
    task_id = mock.task_id("wan2.7-videoedit", body=body)
    mock.advance(5)
    assert mock.get(task_id)["output"]["message"] == "Input should be '720P' or '1080P': parameters.resolution"


def test_faithful_reports_submit_models_at_submit(make_mock) -> None:
    mock = make_mock("faithful", limits=False)
    profile = mock.twin.registry.model("wanx2.1-t2i-turbo")
    assert profile.validation == "submit"
    r = mock.http.post(AIGC + profile.route, json={"model": "wanx2.1-t2i-turbo", "input": {}}, headers=ASYNC)
    assert r.status_code == 400
    assert r.json()["message"] == "Field required: input.prompt"


def test_strict_rejects_deferred_models_at_submit(make_mock) -> None:
    mock = make_mock("faithful", validation="strict", limits=False)
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=WRONG_SHAPE, headers=ASYNC)
    assert r.status_code == 400
    assert r.json() | {"request_id": ""} == {"request_id": "", "code": "InvalidParameter",
                                             "message": "Field required: input.media"}


@pytest.mark.parametrize(("patch", "message"), [
    ({"parameters": {"duration": "five"}}, "Input should be a valid integer: parameters.duration"),
    ({"parameters": {"duration": 99}}, "Input should be less than or equal to 15: parameters.duration"),
    ({"input": {"prompt": 7}}, "Input should be a valid string: input.prompt"),
])
def test_messages_name_the_field_and_the_rule(mock, patch: dict, message: str) -> None:  # type: ignore[type-arg]
    body = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}, "parameters": {}}
    for section, values in patch.items():
        body[section].update(values)  # type: ignore[attr-defined]
    r = mock.create("wan2.6-t2v", body=body)
    assert r.status_code == 400
    assert r.json()["message"] == message


def test_unknown_fields_and_sdk_extras_pass(mock) -> None:
    body = {"model": "wan2.6-t2v", "input": {"prompt": "a cat", "function": "video-synthesis",
                                            "extend_prompt": True, "whatever": 1},
            "parameters": {"is_async": True, "mystery": "x"}, "extra_top": {}}
    assert mock.create("wan2.6-t2v", body=body).status_code == 200
