"""The official SDK's 1.x aio classes (aiohttp) against the mock: their own wire quirks.

They poll `GET /tasks/{id}/` and cancel with `POST /tasks/{id}/cancel/` (trailing slashes) and a JSON body
`{"model": "", "parameters": {}, "input": ""}`, and aiohttp refuses JSON without `application/json`
(docs/sdk-wire.md §2.6).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import pytest
from dashscope.aigc import AioImageSynthesis, AioVideoSynthesis
from dashscope.aigc.image_generation import AioImageGeneration
from dashscope.api_entities.aio_session import close_shared_aio_session

from mockserver.pytest_plugin import DashScopeMock

pytestmark = pytest.mark.dashscope_mock(frozen=True)

VIDEO: dict[str, Any] = {"model": "wan2.2-t2v-plus", "prompt": "a cat running on grass", "size": "832*480"}


def run(steps: Callable[[], Awaitable[Any]]) -> Any:
    """Run one coroutine function to completion on a fresh loop."""

    async def main() -> Any:
        try:
            return await steps()
        finally:
            await close_shared_aio_session()  # the SDK's per-loop session; otherwise aiohttp warns at exit

    return asyncio.run(main())


def test_aio_video_async_call_fetch_wait_list(dashscope_mock: DashScopeMock) -> None:
    async def steps() -> Any:
        created = await AioVideoSynthesis.async_call(**VIDEO)
        fetched = await AioVideoSynthesis.fetch(created)
        done = await AioVideoSynthesis.wait(created)
        listed = await AioVideoSynthesis.list()
        return created, fetched, done, listed

    created, fetched, done, listed = run(steps)
    task_id = created.output.task_id
    assert created.output.task_status == "PENDING"
    assert fetched.output.task_status == "PENDING"
    assert done.output.task_status == "SUCCEEDED"
    assert done.output.video_url.startswith(dashscope_mock.url)
    assert listed.status_code == HTTPStatus.OK
    polls = [r for r in dashscope_mock.requests if r.method == "GET" and task_id in r.path]
    assert polls and all(r.path == f"/api/v1/tasks/{task_id}/" for r in polls)
    assert all(r.response_type.startswith("application/json") for r in dashscope_mock.requests)
    assert dashscope_mock.requests[-1].path == "/api/v1/tasks"  # the aio list has no trailing slash
    dashscope_mock.assert_no_poll_after_terminal(task_id)


def test_aio_cancel_sends_a_body_to_a_trailing_slash(dashscope_mock: DashScopeMock) -> None:
    async def steps() -> Any:
        created = await AioVideoSynthesis.async_call(**VIDEO)
        canceled = await AioVideoSynthesis.cancel(created)
        after = await AioVideoSynthesis.wait(created)
        return created, canceled, after

    created, canceled, after = run(steps)
    assert canceled.status_code == HTTPStatus.OK
    assert canceled.output is None  # the aio client reads only `output`; `{request_id}` has none
    cancel = next(r for r in dashscope_mock.requests if r.path.endswith("/cancel/"))
    assert cancel.path == f"/api/v1/tasks/{created.output.task_id}/cancel/"
    assert cancel.json() == {"model": "", "parameters": {}, "input": ""}
    assert after.output.task_status == "CANCELED"


def test_aio_image_synthesis_and_generation(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.fail_next("DataInspectionFailed", pending_polls=2, model="wanx2.1-t2i-turbo")

    async def steps() -> Any:
        image = await AioImageSynthesis.call(model="wanx2.1-t2i-turbo", prompt="a cat", n=1, size="1024*1024")
        created = await AioImageGeneration.async_call(
            model="wan2.6-t2i", messages=[{"role": "user", "content": [{"text": "a cat"}]}], n=1)
        generated = await AioImageGeneration.wait(created)
        return image, generated

    image, generated = run(steps)
    assert image.status_code == HTTPStatus.OK
    assert image.output.task_status == "FAILED"
    assert image.output.code == "DataInspectionFailed"
    assert [p.status for p in dashscope_mock.polls(image.output.task_id)] == ["PENDING", "PENDING", "FAILED"]
    assert generated.output.task_status == "SUCCEEDED"
    assert generated.output.choices[0].message.content[0]["image"].startswith(dashscope_mock.url)
