"""The CLI as a user meets it (issue 23, item 5): `task create` prints only the id, an unknown model says what to
do with the CLI, boolean flags are `--x/--no-x` with no `<bool>` in help, `download` needs no `--dest`, errors
are never cut at 80 columns, and times shown to people are in UTC+8 and say so."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clients.cli import task_app
from clients.testing import bind
from mockserver.cli import app
from mockserver.settings import Settings
from mockserver.testing import DashScopeMock

RUN = CliRunner()
KEY = "sk-test-client"  # the key clients.testing.bind uses
CST = timezone(timedelta(hours=8))


def invoke(mock: DashScopeMock, *args: str, **kw: object) -> tuple[int, str, str]:
    result = RUN.invoke(task_app, list(args), obj=lambda: bind(mock.app), **kw)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def test_create_prints_only_the_task_id(mock: DashScopeMock) -> None:
    code, out, _ = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "a cat")
    assert code == 0
    assert out.splitlines() == mock.task_ids(KEY)  # one line, the id: TID=$(dashscope-mock task create ...) works
    code, out, _ = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "a cat", "--json")
    created = json.loads(out)
    assert code == 0 and set(created) >= {"task_id", "request_id"} and created["task_id"] == mock.task_ids(KEY)[0]


def test_an_unknown_model_says_how_to_reach_it_from_the_cli(tmp_path: Path) -> None:
    settings = Settings.for_profile("dev", frozen=True, log_requests=False,
                                    models={"wan2.8-t2v": {"like": "wan2.6-t2v"}})
    with DashScopeMock(settings) as mock:
        code, out, err = invoke(mock, "create", "wan2.8-t2v", "--prompt", "a cat")
        assert code == 2 and out == ""
        assert "--route" in err and "route=" not in err and "dashscope-mock models" in err
        code, out, err = invoke(mock, "create", "wan2.8-t2v", "--prompt", "a cat",
                                "--route", "video-generation/video-synthesis")
        assert code == 0, err
        assert out.splitlines() == mock.task_ids(KEY)
        code, out, err = invoke(mock, "create", "wan2.9-t2v", "--prompt", "a cat",
                                "--route", "video-generation/video-synthesis")
        assert code == 1 and "Model not exist." in err  # the twin's own answer, not a client-side guess


def _help_texts() -> dict[str, str]:
    texts = {name: RUN.invoke(app, [name, "--help"]).stdout for name in ("serve", "models")}
    for name in ("create", "get", "wait", "cancel", "list", "download"):
        texts[f"task {name}"] = RUN.invoke(task_app, [name, "--help"]).stdout
    return texts


def test_help_shows_flags_as_flags() -> None:
    texts = _help_texts()
    assert all(text.startswith("Usage:") for text in texts.values()), texts
    assert not [name for name, text in texts.items() if "<bool>" in text]
    assert "--wait / --no-wait" in texts["task create"] and "--validate / --no-validate" in texts["task create"]
    assert "--limits / --no-limits" in texts["serve"] and "--quiet / --no-quiet" in texts["serve"]
    result = RUN.invoke(task_app, ["create", "wan2.2-t2v-plus", "--wait=true"])
    assert result.exit_code == 2 and "does not take a value" in result.output


def test_download_without_dest_saves_in_the_current_folder(mock: DashScopeMock, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert "[default: (the current folder)]" in " ".join(RUN.invoke(task_app, ["download", "--help"]).stdout.split())
    code, out, err = invoke(mock, "create", "wanx2.1-t2i-turbo", "--prompt", "a cat", "-p", "n=2")
    task_id = out.strip()
    mock.advance(3600)
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(mock, "download", task_id)
    assert code == 0, err
    saved = [Path(p) for p in out.split()]
    urls = [r["url"] for r in mock.get(task_id, KEY)["output"]["results"]]
    assert sorted(p.name for p in saved) == sorted(u.split("?")[0].rsplit("/", 1)[1] for u in urls)
    assert all((tmp_path / p).is_file() for p in saved)


def test_errors_are_one_line_whatever_the_width(mock: DashScopeMock) -> None:
    long = "x" * 150
    code, _, err = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "a cat",
                          "--scenario", f'reject(InvalidParameter,"{long}")', env={"COLUMNS": "80"})
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and long in lines[0] and lines[0].startswith("error:"), err


def test_times_shown_to_people_are_utc8_and_say_so(mock: DashScopeMock) -> None:
    _, out, _ = invoke(mock, "create", "wan2.2-t2v-plus", "--prompt", "a cat")
    task_id = out.strip()
    body = mock.get(task_id, KEY)["output"]
    _, out, _ = invoke(mock, "get", task_id)
    assert f"submit_time: {body['submit_time']} (UTC+8)" in out.splitlines()
    _, out, _ = invoke(mock, "list")
    header, row = out.splitlines()[:2]
    assert header.split()[-2:] == ["created", "(UTC+8)"]
    shown = datetime.strptime(" ".join(row.split()[-2:]), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CST)
    submitted = datetime.strptime(body["submit_time"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=CST)
    assert abs((shown - submitted).total_seconds()) < 1  # the same instant, in the same zone
    _, out, _ = invoke(mock, "get", task_id, "--json")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", json.loads(out)["output"]["submit_time"])
