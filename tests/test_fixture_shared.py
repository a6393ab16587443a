"""The plugin costs nothing until used (it imports only pytest), and `dashscope_mock_shared`: one twin per process,
reset before each test, as fresh as a new twin for what a test can see. Timings are bench/fixture.py's job."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockserver.settings import Settings
from mockserver.testing import DashScopeMock

pytest_plugins = ["pytester"]


def test_the_plugin_imports_nothing_heavy_until_a_fixture_is_used() -> None:
    code = ("import sys, pytest; before = set(sys.modules); import mockserver.pytest_plugin as p; "
            "p.pytest_configure; print(' '.join(sorted(set(sys.modules) - before)))")
    added = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert added == ["mockserver", "mockserver.pytest_plugin"]


def test_the_package_and_plugin_names_load_on_first_use() -> None:
    import mockserver
    import mockserver.pytest_plugin as plugin
    from mockserver.domain.task import TERMINAL
    from mockserver.http.app import create_app
    from mockserver.settings import Settings as Loaded
    from mockserver.testing.handle import DashScopeMock as Handle

    assert mockserver.Settings is Loaded and mockserver.create_app is create_app
    assert plugin.DashScopeMock is Handle and plugin.TERMINAL is TERMINAL
    with pytest.raises(AttributeError):
        _ = mockserver.nothing_here


def test_reset_makes_a_used_twin_look_fresh() -> None:
    with DashScopeMock(Settings.for_profile("dev", log_requests=False, faults={"error_rate": 0.0})) as mock:
        task_id = mock.task_id("wan2.2-t2v-plus")
        mock.queue_scenario("pending*2,succeeded", model="wan2.6-t2v")
        mock.twin.faults.configure(mock.twin.faults.plan.__class__(error_rate=1.0))
        mock.freeze()
        mock.twin.clock.set_scale(50)
        before = mock.now()
        mock.reset()
        assert mock.task_ids() == [] and mock.requests == [] and mock.unused_scenarios() == []
        assert mock.twin.scenarios.listed() == [] and not mock.twin.faults.active
        assert not mock.twin.clock.frozen and mock.twin.clock.scale == 1.0 and mock.now() >= before
        assert mock.get(task_id)["output"]["task_status"] == "UNKNOWN"


def test_shared_fixture_resets_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import os
        import pytest
        from dashscope import VideoSynthesis

        SEEN = []

        @pytest.mark.dashscope_mock(allow_unused_scenarios=True)
        def test_first(dashscope_mock_shared):
            rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
            assert rsp.output.task_status == "SUCCEEDED"
            dashscope_mock_shared.fail_next("InternalError")
            dashscope_mock_shared.freeze()
            SEEN.append(id(dashscope_mock_shared.twin))
            assert os.environ["DASHSCOPE_HTTP_BASE_URL"] == dashscope_mock_shared.base_url

        @pytest.mark.dashscope_mock(allow_unused_scenarios=True)
        def test_second_sees_a_fresh_twin(dashscope_mock_shared):
            m = dashscope_mock_shared
            assert m.task_ids() == [] and m.requests == [] and not m.twin.clock.frozen
            assert m.twin.scenarios.listed() == []  # the first test's queued failure is gone
            rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
            assert rsp.output.task_status == "SUCCEEDED"
            SEEN.append(id(m.twin))
            m.fail_next("InternalError")

        @pytest.mark.dashscope_mock(scenarios=[{"scenario": "failed(DataInspectionFailed)"}])
        def test_marker_scenarios(dashscope_mock_shared):
            rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
            assert rsp.output.code == "DataInspectionFailed"
            SEEN.append(id(dashscope_mock_shared.twin))

        def test_env_restored_after():
            assert "DASHSCOPE_HTTP_BASE_URL" not in os.environ
            assert len(set(SEEN)) == 1 and len(SEEN) == 3  # one twin for the session

        def test_fresh_fixture_still_works_beside_it(dashscope_mock):
            rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
            assert rsp.output.task_status == "SUCCEEDED"

        def test_shared_after_fresh(dashscope_mock_shared):
            rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
            assert rsp.output.task_status == "SUCCEEDED" and len(dashscope_mock_shared.task_ids()) == 1

        @pytest.mark.dashscope_mock(profile="faithful")
        def test_settings_marker_is_refused(dashscope_mock_shared):
            pass

        def test_unused_scenario_fails(dashscope_mock_shared):
            dashscope_mock_shared.fail_next("InternalError")
    """)
    monkey = pytest.MonkeyPatch()
    monkey.delenv("DASHSCOPE_HTTP_BASE_URL", raising=False)
    try:
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "0")
    finally:
        monkey.undo()
    result.assert_outcomes(passed=7, errors=2)
    result.stdout.fnmatch_lines([
        "*dashscope_mock_shared is the session's dev twin, so the marker's profile= cannot apply to it*",
        "*ERROR at teardown of test_unused_scenario_fails*",
        "*1 queued scenario(s) never used (no create matched): 'failed(InternalError)'*",
    ])
