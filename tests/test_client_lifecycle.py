"""The client against the in-process mock: config, create/get/wait/cancel/list, errors, sync and async alike."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import clients
from clients import Client, ClientConfig, errors
from clients.config import normalize_base_url
from clients.testing import abind, bind
from mockserver.testing import AsyncMockTransport, DashScopeMock, MockTransport


def example(mock: DashScopeMock, model: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    body = mock.twin.spec.example_body(model)
    assert body is not None, model
    return body["input"], body.get("parameters")


# ---- configuration ---------------------------------------------------------------------------------


def test_config_reads_the_sdk_environment_variables() -> None:
    env = {"DASHSCOPE_API_KEY": "sk-env", "DASHSCOPE_HTTP_BASE_URL": "http://h1:1/api/v1",
           "DASHSCOPE_WORKSPACE": "ws-1"}
    cfg = ClientConfig.resolve(env=env)
    assert (cfg.api_key, cfg.base_url, cfg.workspace) == ("sk-env", "http://h1:1/api/v1", "ws-1")
    # the SDK's v2 order: DASHSCOPE_BASE_URL before DASHSCOPE_HTTP_BASE_URL; arguments before both
    assert ClientConfig.resolve(env={**env, "DASHSCOPE_BASE_URL": "http://h2:2/"}).base_url == "http://h2:2/api/v1"
    assert ClientConfig.resolve("sk-arg", "https://x.example/api/v1", env=env).api_key == "sk-arg"
    assert ClientConfig.resolve(env={"DASHSCOPE_API_KEY": "k", "DASHSCOPE_REGION": "ap-southeast-1"}).base_url == (
        "https://dashscope-intl.aliyuncs.com/api/v1")
    with pytest.raises(errors.ConfigError):
        ClientConfig.resolve(env={})
    with pytest.raises(errors.ConfigError):
        ClientConfig.resolve("k", env={}, region="mars-1")


def test_base_url_normalisation_and_key_redaction() -> None:
    assert normalize_base_url("http://127.0.0.1:8089") == "http://127.0.0.1:8089/api/v1"
    assert normalize_base_url("http://127.0.0.1:8089/api/v1/") == "http://127.0.0.1:8089/api/v1"
    with pytest.raises(errors.ConfigError):
        normalize_base_url("ftp://x")
    cfg = ClientConfig.resolve("sk-test-secret-1", env={})
    assert "sk-test-secret-1" not in repr(cfg)


def test_wire_headers_async_workspace_and_oss(mock: DashScopeMock) -> None:
    seen: list[httpx.Request] = []
    inner = MockTransport(mock.app)

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return inner.handle_request(request)

    client = bind(mock.app, transport=Spy(), workspace="ws-42")
    with pytest.raises(errors.DataInspectionError):  # a key never uploaded: the mock cannot resolve it
        client.create("wan2.2-t2v-plus", {"prompt": "a cat", "img_url": "oss://dashscope-instant/x/a.png"})
    client.get("some-task")
    post, get = seen
    assert post.url.path == "/api/v1/services/aigc/video-generation/video-synthesis"
    assert post.headers["x-dashscope-async"] == "enable"
    assert post.headers["x-dashscope-ossresourceresolve"] == "enable"
    assert post.headers["authorization"] == "Bearer sk-test-client"
    assert post.headers["x-dashscope-workspace"] == "ws-42" == get.headers["x-dashscope-workspace"]
    assert "x-dashscope-async" not in get.headers  # the SDK never sends it on queries (docs/behaviour.md §5.3)
    client.create("wan2.2-t2v-plus", {"prompt": "a cat"})
    assert "x-dashscope-ossresourceresolve" not in seen[-1].headers


# ---- lifecycle ---------------------------------------------------------------------------------------


def test_create_wait_download_metadata_image_family(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    created = client.models.wanx2_1_t2i_turbo({"prompt": "a cat"}, {"n": 3})
    assert created.status == "PENDING" and created.model == "wanx2.1-t2i-turbo"
    seen: list[str] = []
    task = client.wait(created, progress=lambda t: seen.append(t.status))
    assert task.status == "SUCCEEDED" and seen[-1] == "SUCCEEDED"
    assert len(task.urls) == 3 and task.task_metrics == clients.TaskMetrics(3, 3, 0)
    assert task.usage == {"image_count": 3}
    assert task.submit_time and task.scheduled_time and task.end_time
    assert task.submit_time <= task.scheduled_time <= task.end_time
    assert task.submit_time.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_partial_success_results_carry_the_moderated_items(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    created = client.create("wanx2.1-t2i-turbo", {"prompt": "a cat"}, {"n": 4},
                            headers={"X-Mock-Scenario": "succeeded(failed_items=1)"})
    task = client.wait(created)
    assert [r.ok for r in task.results] == [True, True, True, False]
    assert task.results[-1].code == "DataInspectionFailed"
    assert len(task.urls) == 3


def test_get_without_the_model_still_finds_results(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    for model in ("wan2.6-t2i", "wan2.2-animate-move", "image-out-painting", "wanx-poster-generation-v1"):
        created = client.create(model, *example(mock, model))
        client.wait(created)
        task = client.get(created.task_id)  # a bare id: every output.field of the spec is tried
        assert task.model is None and len(task.urls) >= 1, model


def test_detect_models_answer_synchronously(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    answer = client.models.emo_detect_v1(*example(mock, "emo-detect-v1"))  # type: ignore[arg-type]
    assert isinstance(answer, clients.DetectResult) and answer.output["check_pass"] is True
    with pytest.raises(errors.ConfigError):
        client.create("emo-detect-v1", *example(mock, "emo-detect-v1"))


def test_cancel_only_while_pending(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    created = client.create("wan2.2-t2v-plus", {"prompt": "x"}, headers={"X-Mock-Scenario": "pending:60s,succeeded"})
    assert client.cancel(created)
    with pytest.raises(clients.TaskCanceledError) as canceled:
        client.wait(created)
    assert canceled.value.task.status == "CANCELED"
    assert client.wait(created, raise_on_failure=False).status == "CANCELED"
    with pytest.raises(errors.UnsupportedOperationError) as again:
        client.cancel(created)
    assert again.value.status == 400 and again.value.request_id


def test_failed_task_raises_its_family_with_status_200(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    created = client.create("wan2.2-t2v-plus", {"prompt": "x"},
                            headers={"X-Mock-Scenario": "failed(DataInspectionFailed)"})
    with pytest.raises(errors.DataInspectionError) as failed:
        client.wait(created)
    assert failed.value.status == 200 and failed.value.code == "DataInspectionFailed"
    assert failed.value.task is not None and failed.value.task.status == "FAILED"
    assert failed.value.request_id


def test_unknown_id_and_foreign_task(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    with pytest.raises(clients.TaskUnknownError):
        client.wait("no-such-task")
    created = client.create("wan2.2-t2v-plus", {"prompt": "x"})
    other = bind(mock.app, api_key="sk-test-other")
    assert other.get(created.task_id).status == "UNKNOWN"


def test_wait_timeout_on_the_virtual_clock(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    created = client.create("wan2.2-t2v-plus", {"prompt": "x"}, headers={"X-Mock-Scenario": "running:1h,succeeded"})
    start = mock.twin.clock.now()
    with pytest.raises(clients.WaitTimeoutError) as late:
        client.wait(created, timeout=30)
    assert late.value.task is not None and late.value.task.status in ("PENDING", "RUNNING")
    assert mock.twin.clock.now() - start == pytest.approx(30, abs=0.01)


def test_list_walks_every_page_once(mock: DashScopeMock) -> None:
    client = bind(mock.app)
    ids = {client.create("wan2.2-t2v-plus", {"prompt": str(i)}).task_id for i in range(7)}
    client.create("wanx2.1-t2i-turbo", {"prompt": "other"})
    listed = [i.task_id for i in client.list(page_size=2, model_name="wan2.2-t2v-plus")]
    assert sorted(listed) == sorted(ids)
    page = client.list_page(page_size=3)
    assert (page.total, page.total_page, len(page.data)) == (8, 3, 3)
    assert all(i.status == "PENDING" and i.start_time is None for i in page)


# ---- errors -------------------------------------------------------------------------------------------


def test_error_envelopes_map_to_families_with_request_ids(mock: DashScopeMock) -> None:
    client = bind(mock.app, api_key="not-a-key")
    with pytest.raises(errors.InvalidApiKeyError) as bad_key:
        client.get("x")
    assert bad_key.value.status == 401 and bad_key.value.request_id and "not-a-key" not in str(bad_key.value)
    good = bind(mock.app)
    with pytest.raises(errors.AccessDeniedError) as wrong_route:
        good.create("wan2.2-t2v-plus", {"prompt": "x"}, route="text2image/image-synthesis")
    assert wrong_route.value.status == 403
    with pytest.raises(errors.InvalidParameterError) as no_model:
        good.create("no-such-model", {"prompt": "x"}, route="video-generation/video-synthesis")
    assert no_model.value.message == "Model not exist."
    with pytest.raises(errors.ThrottlingError) as throttled:
        good.create("wan2.2-t2v-plus", {"prompt": "x"}, headers={"X-Mock-Scenario": "reject(Throttling.RateQuota)"})
    assert throttled.value.status == 429


def test_client_side_validation_names_the_field(mock: DashScopeMock) -> None:
    client = bind(mock.app, validate=True)
    with pytest.raises(errors.RequestValidationError) as bad:
        client.create("wan2.2-t2v-plus", {"prompt": "x"}, {"duration": "five"})
    assert "duration" in str(bad.value)
    assert mock.twin.tasks.store.__len__() == 0  # nothing was sent
    assert client.create("wan2.2-t2v-plus", {"prompt": "x"}, {"duration": 5}).status == "PENDING"


# ---- async: the same surface ---------------------------------------------------------------------------


def test_async_client_lifecycle(mock: DashScopeMock) -> None:
    async def scenario() -> None:
        async with abind(mock.app) as client:
            created = await client.models.wan2_2_t2v_plus({"prompt": "a cat"})
            task = await client.wait(created)
            assert task.status == "SUCCEEDED" and len(task.urls) == 1
            assert (await client.get(created.task_id)).status == "SUCCEEDED"
            pending = await client.create("wan2.2-t2v-plus", {"prompt": "y"},
                                          headers={"X-Mock-Scenario": "pending:60s,succeeded"})
            await client.cancel(pending)
            with pytest.raises(errors.UnsupportedOperationError):
                await client.cancel(pending)
            listed = [i.task_id async for i in client.list(page_size=1)]
            assert sorted(listed) == sorted([created.task_id, pending.task_id])
            with pytest.raises(clients.TaskCanceledError):
                await client.wait(pending)

    asyncio.run(scenario())


def test_clients_accept_injected_httpx_clients(mock: DashScopeMock) -> None:
    http = httpx.Client(transport=MockTransport(mock.app))
    client = Client("sk-test-inj", "http://mock.test", http_client=http)
    assert client.create("wan2.2-t2v-plus", {"prompt": "x"}).status == "PENDING"
    client.close()
    assert not http.is_closed  # the caller's client stays the caller's

    async def run() -> str:
        async with httpx.AsyncClient(transport=AsyncMockTransport(mock.app)) as ahttp:
            aclient = clients.AsyncClient("sk-test-inj", "http://mock.test", http_client=ahttp)
            return (await aclient.create("wan2.2-t2v-plus", {"prompt": "x"})).status

    assert asyncio.run(run()) == "PENDING"


@pytest.mark.parametrize("make", [bind])
def test_default_wait_policy_polls_slower_and_slower(mock: DashScopeMock, make: Callable[..., Client]) -> None:
    client = make(mock.app)
    created = client.create("wan2.2-t2v-plus", {"prompt": "x"}, headers={"X-Mock-Scenario": "running:120s,succeeded"})
    client.wait(created)
    sleeps = client.virtual_sleep.calls  # type: ignore[attr-defined]
    policy = client.config.wait
    assert all(s >= policy.min_interval(i) - 1e-9 for i, s in enumerate(sleeps))
    assert sleeps[-1] > sleeps[0] and max(sleeps) <= policy.max_interval
