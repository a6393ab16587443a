"""mockserver.testing outside the pytest fixture: MockServer as a handle on its own socket, the runner,
the recorder behind `bind`, and SDK patching undone."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import httpx
import pytest

from clients.testing import bind
from mockserver import MockServer, Settings
from mockserver.testing import KEY, DashScopeMock, ThreadedServer, listening_socket, point_sdk
from mockserver.testing.runner import Switchboard


def test_mock_server_is_a_handle_on_its_own_socket() -> None:
    with MockServer(frozen=True, log_requests=False) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        with httpx.Client(base_url=server.base_url, headers=server.headers()) as http:
            created = http.post("/services/aigc/video-generation/video-synthesis",
                                json=server.twin.spec.example_body("wan2.2-t2v-plus"),
                                headers={"X-DashScope-Async": "enable"})
            assert created.status_code == 200, created.text
            task_id = created.json()["output"]["task_id"]
            assert http.get(f"/tasks/{task_id}").json()["output"]["task_status"] in ("PENDING", "RUNNING")
            server.advance(3600)
            assert http.get(f"/tasks/{task_id}").json()["output"]["task_status"] == "SUCCEEDED"
        assert server.task_ids() == [task_id]
        assert [p.status for p in server.polls(task_id)][-1] == "SUCCEEDED"
        server.assert_no_poll_after_terminal(task_id)
        port = server.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/tasks/x", timeout=2)


def test_mock_server_activate_points_the_environment_and_close_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", "https://before.invalid/api/v1")
    with MockServer(api_key="sk-harness-1") as server:
        server.activate()
        assert os.environ["DASHSCOPE_HTTP_BASE_URL"] == server.base_url
        assert os.environ["DASHSCOPE_API_KEY"] == "sk-harness-1"
    assert os.environ["DASHSCOPE_HTTP_BASE_URL"] == "https://before.invalid/api/v1"


def test_point_sdk_with_a_clock_makes_sdk_sleeps_virtual_and_undo_restores_them() -> None:
    base_api = pytest.importorskip("dashscope.client.base_api")
    mock = DashScopeMock(Settings.for_profile("dev", frozen=True, log_requests=False))
    real_time = base_api.time
    patches = point_sdk(mock.base_url, mock.api_key, mock.clock)
    try:
        before = mock.now()
        base_api.time.sleep(30)  # what the 1.x wait loop calls between polls
        assert mock.now() == pytest.approx(before + 30)
    finally:
        patches.undo()
    assert base_api.time is real_time


def test_make_mock_handles_speak_http_in_process(make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock("dev")
    assert not mock.requests and mock.app is mock.raw_app  # our tests run without the recorder
    task_id = mock.task_id("wan2.2-t2v-plus")
    mock.advance(3600)
    assert mock.get(task_id)["output"]["task_status"] == "SUCCEEDED"
    assert mock.get(task_id, key="sk-someone-else")["output"]["task_status"] == "UNKNOWN"
    assert mock.task_ids(KEY) == [task_id]


def test_bind_accepts_a_handle_and_its_requests_are_recorded() -> None:
    with DashScopeMock(Settings.for_profile("dev", frozen=True, log_requests=False)) as mock:
        client = bind(mock)
        created = client.create("wan2.2-t2v-plus", {"prompt": "a cat"})
        task = client.wait(created.task_id)
        assert task.status == "SUCCEEDED"
        assert mock.requests[0].method == "POST" and mock.requests[0].json()["input"] == {"prompt": "a cat"}
        assert {r.path for r in mock.requests[1:]} == {f"/api/v1/tasks/{created.task_id}"}
        assert client.virtual_sleep.calls  # type: ignore[attr-defined]  # the wait slept on the twin's clock
        client.close()


def test_a_lazy_runner_starts_only_when_someone_connects() -> None:
    board = Switchboard()
    runner = ThreadedServer(board, listening_socket(), lazy=True)
    runner.start()
    host, port = runner.host, runner.port
    try:
        assert not runner.started
        r = httpx.get(runner.url + "/anything", timeout=5)
        assert r.status_code == 503 and r.json()["code"] == "ServiceUnavailable"  # no twin routed
        assert runner.started
    finally:
        runner.close()
    with socket.socket() as s:
        assert s.connect_ex((host, port)) != 0  # the port was released
