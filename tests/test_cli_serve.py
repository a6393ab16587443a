"""`dashscope-mock serve`, run as users run it (a subprocess): the banner after the bind, the request log (request id,
latency, keys redacted, `--quiet`), options from DASHSCOPE_MOCK_* (the flag wins), one-line usage errors, a busy
port, `--public-url` and the wildcard host, `--scenarios FILE`, clean SIGTERM."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mockserver.testing import free_port
from tests.health import served

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


@contextmanager
def serve(tmp_path: Path, *args: str, port: int | None = None, env: dict[str, str] | None = None
          ) -> Iterator[tuple[str, Path]]:
    """Run `dashscope-mock serve ARGS` until /__mock/health answers; yield (root URL, its stderr file)."""
    port = port or free_port()
    log = tmp_path / f"serve-{port}.log"
    base = f"http://127.0.0.1:{port}"
    with served([COMMAND, "serve", *args], base, log, env=env or _env(DASHSCOPE_MOCK_PORT=str(port))):
        yield base, log


def _create(base: str, key: str = "sk-anything", scenario: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"}
    if scenario:
        headers["X-Mock-Scenario"] = scenario
    r = httpx.post(base + CREATE, json=T2V, headers=headers)
    assert r.status_code == 200, r.text
    return str(r.json()["output"]["task_id"])


def test_banner_request_log_and_sigterm(tmp_path: Path) -> None:
    key = "sk-cli-secret-value"
    with serve(tmp_path, "--seed", "1") as (base, log):
        task_id = _create(base, key)
        httpx.get(f"{base}/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"})
        token_file = Path(re.search(r"the token in (\S+?),? ", log.read_text()).group(1))  # type: ignore[union-attr]
        token = token_file.read_text().strip()
        assert token_file.stat().st_mode & 0o777 == 0o600
        time.sleep(0.5)  # the log is written in batches, a moment behind the traffic
        assert "GET /api/v1/tasks/" in log.read_text()  # visible while the server runs, not only at exit
    text = log.read_text()
    assert f"DASHSCOPE_HTTP_BASE_URL={base}/api/v1" in text and "dev profile" in text and "/__mock/health" in text
    assert re.search(rf"POST {CREATE} model=wan2.6-t2v status=200 task={task_id} request_id=[0-9a-f-]{{36}} "
                     r"\d+us$", text, re.M), text
    assert re.search(rf"GET /api/v1/tasks/{task_id} model=- status=200 task={task_id} request_id=", text)
    assert key not in text and token not in text  # neither the key nor the admin token lands in a CI log
    assert not token_file.exists()


def test_quiet_turns_the_request_log_off(tmp_path: Path) -> None:
    with serve(tmp_path, "--quiet") as (base, log):
        task_id = _create(base)
    text = log.read_text()
    assert "DASHSCOPE_HTTP_BASE_URL" in text and task_id not in text and "status=" not in text


def test_options_come_from_the_environment_and_the_flag_wins(tmp_path: Path) -> None:
    port = free_port()
    env = _env(DASHSCOPE_MOCK_PORT=str(port), DASHSCOPE_MOCK_PROFILE="faithful", DASHSCOPE_MOCK_QUIET="1",
               DASHSCOPE_MOCK_VALIDATION="strict")
    with serve(tmp_path, port=port, env=env) as (base, log):
        health = httpx.get(f"{base}/__mock/health").json()
        _create(base)
    assert (health["profile"], health["validation"]) == ("faithful", "strict")
    assert "status=" not in log.read_text()
    with serve(tmp_path, "--profile", "dev", "--no-quiet", port=port, env=env) as (base, log):
        health = httpx.get(f"{base}/__mock/health").json()
        _create(base)
        time.sleep(0.5)
    assert health["profile"] == "dev"
    assert "status=200" in log.read_text()


BAD = [
    (["--profile", "bogus"], "--profile"),
    (["--store", "bogus"], "--store"),
    (["--keys", "/missing.yaml"], "--keys"),
    (["--port", "70000"], "--port"),
    (["--time-scale", "0"], "--time-scale"),
    (["--public-url", "ftp://x"], "--public-url"),
    (["--validation", "lenient"], "--validation"),
    (["--scenarios", "/missing.yaml"], "--scenarios"),
    (["--nope"], "--nope"),
]


@pytest.mark.parametrize(("args", "named"), BAD, ids=[a[0] for a, _ in BAD])
def test_a_bad_option_is_one_line_and_exit_2(args: list[str], named: str) -> None:
    done = subprocess.run([COMMAND, "serve", "--port", "0", *args], env=_env(), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("dashscope-mock serve: error: ") and named in line and "Traceback" not in line
    assert done.stdout == ""


def test_bad_files_are_usage_errors_too(tmp_path: Path) -> None:
    keys = tmp_path / "keys.yaml"
    keys.write_text("- just\n- a list\n")
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text("- {scenario: 'failed(DataInspectionFaild)', model: wan2.6-t2v}\n")
    models = tmp_path / "models.yaml"
    models.write_text("scenarios:\n  - {scenario: succeeded, model: wan9-t2v}\n")
    for args, words in ((["--keys", str(keys)], "mapping"), (["--scenarios", str(scenarios)], "DataInspectionFaild"),
                        (["--scenarios", str(models)], "wan9-t2v")):
        done = subprocess.run([COMMAND, "serve", "--port", "0", *args], env=_env(), capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2, done.stderr
        (line,) = done.stderr.splitlines()
        assert words in line and "Traceback" not in line


def test_a_redis_that_does_not_answer_is_one_line_and_exit_2() -> None:
    refused = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    done = subprocess.run([COMMAND, "serve", "--port", "0", "--store", refused], env=_env(), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert "cannot use Redis" in line and "Traceback" not in line


def test_a_busy_port_is_one_line_and_no_banner() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run([COMMAND, "serve", "--port", str(port)], env=_env(), capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert f"cannot listen on 127.0.0.1:{port}" in line and "export" not in done.stderr


def _finished_url(base: str) -> str:
    task_id = _create(base, scenario="pending:0s,running:0s,succeeded")
    body = httpx.get(f"{base}/api/v1/tasks/{task_id}", headers={"Authorization": "Bearer sk-anything"}).json()
    return str(body["output"]["video_url"])


def test_wildcard_host_gives_loopback_urls_and_public_url_overrides(tmp_path: Path) -> None:
    port = free_port()
    with serve(tmp_path, "--host", "0.0.0.0", "-q", port=port) as (base, log):
        url = _finished_url(base)
        fetched = httpx.get(url).status_code
        banner = log.read_text()
    assert url.startswith(f"http://127.0.0.1:{port}/") and fetched == 200
    assert "0.0.0.0" not in banner and f"DASHSCOPE_HTTP_BASE_URL=http://127.0.0.1:{port}/api/v1" in banner
    with serve(tmp_path, "--public-url", "http://mock.internal:9000/", "-q") as (base, log):
        url = _finished_url(base)
        policy = httpx.get(f"{base}/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.6-t2v"},
                           headers={"Authorization": "Bearer sk-anything"}).json()
        banner = log.read_text()
    assert url.startswith("http://mock.internal:9000/")
    assert policy["data"]["upload_host"].startswith("http://mock.internal:9000/")
    assert "DASHSCOPE_HTTP_BASE_URL=http://127.0.0.1:" in banner  # the banner names where it listens


def test_scenarios_file_is_queued_at_start(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text("- {scenario: 'pending*1,failed(DataInspectionFailed)', model: wan2.6-t2v, times: 2}\n"
                         "- succeeded\n")
    with serve(tmp_path, "--scenarios", str(scenarios), "-q") as (base, log):
        queued = httpx.get(f"{base}/__mock/scenarios").json()["scenarios"]
        task_id = _create(base)
        polls = [httpx.get(f"{base}/api/v1/tasks/{task_id}", headers={"Authorization": "Bearer sk-anything"})
                 .json()["output"] for _ in range(2)]
    assert [(q["scenario"], q["model"], q["times"]) for q in queued] == [
        ("pending*1,failed(DataInspectionFailed)", "wan2.6-t2v", 2), ("succeeded", None, 1)]
    assert [p["task_status"] for p in polls] == ["PENDING", "FAILED"] and polls[1]["code"] == "DataInspectionFailed"
    assert "2 queued scenario(s)" in log.read_text()
