"""The synchronous multimodal-generation route: the SDK's ImageGeneration.call and v2 images.generate()."""

from __future__ import annotations

from http import HTTPStatus

import httpx
import pytest
from dashscope.aigc.image_generation import ImageGeneration

from mockserver.pytest_plugin import DashScopeMock
from mockserver.spec.document import load_spec
from mockserver.testing import AIGC, ASYNC, AUTH

SYNC = AIGC + "multimodal-generation/generation"
MESSAGES = [{"role": "user", "content": [{"text": "a cat in the snow"}]}]
RESPONSE = load_spec().validator_for({"$ref": "urn:dashscope-spec#/components/schemas/SyncGenerationResponse"})


def test_answers_the_images_at_once_and_they_download(mock) -> None:
    body = {"model": "wan2.6-t2i", "input": {"messages": MESSAGES}, "parameters": {"n": 2, "size": "1280*1280"}}
    r = mock.http.post(SYNC, json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert [e.message for e in RESPONSE.iter_errors(answer)] == []
    assert answer["request_id"] == r.headers["x-request-id"]
    images = [c["image"] for c in answer["output"]["choices"][0]["message"]["content"]]
    assert len(images) == 2 and answer["usage"] == {"image_count": 2}
    fetched = mock.http.get(images[0].removeprefix("http://127.0.0.1"))
    assert fetched.status_code == 200 and fetched.content.startswith(b"\x89PNG")
    assert mock.http.get("/api/v1/tasks", headers=AUTH).json()["total"] == 0  # a sync call is not a task


def test_the_async_header_is_refused_and_parameters_are_checked_up_front(mock) -> None:
    body = {"model": "wan2.6-t2i", "input": {"messages": MESSAGES}}
    r = mock.http.post(SYNC, json=body, headers=ASYNC)
    assert (r.status_code, r.json()["message"]) == (403, "current user api does not support asynchronous calls")
    r = mock.http.post(SYNC, json={"model": "wan2.6-t2i", "input": {}}, headers=AUTH)
    assert r.status_code == 400 and r.json()["message"] == "Field required: input.messages"


def test_models_without_a_sync_route_are_refused(mock) -> None:
    r = mock.http.post(SYNC, json={"model": "wanx2.1-t2i-turbo", "input": {"prompt": "x"}}, headers=AUTH)
    assert r.status_code == 403 and r.json()["code"] == "AccessDenied"


@pytest.mark.dashscope_mock(frozen=True)
def test_sdk_image_generation_call(dashscope_mock: DashScopeMock) -> None:
    rsp = ImageGeneration.call(model="wan2.6-t2i", messages=MESSAGES, n=1, size="1280*1280")
    assert rsp.status_code == HTTPStatus.OK, rsp
    image = rsp.output.choices[0].message.content[0]["image"]
    assert image.startswith(dashscope_mock.url + "/")
    assert httpx.get(image).content.startswith(b"\x89PNG")


# ---- scenarios on the synchronous routes (issue 20) ----------------------------------------------------------


def test_a_header_scenario_applies_to_the_sync_route(mock) -> None:
    body = {"model": "wan2.6-t2i", "input": {"messages": MESSAGES}}
    r = mock.http.post(SYNC, json=body, headers={**AUTH, "X-Mock-Scenario": "reject(Throttling.RateQuota)"})
    assert (r.status_code, r.json()["code"]) == (429, "Throttling.RateQuota")
    r = mock.http.post(SYNC, json=body, headers={**AUTH, "X-Mock-Scenario": 'failed(DataInspectionFailed,"no")'})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (400, "DataInspectionFailed", "no")
    r = mock.http.post(SYNC, json=body, headers={**AUTH, "X-Mock-Scenario": "running:5s,succeeded"})
    assert r.status_code == 200 and r.json()["output"]["choices"]


def test_a_queued_scenario_is_taken_by_the_sync_call_it_matches_not_a_later_create(mock) -> None:
    mock.queue_scenario("failed(DataInspectionFailed)", model="wan2.6-t2i")
    other = mock.create("wanx2.1-t2i-turbo", body={"model": "wanx2.1-t2i-turbo", "input": {"prompt": "x"}})
    assert other.status_code == 200  # a create of another model does not take it
    r = mock.http.post(SYNC, json={"model": "wan2.6-t2i", "input": {"messages": MESSAGES}}, headers=AUTH)
    assert (r.status_code, r.json()["code"]) == (400, "DataInspectionFailed")
    again = mock.create("wan2.6-t2i", body={"model": "wan2.6-t2i", "input": {"messages": MESSAGES}})
    assert again.status_code == 200  # used up by the sync call: the async create runs plain
    mock.advance(600)
    assert mock.get(again.json()["output"]["task_id"])["output"]["task_status"] == "SUCCEEDED"


def test_a_detect_endpoint_answers_a_rejecting_scenario(mock) -> None:
    spec = load_spec()
    body = spec.example_body("emo-detect-v1")
    r = mock.http.post(AIGC + "image2video/face-detect", json=body,
                       headers={**AUTH, "X-Mock-Scenario": "reject(Throttling.RateQuota)"})
    assert (r.status_code, r.json()["code"]) == (429, "Throttling.RateQuota")


@pytest.mark.dashscope_mock(frozen=True)
def test_sdk_image_synthesis_sync_call_is_refused_as_captured(dashscope_mock: DashScopeMock) -> None:
    """The SDK reserves sync_call for wan2.2-t2i-flash/plus; the captured route refuses synchronous calls, and
    captured behaviour wins (the choice is recorded on WanT2iV2Request)."""
    from dashscope import ImageSynthesis

    rsp = ImageSynthesis.sync_call(model="wan2.2-t2i-flash", prompt="a cat", n=1)
    assert (rsp.status_code, rsp.code) == (403, "AccessDenied")
    assert rsp.message == "current user api does not support synchronous calls"
