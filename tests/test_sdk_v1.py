"""The official SDK's 1.x classes (VideoSynthesis, ImageSynthesis, ImageGeneration) against the mock.

The `dashscope_mock` fixture points the SDK at the twin through DASHSCOPE_HTTP_BASE_URL / DASHSCOPE_API_KEY
(and the module variables the SDK copied them into at import), and turns the SDK's polling sleeps into
virtual-clock advances, so `wait` and `call` cost no real time. Each test freezes the clock: states move only
when the SDK sleeps or the test advances.
"""

from __future__ import annotations

import itertools
from http import HTTPStatus
from typing import Any

import httpx
import pytest
from dashscope import ImageSynthesis, VideoSynthesis
from dashscope.aigc.image_generation import ImageGeneration

from mockserver.pytest_plugin import DashScopeMock

pytestmark = pytest.mark.dashscope_mock(frozen=True)

T2V = "wan2.2-t2v-plus"
T2V_ARGS: dict[str, Any] = {"model": T2V, "prompt": "a cat running on grass", "size": "832*480"}
T2I = "wanx2.1-t2i-turbo"
IMAGE_GEN = "wan2.6-t2i"
MESSAGES = [{"role": "user", "content": [{"text": "a cat in the snow"}]}]


def _admin_scenario(mock: DashScopeMock, scenario: str, model: str) -> None:
    """Queue a scenario the way a user would: POST /__mock/scenarios on the server the SDK talks to."""
    r = httpx.post(f"{mock.url}/__mock/scenarios",
                   json={"scenario": scenario, "model": model, "api_key": mock.api_key})
    assert r.status_code == 200, r.text


def _poll_gaps(mock: DashScopeMock, task_id: str) -> list[float]:
    polls = mock.polls(task_id)
    return [round(b.at - a.at, 3) for a, b in itertools.pairwise(polls)]


# ---- VideoSynthesis ------------------------------------------------------------------------------


def test_video_async_call_fetch_wait(dashscope_mock: DashScopeMock) -> None:
    created = VideoSynthesis.async_call(**T2V_ARGS)
    assert created.status_code == HTTPStatus.OK
    assert created.output.task_status == "PENDING"
    task_id = created.output.task_id

    fetched = VideoSynthesis.fetch(created)
    assert fetched.status_code == HTTPStatus.OK
    assert fetched.output.task_id == task_id
    assert fetched.output.task_status == "PENDING"

    done = VideoSynthesis.wait(created)
    assert done.status_code == HTTPStatus.OK
    assert done.output.task_status == "SUCCEEDED"
    assert done.output.video_url.startswith(dashscope_mock.url + "/")
    assert done.output.submit_time and done.output.end_time
    assert done.usage.video_count == 1
    assert done.usage.video_ratio == "832*480"

    create = dashscope_mock.requests[0]
    assert (create.method, create.path) == ("POST", "/api/v1/services/aigc/video-generation/video-synthesis")
    assert create.headers["x-dashscope-async"] == "enable"
    assert create.headers["authorization"] == "Bearer sk-***"  # recorded, redacted
    # the SDK's own additions are accepted (docs/sdk-wire.md §2.2)
    assert create.json()["input"]["function"] == "video-synthesis"
    # create: application/json; query: application/json;charset=UTF-8 (docs/behaviour.md §5.2)
    assert all(r.response_type.startswith("application/json") for r in dashscope_mock.requests)
    dashscope_mock.assert_no_poll_after_terminal(task_id)
    # wait's first GET is immediate, so fetch-then-wait polls twice in a row
    with pytest.raises(AssertionError, match=r"polled 0\.000s after the previous poll"):
        dashscope_mock.assert_min_poll_interval(task_id, 1.0)


