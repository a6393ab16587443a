"""The official SDK's v2 surface, `dashscope.Client().videos` / `.images` (httpx), against the mock.

`dashscope.Client()` with no arguments finds the mock through the environment the fixture sets. The last
tests hand the SDK an httpx client on the in-process transport instead: no socket, same twin.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dashscope
import pytest
from dashscope.v2 import errors

from mockserver.pytest_plugin import DashScopeMock

pytestmark = pytest.mark.dashscope_mock(frozen=True)

T2V = "wan2.2-t2v-plus"
VIDEO: dict[str, Any] = {"model": T2V, "prompt": "a cat running on grass", "size": "832*480"}
T2I = "wanx2.1-t2i-turbo"


def test_videos_create_fetch_wait(dashscope_mock: DashScopeMock) -> None:
    client = dashscope.Client()
    assert client.config.base_url == dashscope_mock.base_url
    job = client.videos.jobs.create(**VIDEO)
    assert job.status == "PENDING"
    assert client.videos.jobs.fetch(job.task_id).status == "PENDING"
    done = client.videos.jobs.wait(job)
    assert done.status == "SUCCEEDED"
    assert done.video_url and done.video_url.startswith(dashscope_mock.url)
    assert done.submitted_at and done.finished_at
    assert done.usage is not None and done.usage.video_count == 1
    create = dashscope_mock.requests[0]
    # v2 sends no `function`/`extend_prompt`, compact JSON, and its own sdk-client tag (docs/sdk-wire.md §2.7)
    assert create.json() == {"model": T2V, "input": {"prompt": VIDEO["prompt"]}, "parameters": {"size": "832*480"}}
    assert create.headers["x-dashscope-sdk-client"].endswith("/aigc2")
    # v2 wait sleeps poll_interval before its first fetch, then doubles it (docs/sdk-wire.md §3.2)
    dashscope_mock.assert_min_poll_interval(done.task_id, 1.0)
    dashscope_mock.assert_no_poll_after_terminal(done.task_id)


def test_videos_list_reads_tasks(dashscope_mock: DashScopeMock) -> None:
    client = dashscope.Client()
    finished = client.videos.generate(**VIDEO)
    pending = client.videos.jobs.create(**VIDEO)
    page = client.videos.jobs.list()
    assert page.total == 2
    by_id = {job.task_id: job for job in page.tasks}  # v2 reads `tasks`, not `data` (docs/sdk-wire.md §6.1)
    assert set(by_id) == {finished.task_id, pending.task_id}
    assert by_id[finished.task_id].status == "SUCCEEDED"
    assert by_id[finished.task_id].finished_at  # a CST string, which v2's Job model requires
    assert by_id[pending.task_id].status == "PENDING"
    only_done = client.videos.jobs.list(status="SUCCEEDED", page_size=5)
    assert [job.task_id for job in only_done.tasks] == [finished.task_id]


def test_videos_cancel(dashscope_mock: DashScopeMock) -> None:
    client = dashscope.Client()
    job = client.videos.jobs.create(**VIDEO)
    ack = client.videos.jobs.cancel(job.task_id)
    assert (ack.task_id, ack.status, ack.is_error) == ("", "", False)
    assert client.videos.jobs.fetch(job.task_id).status == "CANCELED"
    with pytest.raises(errors.DashScopeError, match="was canceled while waiting"):
        client.videos.jobs.wait(job.task_id)
    with pytest.raises(errors.BadRequestError) as rejected:
        client.videos.jobs.cancel(job.task_id)
    assert rejected.value.code == "UnsupportedOperation"


def test_videos_failed_outcomes(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.fail_next("DataInspectionFailed", pending_polls=1, model=T2V)
    client = dashscope.Client()
    job = client.videos.jobs.create(**VIDEO)
    with pytest.raises(errors.ContentFilterError) as failed:
        client.videos.jobs.wait(job)
    assert failed.value.code == "DataInspectionFailed"
    assert [p.status for p in dashscope_mock.polls(job.task_id)] == ["PENDING", "FAILED"]

    dashscope_mock.fail_next("InternalError", "boom", model=T2V)
    lenient = dashscope.Client(raise_on_error=False)
    result = lenient.videos.jobs.wait(lenient.videos.jobs.create(**VIDEO))
    assert (result.status, result.code, result.message) == ("FAILED", "InternalError", "boom")


def test_v2_retries_a_throttled_create(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.reject_next("Throttling.RateQuota", model=T2V)
    job = dashscope.Client().videos.jobs.create(**VIDEO)
    assert job.status == "PENDING"
    assert [r.status for r in dashscope_mock.requests] == [429, 200]  # v2 retries 429, the POST included


def test_images_legacy_and_multimodal_models(dashscope_mock: DashScopeMock) -> None:
    client = dashscope.Client()
    legacy = client.images.generate(model=T2I, prompt="a cat", size="1024x1024", n=2)
    assert legacy.status == "SUCCEEDED"
    assert len(legacy.image_urls) == 2
    assert dashscope_mock.requests[0].path == "/api/v1/services/aigc/text2image/image-synthesis"
    assert dashscope_mock.requests[0].json()["parameters"]["size"] == "1024*1024"  # v2 normalises 1024x1024

    job = client.images.jobs.create(model="wan2.6-t2i", prompt="a cat", n=1)
    assert job.status == "PENDING"
    done = client.images.jobs.wait(job)
    assert done.status == "SUCCEEDED"
    assert len(done.image_urls) == 1  # lifted from output.choices[].message.content[].image
    creates = [r.path for r in dashscope_mock.requests if r.method == "POST"]
    assert creates[-1] == "/api/v1/services/aigc/image-generation/generation"


def test_client_on_the_in_process_transport(dashscope_mock: DashScopeMock) -> None:
    # a base URL nothing listens on: every request must go through the transport
    http = dashscope_mock.http_client()
    http.base_url = "http://dashscope-mock.invalid/api/v1"
    client = dashscope.Client(api_key=dashscope_mock.api_key, base_url="http://dashscope-mock.invalid/api/v1",
                              http_client=http)
    done = client.videos.generate(**VIDEO)
    assert done.status == "SUCCEEDED"
    assert [job.task_id for job in client.videos.jobs.list().tasks] == [done.task_id]
    assert dashscope_mock.status(done.task_id) == "SUCCEEDED"


def test_async_client_on_the_async_transport(dashscope_mock: DashScopeMock) -> None:
    async def run() -> Any:
        client = dashscope.AsyncClient(api_key=dashscope_mock.api_key, base_url=dashscope_mock.base_url,
                                       http_client=dashscope_mock.async_http_client())
        job = await client.videos.jobs.create(**VIDEO)
        done = await client.videos.jobs.wait(job)
        page = await client.videos.jobs.list()
        await client.aclose()
        return done, page

    done, page = asyncio.run(run())
    assert done.status == "SUCCEEDED"
    assert [job.task_id for job in page.tasks] == [done.task_id]
    dashscope_mock.assert_no_poll_after_terminal(done.task_id)
