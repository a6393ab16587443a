"""`dashscope-mock task ...` drives the client against the in-process mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clients.cli import task_app
from clients.testing import bind
from mockserver.testing import DashScopeMock

RUN = CliRunner()


def invoke(mock: DashScopeMock, *args: str) -> tuple[int, str]:
    result = RUN.invoke(task_app, list(args), obj=lambda: bind(mock.app))
    return result.exit_code, result.output


def first_json(text: str) -> dict[str, object]:
    value, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
    assert isinstance(value, dict)
    return value


def test_create_wait_get_list_download(mock: DashScopeMock, tmp_path: Path) -> None:
    code, out = invoke(mock, "create", "wanx2.1-t2i-turbo", "--prompt", "a cat", "-p", "n=2", "--wait")
    assert code == 0, out
    created = first_json(out)
    assert created["status"] == "PENDING" and "SUCCEEDED" in out
    task_id = str(created["task_id"])
    code, out = invoke(mock, "get", task_id)
    assert code == 0 and first_json(out)["output"]["task_status"] == "SUCCEEDED"  # type: ignore[index]
    code, out = invoke(mock, "list", "--status", "SUCCEEDED")
    assert code == 0 and task_id[:8] in out
    code, out = invoke(mock, "download", task_id, "--dest", str(tmp_path))
    assert code == 0, out
    assert len(list(tmp_path.glob("*.png"))) == 2


def test_wait_exit_codes_and_cancel(mock: DashScopeMock) -> None:
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x",
                       "--scenario", "pending*1,failed(DataInspectionFailed)")
    task_id = str(first_json(out)["task_id"])
    code, out = invoke(mock, "wait", task_id)
    assert code == 1 and "DataInspectionFailed" in out
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x", "--scenario", "pending:60s,succeeded")
    pending = str(first_json(out)["task_id"])
    assert invoke(mock, "cancel", pending)[0] == 0
    code, out = invoke(mock, "cancel", pending)
    assert code == 1 and "UnsupportedOperation" in out


def test_bad_input_is_a_usage_error_not_a_traceback(mock: DashScopeMock) -> None:
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--input", "{not json")
    assert code == 2 and "not JSON" in out
    code, out = invoke(mock, "list", "--status", "DONE")
    assert code == 2
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x", "-p", "duration=nine", "--validate")
    assert code == 2 and "duration" in out


def test_the_cli_reads_the_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class Probe:
        def __init__(self, api_key: str | None, base_url: str | None, workspace: str | None, **kw: object) -> None:
            seen.update(api_key=api_key, base_url=base_url, workspace=workspace)
            raise SystemExit(0)

    monkeypatch.setattr("clients.cli.Client", Probe)
    env = {"DASHSCOPE_HTTP_BASE_URL": "http://127.0.0.1:9/api/v1", "DASHSCOPE_API_KEY": "sk-test-env",
           "DASHSCOPE_WORKSPACE": "ws-9"}
    RUN.invoke(task_app, ["get", "t-1"], env=env)
    assert seen == {"api_key": "sk-test-env", "base_url": "http://127.0.0.1:9/api/v1", "workspace": "ws-9"}


def test_mounted_under_the_mock_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import mockserver.cli

    monkeypatch.setattr("sys.argv", ["dashscope-mock", "task", "--help"])
    with pytest.raises(SystemExit) as done:
        mockserver.cli.main()
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert all(cmd in out for cmd in ("create", "wait", "cancel", "list", "download"))
