"""`dashscope-mock serve`: the banner (no admin token in it), requests served with keys redacted in the log,
clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mockserver.testing import free_port

VENV_BIN = Path(sys.executable).parent


def test_serve_banner_logs_and_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "dashscope-mock"), "serve", "--port", str(port), "--seed", "1"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/__mock/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        key = "sk-cli-secret-value"
        r = httpx.post(f"{base}/api/v1/services/aigc/video-generation/video-synthesis",
                       json={"model": "wan2.6-t2v", "input": {"prompt": "a cat"}},
                       headers={"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"})
        task_id = r.json()["output"]["task_id"]
        httpx.get(f"{base}/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"})
        token = httpx.get(f"{base}/__mock/token").json()["admin_token"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert f"DASHSCOPE_HTTP_BASE_URL={base}/api/v1" in text
    assert "dev profile" in text and "/__mock/health" in text
    assert f"POST /api/v1/services/aigc/video-generation/video-synthesis model=wan2.6-t2v status=200 task={task_id}" \
        in text
    assert f"GET /api/v1/tasks/{task_id} model=- status=200 task={task_id}" in text
    assert key not in text
    assert token not in text and f"{base}/__mock/token" in text  # the banner says where, never what
