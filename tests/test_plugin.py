"""The pytest plugin (`dashscope_mock` fixture): its helpers directly, and its wiring through pytester runs
of small user suites (environment set and restored, markers, the lazy socket, xdist namespaces)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.pytest_plugin import DashScopeMock

pytest_plugins = ["pytester"]

CREATE = "/services/aigc/video-generation/video-synthesis"
BODY = {"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"}, "parameters": {"size": "832*480"}}
ASYNC = {"X-DashScope-Async": "enable"}


def _create(http: httpx.Client) -> str:
    r = http.post(CREATE, json=BODY, headers=ASYNC)
    assert r.status_code == 200, r.text
    task_id: str = r.json()["output"]["task_id"]
    return task_id


# ---- the handle's helpers ------------------------------------------------------------------------


@pytest.mark.dashscope_mock(frozen=True)
def test_polling_assertions_name_the_offending_polls(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.queue_scenario("pending*2,succeeded")
    with dashscope_mock.http_client() as http:
        task_id = _create(http)
        for wait in (0.0, 0.5, 2.0, 3.0):  # polls at +0, +0.5, +2.5 (SUCCEEDED), +5.5
            dashscope_mock.advance(wait)
            http.get(f"/tasks/{task_id}")
    assert [p.status for p in dashscope_mock.polls(task_id)] == ["PENDING", "PENDING", "SUCCEEDED", "SUCCEEDED"]
    dashscope_mock.assert_min_poll_interval(task_id, 0.5)
    with pytest.raises(AssertionError, match=r"polled 0\.500s after the previous poll \(minimum 1\.0s\)"):
        dashscope_mock.assert_min_poll_interval(task_id, 1.0)
    with pytest.raises(AssertionError, match=r"polled 1 more time\(s\) after it was SUCCEEDED: .*\+5\.500s SUCCEEDED"):
        dashscope_mock.assert_no_poll_after_terminal(task_id)
    dashscope_mock.assert_polls_at_most(task_id, 4)
    with pytest.raises(AssertionError, match=r"polled 4 times \(at most 3\)"):
        dashscope_mock.assert_polls_at_most(task_id, 3)


@pytest.mark.dashscope_mock(frozen=True)
def test_assertions_pass_for_a_well_behaved_poller(dashscope_mock: DashScopeMock) -> None:
    with dashscope_mock.http_client() as http:
        task_id = _create(http)
        while http.get(f"/tasks/{task_id}").json()["output"]["task_status"] not in ("SUCCEEDED", "FAILED"):
            dashscope_mock.sleep(1.0)
    dashscope_mock.assert_no_poll_after_terminal(task_id)
    dashscope_mock.assert_min_poll_interval(task_id, 1.0)
    dashscope_mock.assert_polls_at_most(task_id, 3)  # dev timings finish within a second


@pytest.mark.dashscope_mock(frozen=True)
def test_clock_controls(dashscope_mock: DashScopeMock) -> None:
    start = dashscope_mock.now()
    assert dashscope_mock.clock.frozen
    assert dashscope_mock.advance(10) == pytest.approx(start + 10)
    asyncio.run(dashscope_mock.asleep(5))
    assert dashscope_mock.now() == pytest.approx(start + 15)
    dashscope_mock.unfreeze()
    assert not dashscope_mock.clock.frozen
    dashscope_mock.freeze()
    assert dashscope_mock.clock.frozen


@pytest.mark.dashscope_mock(frozen=True, allow_unused_scenarios=True)  # the t2i scenario is never taken
def test_scenario_helpers(dashscope_mock: DashScopeMock) -> None:
    dashscope_mock.reject_next("Throttling.RateQuota", model="wan2.2-t2v-plus")
    dashscope_mock.fail_next("DataInspectionFailed", "flagged", pending_polls=1)
    view = dashscope_mock.queue_scenario("succeeded", model="wanx2.1-t2i-turbo", times=3)
    assert view["times"] == 3
    with dashscope_mock.http_client() as http:
        rejected = http.post(CREATE, json=BODY, headers=ASYNC)
        assert (rejected.status_code, rejected.json()["code"]) == (429, "Throttling.RateQuota")
        task_id = _create(http)
        statuses = [http.get(f"/tasks/{task_id}").json()["output"] for _ in range(2)]
    assert statuses[0]["task_status"] == "PENDING"
    assert (statuses[1]["task_status"], statuses[1]["code"], statuses[1]["message"]) == (
        "FAILED", "DataInspectionFailed", "flagged")
    assert dashscope_mock.status(task_id) == "FAILED"
    assert dashscope_mock.status("no-such-task") == "UNKNOWN"
    assert dashscope_mock.task_ids() == [task_id]


def test_requests_are_recorded_with_the_key_redacted(dashscope_mock: DashScopeMock) -> None:
    with dashscope_mock.http_client() as http:
        http.get("/tasks/abc", params={"x": "1"})
    (record,) = dashscope_mock.requests
    assert (record.method, record.path, record.query, record.status) == ("GET", "/api/v1/tasks/abc", "x=1", 200)
    assert record.headers["authorization"] == "Bearer sk-***"
    assert record.response_type == "application/json;charset=UTF-8"  # a task query (docs/behaviour.md §5.2)
    assert dashscope_mock.api_key not in repr(dashscope_mock.requests)


def test_async_transport(dashscope_mock: DashScopeMock) -> None:
    async def run() -> Any:
        async with dashscope_mock.async_http_client() as http:
            r = await http.post(CREATE, json=BODY, headers=ASYNC)
            task_id = r.json()["output"]["task_id"]
            dashscope_mock.advance(5)
            return (await http.get(f"/tasks/{task_id}")).json()["output"]["task_status"]

    assert asyncio.run(run()) == "SUCCEEDED"


@pytest.mark.dashscope_mock(frozen=True)
def test_our_client_on_the_transport(dashscope_mock: DashScopeMock) -> None:
    from clients import Client

    with Client(api_key=dashscope_mock.api_key, base_url=dashscope_mock.base_url,
                transport=dashscope_mock.transport(), sleep=dashscope_mock.sleep) as client:
        task = client.run("wan2.2-t2v-plus", {"prompt": "a cat"}, {"size": "832*480"})
    assert task.status == "SUCCEEDED"
    assert task.urls and task.urls[0].startswith(dashscope_mock.url)
    dashscope_mock.assert_no_poll_after_terminal(task.task_id)


# ---- wiring, through pytester ----------------------------------------------------------------------


def test_environment_and_sdk_are_set_then_restored(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    import dashscope

    monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", "https://outside.invalid/api/v1")
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    monkeypatch.delenv("DASHSCOPE_BASE_URL", raising=False)
    monkeypatch.setattr(dashscope, "base_http_api_url", "https://outside.invalid/api/v1")
    pytester.makepyfile("""
        import os, time
        import dashscope
        from dashscope.client import base_api

        def test_inside(dashscope_mock):
            assert os.environ["DASHSCOPE_HTTP_BASE_URL"] == dashscope_mock.base_url
            assert os.environ["DASHSCOPE_BASE_URL"] == dashscope_mock.base_url
            assert os.environ["DASHSCOPE_API_KEY"] == dashscope_mock.api_key == "sk-mock-main"
            assert "127.0.0.1" in os.environ["NO_PROXY"].split(",")
            assert dashscope.base_http_api_url == dashscope_mock.base_url
            assert dashscope.api_key == dashscope_mock.api_key
            assert base_api.time is not time
            assert dashscope.Client().config.base_url == dashscope_mock.base_url

        def test_after():
            assert os.environ["DASHSCOPE_HTTP_BASE_URL"] == "https://outside.invalid/api/v1"
            assert "DASHSCOPE_API_KEY" not in os.environ
            assert "DASHSCOPE_BASE_URL" not in os.environ
            assert dashscope.base_http_api_url == "https://outside.invalid/api/v1"
            assert base_api.time is time
    """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_markers_configure_the_twin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import time
        import pytest
        from dashscope.client import base_api

        pytestmark = pytest.mark.dashscope_mock(frozen=True)

        @pytest.mark.dashscope_mock(profile="faithful", api_key="sk-custom-1", sdk_sleep="real")
        def test_marked(dashscope_mock):
            assert dashscope_mock.settings.profile == "faithful"
            assert dashscope_mock.settings.validation == "faithful"
            assert dashscope_mock.clock.frozen  # the module marker still applies
            assert dashscope_mock.api_key == "sk-custom-1"
            assert base_api.time is time

        def test_default(dashscope_mock):
            assert dashscope_mock.settings.profile == "dev"

        @pytest.mark.dashscope_mock(sdk_sleep="sometimes")
        def test_bad_option(dashscope_mock):
            pass
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*sdk_sleep='sometimes'*use 'virtual' or 'real'*"])


def test_socket_starts_on_first_connection_and_each_test_gets_a_fresh_twin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import httpx

        SEEN = {}

        def test_transport_only(dashscope_mock):
            with dashscope_mock.http_client() as http:
                assert http.get("/tasks/x").json()["output"]["task_status"] == "UNKNOWN"
            assert not dashscope_mock.socket.started

        def test_over_the_socket(dashscope_mock):
            r = httpx.post(dashscope_mock.base_url + "/services/aigc/video-generation/video-synthesis",
                           json={"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"},
                                 "parameters": {"size": "832*480"}},
                           headers={"Authorization": "Bearer " + dashscope_mock.api_key,
                                    "X-DashScope-Async": "enable"})
            assert r.status_code == 200
            assert dashscope_mock.socket.started
            SEEN["url"], SEEN["task"] = dashscope_mock.url, r.json()["output"]["task_id"]

        def test_next_test(dashscope_mock):
            assert dashscope_mock.url == SEEN["url"]  # one socket per process
            r = httpx.get(dashscope_mock.base_url + "/tasks/" + SEEN["task"],
                          headers={"Authorization": "Bearer " + dashscope_mock.api_key})
            assert r.json()["output"]["task_status"] == "UNKNOWN"  # but a fresh twin behind it
    """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_each_xdist_worker_gets_its_own_namespace(pytester: pytest.Pytester, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # only the two plugins this run needs (the autoloaded rest would triple its start-up time)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    out = tmp_path / "seen"
    out.mkdir()
    pytester.makepyfile(f"""
        import json, os, pathlib
        import httpx
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_worker(dashscope_mock, n):
            auth = {{"Authorization": "Bearer " + dashscope_mock.api_key}}
            r = httpx.get(dashscope_mock.base_url + "/tasks", headers=auth)
            assert r.status_code == 200 and r.json()["total"] == 0
            seen = {{"ns": dashscope_mock.namespace, "key": dashscope_mock.api_key, "url": dashscope_mock.url,
                     "env": os.environ["DASHSCOPE_API_KEY"], "worker": os.environ["PYTEST_XDIST_WORKER"]}}
            pathlib.Path({str(out)!r}, f"{{n}}.json").write_text(json.dumps(seen))
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "xdist", "-p", "mockserver.pytest_plugin",
                                           "-n", "2")
    result.assert_outcomes(passed=4)
    seen = [json.loads(p.read_text()) for p in out.iterdir()]
    by_worker = {s["worker"]: s for s in seen}
    assert set(by_worker) == {"gw0", "gw1"}
    assert all(s["ns"] == s["worker"] and s["key"] == s["env"] == f"sk-mock-{s['worker']}" for s in seen)
    assert by_worker["gw0"]["url"] != by_worker["gw1"]["url"]  # each worker its own socket and twins


def test_the_documented_example_runs(pytester: pytest.Pytester) -> None:
    # the README's complete example test must run as written
    root = Path(__file__).parent.parent
    docs = [p.read_text(encoding="utf-8") for p in (root / "README.md",)
            if p.exists()]
    examples = [block for doc in docs for block in re.findall(r"```python\n(.*?)```", doc, re.S)
                if block.startswith("# test_my_video_feature.py")]
    assert examples, "the plugin's complete example test is missing from the README"
    pytester.makepyfile(test_my_video_feature=examples[0])
    tests = len(re.findall(r"^def test_", examples[0], re.M))
    assert tests >= 3  # the fixture, a queued failure and a marker, at least
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=tests)
