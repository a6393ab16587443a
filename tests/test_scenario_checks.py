"""Scenarios are held against the spec in one place (ScenarioQueue.check): a code outside the error catalogue or
an unknown model is refused by the header, the admin API, the handle and the fixture marker; the fixture fails a
test whose queued scenario was never used."""

from __future__ import annotations

import pytest

from mockserver.domain.scenarios import ScenarioError
from mockserver.testing import AIGC, ASYNC, DashScopeMock

pytest_plugins = ["pytester"]

VIDEO = AIGC + "video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def test_a_misspelt_code_in_the_header_is_a_400_and_no_task(mock: DashScopeMock) -> None:
    for header in ("pending*1,failed(DataInspectionFaild)", "reject(Throttling.RateQuot)"):
        r = mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": header})
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "InvalidParameter"
        assert header.split("(")[-1].rstrip(")") in r.json()["message"]
    assert mock.task_ids() == []
    ok = mock.http.post(VIDEO, json=T2V, headers={**ASYNC, "X-Mock-Scenario": "failed(DataInspectionFailed)"})
    assert ok.status_code == 200


def test_the_admin_api_refuses_unknown_codes_and_models(mock: DashScopeMock) -> None:
    bad = [{"scenario": "failed(NoSuchCode)"}, {"scenario": "succeeded", "model": "wan9-t2v"},
           {"scenario": "reject(Nope)", "model": "wan2.6-t2v"}]
    for body in bad:
        r = mock.http.post("/__mock/scenarios", json=body)
        assert r.status_code == 400, (body, r.text)
        assert "NoSuchCode" in r.text or "wan9-t2v" in r.text or "Nope" in r.text
    assert mock.http.get("/__mock/scenarios").json()["scenarios"] == []
    good = mock.http.post("/__mock/scenarios", json={"scenario": "failed(InternalError)", "model": "wan2.6-t2v"})
    assert good.status_code == 200


def test_the_handle_raises_and_entries_are_all_or_none(mock: DashScopeMock) -> None:
    with pytest.raises(ScenarioError, match="DataInspectionFaild"):
        mock.fail_next("DataInspectionFaild")
    with pytest.raises(ScenarioError, match="no model"):
        mock.queue_scenario("succeeded", model="wan2.6-t2vv")
    with pytest.raises(ScenarioError, match="unknown key"):
        mock.queue_scenarios([{"scenario": "succeeded", "modle": "wan2.6-t2v"}])
    with pytest.raises(ScenarioError, match="times"):
        mock.queue_scenarios([{"scenario": "succeeded", "times": 0}])
    with pytest.raises(ScenarioError, match="Bogus"):
        mock.queue_scenarios(["succeeded", {"scenario": "failed(Bogus)"}])
    assert mock.twin.scenarios.items == []  # the good first entry was not queued either
    views = mock.queue_scenarios(["succeeded", {"scenario": "failed(InternalError)", "model": "wan2.6-t2v",
                                                "times": 2}])
    assert [(v["scenario"], v["model"], v["times"]) for v in views] == [
        ("succeeded", None, 1), ("failed(InternalError)", "wan2.6-t2v", 2)]


def test_marker_scenarios_and_the_unused_check(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        CREATE = "/services/aigc/video-generation/video-synthesis"
        BODY = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}
        ASYNC = {"X-DashScope-Async": "enable"}

        @pytest.mark.dashscope_mock(frozen=True, scenarios=[
            {"scenario": "failed(DataInspectionFailed)", "model": "wan2.6-t2v"}])
        def test_used(dashscope_mock):
            with dashscope_mock.http_client() as http:
                task = http.post(CREATE, json=BODY, headers=ASYNC).json()["output"]["task_id"]
                dashscope_mock.advance(3600)
                assert http.get(f"/tasks/{task}").json()["output"]["code"] == "DataInspectionFailed"

        @pytest.mark.dashscope_mock(scenarios=[{"scenario": "failed(InternalError)", "model": "wan2.2-t2v-plus"}])
        def test_unused_by_marker(dashscope_mock):
            pass

        def test_unused_by_handle(dashscope_mock):
            dashscope_mock.fail_next("InternalError", model="wanx2.1-t2i-turbo")

        @pytest.mark.dashscope_mock(allow_unused_scenarios=True, scenarios=["succeeded"])
        def test_unused_allowed(dashscope_mock):
            pass

        @pytest.mark.dashscope_mock(scenarios=["failed(DataInspectionFaild)"])
        def test_misspelt(dashscope_mock):
            pass

        @pytest.mark.dashscope_mock(scenarios=["succeeded"])
        def test_failing_test_reports_only_its_own_failure(dashscope_mock):
            assert False, "the test's own failure"
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=4, failed=1, errors=3)
    out = result.stdout.str()
    assert "ERROR at teardown of test_unused_by_marker" in out and "ERROR at teardown of test_unused_by_handle" in out
    assert "never used" in out and "'failed(InternalError)' model=wan2.2-t2v-plus" in out
    assert "ERROR at setup of test_misspelt" in out and "DataInspectionFaild" in out
    assert "teardown of test_failing_test_reports_only_its_own_failure" not in out


def test_the_documented_scenarios_file_loads(mock: DashScopeMock) -> None:
    import re
    from pathlib import Path

    import yaml

    page = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n# scenarios.yaml\n(.*?)```", page, re.S)
    assert block is not None, "docs/scenarios.md shows a scenarios file"
    views = mock.queue_scenarios(yaml.safe_load(block.group(1)))
    assert len(views) == 3 and views[1]["api_key"] == "sk-***"