def test_video_call_polls_with_the_sdk_backoff(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.queue_scenario("pending*3,running*2,succeeded", model=T2V)
    rsp = VideoSynthesis.call(**T2V_ARGS)
    assert rsp.status_code == HTTPStatus.OK
    assert rsp.output.task_status == "SUCCEEDED"
    task_id = rsp.output.task_id
    assert [p.status for p in dashscope_mock.polls(task_id)] == ["PENDING"] * 3 + ["RUNNING"] * 2 + ["SUCCEEDED"]
    # 1.x wait sleeps 1, 1, 2, 2, 2, ... seconds (docs/sdk-wire.md §3.1), here on the virtual clock
    assert _poll_gaps(dashscope_mock, task_id) == [1.0, 1.0, 2.0, 2.0, 2.0]
    dashscope_mock.assert_min_poll_interval(task_id, 1.0)
    dashscope_mock.assert_polls_at_most(task_id, 6)
    with pytest.raises(AssertionError, match="polled 6 times"):
        dashscope_mock.assert_polls_at_most(task_id, 5)


def test_video_wait_timeout_counts_virtual_seconds(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.queue_scenario("pending*100,succeeded", model=T2V)
    created = VideoSynthesis.async_call(**T2V_ARGS)
    rsp = VideoSynthesis.wait(created, wait_timeout=5)
    assert rsp.status_code == 408
    assert rsp.code == "WaitTaskTimeout"
    assert len(dashscope_mock.polls(created.output.task_id)) == 4  # at 0, 1, 2, 4 s; the 6 s check times out


def test_keyframe_models_go_to_image2video(dashscope_mock: DashScopeMock) -> None:
    rsp = VideoSynthesis.call(model="wanx2.1-kf2v-plus", prompt="a cat looks up",
                              first_frame_url="https://example.com/first.png",
                              last_frame_url="https://example.com/last.png", resolution="720P")
    assert rsp.output.task_status == "SUCCEEDED", rsp
    assert dashscope_mock.requests[0].path == "/api/v1/services/aigc/image2video/video-synthesis"


def test_video_cancel_pending_then_canceled(dashscope_mock: DashScopeMock) -> None:
    created = VideoSynthesis.async_call(**T2V_ARGS)
    canceled = VideoSynthesis.cancel(created)
    assert canceled.status_code == HTTPStatus.OK
    assert canceled.output == {}  # `{request_id}` parsed by the sync client (docs/sdk-wire.md §6.2)
    cancel = dashscope_mock.requests[-1]
    assert (cancel.method, cancel.path, cancel.body) == (
        "POST", f"/api/v1/tasks/{created.output.task_id}/cancel", b"")
    fetched = VideoSynthesis.fetch(created)
    assert fetched.output.task_status == "CANCELED"
    waited = VideoSynthesis.wait(created)
    assert waited.output.task_status == "CANCELED"
    assert len(dashscope_mock.polls(created.output.task_id)) == 2  # wait returned on the first CANCELED poll


def test_video_cancel_after_start_is_rejected(dashscope_mock: DashScopeMock) -> None:
    rsp = VideoSynthesis.call(**T2V_ARGS)
    rejected = VideoSynthesis.cancel(rsp.output.task_id)
    assert rejected.status_code == HTTPStatus.BAD_REQUEST
    assert rejected.code == "UnsupportedOperation"
    assert rejected.message


def test_video_list_filters_and_pages(dashscope_mock: DashScopeMock) -> None:
    first = VideoSynthesis.call(**T2V_ARGS).output.task_id
    pending = VideoSynthesis.async_call(**T2V_ARGS).output.task_id
    listed = VideoSynthesis.list()
    assert listed.status_code == HTTPStatus.OK
    assert listed.output["total"] == 2
    assert {i["task_id"] for i in listed.output["data"]} == {first, pending}
    done = VideoSynthesis.list(status="SUCCEEDED", model_name=T2V)
    assert [i["task_id"] for i in done.output["data"]] == [first]
    page = VideoSynthesis.list(page_no=2, page_size=1)
    assert page.output["page_no"] == 2 and len(page.output["data"]) == 1
    assert dashscope_mock.requests[-1].query == "page_no=2&page_size=1"


def test_failed_outcome_from_the_admin_scenario_queue(dashscope_mock: DashScopeMock) -> None:
    _admin_scenario(dashscope_mock, "pending*1,failed(DataInspectionFailed)", T2V)
    rsp = VideoSynthesis.call(**T2V_ARGS)
    assert rsp.status_code == HTTPStatus.OK  # a FAILED task is a 200 with code/message inside output
    assert rsp.code is None
    assert rsp.output.task_status == "FAILED"
    assert rsp.output.code == "DataInspectionFailed"
    assert rsp.output.message
    assert [p.status for p in dashscope_mock.polls(rsp.output.task_id)] == ["PENDING", "FAILED"]


def test_canceled_outcome_from_the_admin_scenario_queue(dashscope_mock: DashScopeMock) -> None:
    _admin_scenario(dashscope_mock, "pending*50,succeeded", T2V)
    dashscope_mock.unfreeze()  # a poll-counted plan stays PENDING however much time passes
    dashscope_mock.advance(3600)
    created = VideoSynthesis.async_call(**T2V_ARGS)
    assert VideoSynthesis.fetch(created).output.task_status == "PENDING"
    assert VideoSynthesis.cancel(created).status_code == HTTPStatus.OK
    assert VideoSynthesis.wait(created).output.task_status == "CANCELED"


def test_rejected_create_is_not_retried(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.reject_next("Throttling.RateQuota", model=T2V)
    rsp = VideoSynthesis.async_call(**T2V_ARGS)
    assert rsp.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert rsp.code == "Throttling.RateQuota"
    assert len(dashscope_mock.requests) == 1


def test_wait_keeps_polling_through_503_and_stops_on_429(dashscope_mock: DashScopeMock) -> None:
    created = VideoSynthesis.async_call(**T2V_ARGS)
    dashscope_mock.twin.faults.configure(_plan(server_error_rate=0.5, server_error_code="ModelServingError"))
    done = VideoSynthesis.wait(created)
    assert done.output.task_status == "SUCCEEDED"
    faults = [p.fault for p in dashscope_mock.polls(created.output.task_id)]
    assert "ModelServingError" in faults  # 503 answers were retried (REPEATABLE_STATUS, docs/sdk-wire.md §3.1)

    again = VideoSynthesis.async_call(**T2V_ARGS)
    dashscope_mock.twin.faults.configure(_plan(error_rate=1.0, error_codes=["Throttling"]))
    throttled = VideoSynthesis.wait(again)
    assert throttled.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(dashscope_mock.polls(again.output.task_id)) == 1  # 429 ends the wait at once


def _plan(**kw: Any) -> Any:
    from mockserver.domain.faults import FaultPlan

    return FaultPlan(on=["query"], seed=7, **kw)


# ---- ImageSynthesis ------------------------------------------------------------------------------


def test_image_async_call_fetch_wait_and_call(dashscope_mock: DashScopeMock) -> None:
    created = ImageSynthesis.async_call(model=T2I, prompt="a cat", n=2, size="1024*1024")
    assert created.status_code == HTTPStatus.OK
    assert created.output.task_status == "PENDING"
    assert ImageSynthesis.fetch(created).output.task_status == "PENDING"
    done = ImageSynthesis.wait(created)
    assert done.output.task_status == "SUCCEEDED"
    assert len(done.output.results) == 2
    assert all(r.url.startswith(dashscope_mock.url) for r in done.output.results)
    assert done.output.task_metrics == {"TOTAL": 2, "SUCCEEDED": 2, "FAILED": 0}
    assert done.usage.image_count == 2
    assert dashscope_mock.requests[0].path == "/api/v1/services/aigc/text2image/image-synthesis"

    called = ImageSynthesis.call(model=T2I, prompt="a dog", n=1, size="1024*1024")
    assert called.output.task_status == "SUCCEEDED"
    assert len(called.output.results) == 1


def test_image_edit_models_go_to_image2image(dashscope_mock: DashScopeMock) -> None:
    rsp = ImageSynthesis.call(model="wanx2.1-imageedit", function="stylization_all", prompt="make it blue",
                              base_image_url="https://example.com/base.png", n=1)
    assert rsp.output.task_status == "SUCCEEDED", rsp
    assert dashscope_mock.requests[0].path == "/api/v1/services/aigc/image2image/image-synthesis"


def test_image_cancel_and_list(dashscope_mock: DashScopeMock) -> None:
    created = ImageSynthesis.async_call(model=T2I, prompt="a cat", size="1024*1024")
    assert ImageSynthesis.cancel(created).status_code == HTTPStatus.OK
    fetched = ImageSynthesis.fetch(created)
    assert fetched.output.task_status == "CANCELED"
    assert fetched.output.results == []
    listed = ImageSynthesis.list(status="CANCELED")
    assert [i["task_id"] for i in listed.output["data"]] == [created.output.task_id]


def test_image_partial_failure_from_a_scenario(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.queue_scenario("succeeded(failed_items=1)", model=T2I)
    rsp = ImageSynthesis.call(model=T2I, prompt="a cat", n=2, size="1024*1024")
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.output.task_metrics == {"TOTAL": 2, "SUCCEEDED": 1, "FAILED": 1}
    assert [bool(r.url) for r in rsp.output.results] == [True, False]
    assert rsp.output.results[1].code == "DataInspectionFailed"


# ---- ImageGeneration (wan2.6 image models) -------------------------------------------------------


def test_image_generation_async_call_fetch_wait(dashscope_mock: DashScopeMock) -> None:
    created = ImageGeneration.async_call(model=IMAGE_GEN, messages=MESSAGES, n=1, size="1280*1280")
    assert created.status_code == HTTPStatus.OK
    assert created.output.task_status == "PENDING"
    body = dashscope_mock.requests[0].json()
    assert body["parameters"]["is_async"] is True  # the SDK leaks it; the mock ignores it (docs/sdk-wire.md §2.4)
    assert ImageGeneration.fetch(created).output.task_status == "PENDING"
    done = ImageGeneration.wait(created)
    assert done.output.task_status == "SUCCEEDED"
    message = done.output.choices[0].message
    assert message.role == "assistant"
    assert message.content[0]["image"].startswith(dashscope_mock.url)
    assert dashscope_mock.requests[0].path == "/api/v1/services/aigc/image-generation/generation"


def test_image_generation_cancel_list_and_failure(dashscope_mock: DashScopeMock) -> None:
    created = ImageGeneration.async_call(model=IMAGE_GEN, messages=MESSAGES, n=1)
    assert ImageGeneration.cancel(created).status_code == HTTPStatus.OK
    assert ImageGeneration.fetch(created).output.task_status == "CANCELED"
    listed = ImageGeneration.list(model_name=IMAGE_GEN)
    assert listed.output["total"] == 1

    _admin_scenario(dashscope_mock, 'failed(InternalError.Algo,"algorithm error")', IMAGE_GEN)
    failed = ImageGeneration.wait(ImageGeneration.async_call(model=IMAGE_GEN, messages=MESSAGES, n=1))
    assert failed.status_code == HTTPStatus.OK
    assert failed.output.task_status == "FAILED"
    assert failed.output.code == "InternalError.Algo"
    assert failed.output.message == "algorithm error"
