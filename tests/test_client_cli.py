"""`dashscope-mock task ...` drives the client against the in-process mock; what matters for scripts (one JSON
document on stdout, one-line usage errors) is also checked on the real command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clients.cli import task_app
from clients.testing import bind
from mockserver.testing import DashScopeMock, MockServer

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")

RUN = CliRunner()


def invoke(mock: DashScopeMock, *args: str) -> tuple[int, str]:
    result = RUN.invoke(task_app, list(args), obj=lambda: bind(mock.app))
    return result.exit_code, result.output


def test_create_wait_get_list_download(mock: DashScopeMock, tmp_path: Path) -> None:
    result = RUN.invoke(task_app, ["create", "wanx2.1-t2i-turbo", "--prompt", "a cat", "-p", "n=2", "--wait",
                                   "--json"], obj=lambda: bind(mock.app))
    assert result.exit_code == 0, result.output
    finished = json.loads(result.stdout)  # exactly one document: the finished task
    assert finished["status"] == "SUCCEEDED" and len(finished["urls"]) == 2
    task_id = str(finished["task_id"])
    assert f"created {task_id}" in result.stderr and "SUCCEEDED" in result.stderr  # progress on stderr
    code, out = invoke(mock, "get", task_id, "--json")
    assert code == 0 and json.loads(out)["output"]["task_status"] == "SUCCEEDED"
    code, out = invoke(mock, "get", task_id)
    assert code == 0 and "task_status: SUCCEEDED" in out.splitlines()
    code, out = invoke(mock, "list", "--status", "SUCCEEDED")
    assert code == 0 and task_id in out
    code, out = invoke(mock, "download", task_id, "--dest", str(tmp_path))
    assert code == 0, out
    assert len(list(tmp_path.glob("*.png"))) == 2


def test_wait_exit_codes_and_cancel(mock: DashScopeMock) -> None:
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x",
                       "--scenario", "pending*1,failed(DataInspectionFailed)", "--json")
    task_id = str(json.loads(out)["task_id"])
    result = RUN.invoke(task_app, ["wait", task_id, "--json"], obj=lambda: bind(mock.app))
    assert result.exit_code == 1
    failed = json.loads(result.stdout)  # the FAILED task is still the one document on stdout
    assert (failed["status"], failed["code"]) == ("FAILED", "DataInspectionFailed")
    code, out = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x", "--scenario", "pending:60s,succeeded")
    pending = out.strip()  # create prints only the id
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


def test_list_never_truncates_ids(mock: DashScopeMock) -> None:
    ids = [json.loads(invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "x", "--json")[1])["task_id"]
           for _ in range(3)]
    result = RUN.invoke(task_app, ["list"], obj=lambda: bind(mock.app), env={"COLUMNS": "30"})
    assert result.exit_code == 0, result.output
    assert all(task_id in result.stdout for task_id in ids)
    code, out = invoke(mock, "list", "--json", "--limit", "2")
    assert code == 0
    assert [row["task_id"] for row in json.loads(out)] == ids[::-1][:2]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")}
    return {**env, "NO_PROXY": "127.0.0.1,localhost", **extra}


def test_the_real_command_prints_one_json_document_and_progress_on_stderr() -> None:
    with MockServer() as server:
        env = _clean_env(DASHSCOPE_HTTP_BASE_URL=server.base_url, DASHSCOPE_API_KEY="sk-cli-json")
        done = subprocess.run([COMMAND, "task", "create", "wanx2.1-t2i-turbo", "--prompt", "a cat", "--wait",
                               "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    task = json.loads(done.stdout)  # fails on a second document or on any progress text
    assert task["status"] == "SUCCEEDED" and task["urls"][0].startswith(server.url)
    assert "created " in done.stderr and "SUCCEEDED" in done.stderr


def test_a_missing_api_key_is_a_one_line_usage_error() -> None:
    done = subprocess.run([COMMAND, "task", "list"], env=_clean_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "no API key" in line and "DASHSCOPE_API_KEY" in line and "Traceback" not in line
