"""The official SDK and the reference client through capture, diff and replay, on a real loopback socket; and
every official-SDK example of the vendor docs through diff mode (no difference: the twin agrees with itself).

The capturing twin and the replaying one sit behind the plugin's per-process socket; the upstream is a second
twin in process (tests/capture_kit.py), which hands out result URLs on that socket, so the SDK's and the
client's downloads go through the capture too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from dashscope import VideoSynthesis

from clients import Client
from mockserver.capture.cli import fetch_diff, render_diff
from mockserver.testing import DashScopeMock, LazySocketServer
from tests.capture_kit import KEY, T2V, replayer, rig
from tests.spec.sdk_examples import sdk_examples
from tests.spec.seeds import require_docs

pytest_plugins = ["pytester"]
PLAN = "pending*1,running*2,succeeded"
REGION_URL = re.compile(r"'https://dashscope(?:-intl)?\.aliyuncs\.com/api/v1'")


def _use(mock: DashScopeMock, tmp_path: Path) -> tuple[Any, ...]:
    """What the SDK and the reference client get from one task each, and the files they download."""
    rsp = VideoSynthesis.call(model=T2V, prompt="a cat running on grass", size="832*480")
    sdk = (rsp.status_code, rsp.output.task_status, sorted(k for k in rsp.output if rsp.output[k] is not None))
    with Client(api_key=mock.api_key, base_url=mock.base_url, sleep=mock.sleep) as client:
        task = client.run(T2V, {"prompt": "a dog"}, {"size": "832*480"})
        files = client.download(task, tmp_path / "out")
        ours = (task.status, len(task.urls), [f.read_bytes()[4:8] for f in files])
    return sdk, ours


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from mockserver import cli

    monkeypatch.setattr("sys.argv", ["dashscope-mock", *argv])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


def test_the_sdk_and_the_reference_client_work_in_capture_diff_and_replay(
        tmp_path: Path, dashscope_mock_socket: LazySocketServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    socket, cassette, seen = dashscope_mock_socket, tmp_path / "cassette", {}
    for mode in ("capture", "diff"):
        r = rig(record=cassette if mode == "capture" else None, diff=mode == "diff", socket=socket, url=socket.url)
        r.upstream.queue_scenario(PLAN, times=2)
        r.twin.activate()
        try:
            seen[mode] = _use(r.twin, tmp_path / mode)
            if mode == "diff":
                view = fetch_diff(socket.url, None)
                assert view["items"] == [] and view["exchanges"] >= 10
                code, out, _ = _cli(["diff", "--url", socket.url, "--format", "md"], monkeypatch, capsys)
                assert code == 0 and out.startswith("# Diff report: upstream vs twin")
                assert "None: every response matched the spec and the mock." in out
                assert out.split("## Checks")[1].strip() == \
                    render_diff(view, "md", socket.url).split("## Checks")[1].strip()
        finally:
            r.close()
    mock = replayer(cassette, socket=socket, url=socket.url)
    mock.activate()
    try:
        seen["replay"] = _use(mock, tmp_path / "replay")
        assert mock.unmatched_requests() == []
        assert [len(mock.polls(t)) for t in mock.task_ids()] == [4, 4]  # as the plan had it: the same polls
    finally:
        mock.close()
    assert seen["capture"] == seen["diff"] == seen["replay"]
    assert seen["capture"][0][:2] == (200, "SUCCEEDED") and seen["capture"][1] == ("SUCCEEDED", 1, [b"ftyp"])


def test_diff_of_a_twin_that_does_not_answer_is_one_line_and_exit_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from mockserver.testing.runner import free_port

    code, out, err = _cli(["diff", "--url", f"http://127.0.0.1:{free_port()}"], monkeypatch, capsys)
    assert code == 1 and out == "" and err.startswith("dashscope-mock diff: error: cannot reach")
    assert err.count("\n") == 1


def test_every_sdk_example_in_the_docs_shows_no_difference_in_diff_mode(
        tmp_path: Path, dashscope_mock_socket: LazySocketServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    require_docs()
    examples = sdk_examples()
    socket = dashscope_mock_socket
    r = rig(diff=True, socket=socket, url=socket.url)
    r.upstream.queue_scenario(PLAN, times=1000)
    r.twin.activate()
    monkeypatch.chdir(tmp_path)  # one example saves its results to the working directory
    try:
        for example in examples:
            code = REGION_URL.sub(repr(r.twin.base_url), example.code)
            exec(compile(code, f"<{example.seed} L{example.first}>", "exec"), {"__name__": "__main__"})
        out = capsys.readouterr().out
        view = r.twin.twin.diffs.view()
    finally:
        r.close()
    assert "Failed" not in out
    assert len(r.upstream.task_ids()) >= len(examples) >= 20
    assert view["items"] == [] and view["exchanges"] > 3 * len(examples)


def test_the_marker_replays_a_cassette(pytester: pytest.Pytester, dashscope_mock_socket: LazySocketServer) -> None:
    cassette = pytester.path / "cassettes" / "t2v"
    r = rig(record=cassette, socket=dashscope_mock_socket, url=dashscope_mock_socket.url)
    r.upstream.queue_scenario("pending*2,failed(DataInspectionFailed)")
    r.twin.activate()
    try:  # recorded with the SDK, as a user would with their key
        rsp = VideoSynthesis.call(model=T2V, prompt="a cat", size="832*480")
        assert rsp.output.task_status == "FAILED"
    finally:
        r.close()
    pytester.makepyfile(test_user=f'''
        import pytest
        from dashscope import VideoSynthesis

        @pytest.mark.dashscope_mock(replay="cassettes/t2v")
        def test_recorded_failure(dashscope_mock):
            rsp = VideoSynthesis.call(model="{T2V}", prompt="a cat", size="832*480")
            assert (rsp.output.task_status, rsp.output.code) == ("FAILED", "DataInspectionFailed")
            assert len(dashscope_mock.polls(rsp.output.task_id)) == 3
            assert dashscope_mock.unmatched_requests() == []

        @pytest.mark.dashscope_mock(replay="cassettes/none")
        def test_no_cassette(dashscope_mock):
            pass
    ''')
    assert KEY not in "".join(p.read_text() for p in cassette.glob("*.jsonl"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*dashscope_mock(replay='cassettes/none'): *none is not a directory*"])
