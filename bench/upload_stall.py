"""How long other requests wait while one large file is uploaded (issue 19, finding 3).

Starts `dashscope-mock serve` (memory store unless given, --quiet), uploads one file of SIZE_MB through the OSS
PostObject endpoint as the official SDK does, and polls a task every 10 ms meanwhile. Prints the median and the slowest
poll during the upload and a baseline median without it, plus the server's peak RSS. Run:
`python -m bench.upload_stall [SIZE_MB [STORE]]` (default 300, memory). Not part of `make test`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from mockserver.testing import free_port

KEY = {"Authorization": "Bearer sk-bench-upload"}
COMMAND = [str(Path(sys.executable).parent / "dashscope-mock")]
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _polls(client: httpx.Client, task: str, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        client.get(f"/api/v1/tasks/{task}", headers=KEY)
        out.append(time.perf_counter() - started)
        time.sleep(0.01)


def main(size_mb: int = 300, store: str = "memory") -> None:
    """Measure and print."""
    port = free_port()
    command = [*COMMAND, "serve", "--port", str(port), "--quiet",
               "--store", store]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/__mock/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            task = client.post(CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "x"}},
                               headers={**KEY, "X-DashScope-Async": "enable"}).json()["output"]["task_id"]
            baseline: list[float] = []
            stop = threading.Event()
            threading.Timer(2.0, stop.set).start()
            _polls(client, task, stop, baseline)
            with tempfile.TemporaryFile() as blob:
                chunk = bytes(range(256)) * 4096
                for _ in range(size_mb):
                    blob.write(chunk)
                blob.seek(0)
                # the policy right before the upload: writing the file first may outlast the keep-alive timeout
                data = client.get("/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.2-i2v-plus"},
                                  headers=KEY).json()["data"]
                fields = {"OSSAccessKeyId": data["oss_access_key_id"], "Signature": data["signature"],
                          "policy": data["policy"], "key": data["upload_dir"] + "/big.bin",
                          "x-oss-object-acl": "private", "x-oss-forbid-overwrite": "true",
                          "success_action_status": "200"}
                during: list[float] = []
                stop = threading.Event()
                poller = threading.Thread(target=_polls, args=(httpx.Client(base_url=base, timeout=120), task, stop,
                                                               during))
                poller.start()
                started = time.perf_counter()
                answer = client.post(data["upload_host"], data=fields, files={"file": ("big.bin", blob)})
                took = time.perf_counter() - started
                stop.set()
                poller.join()
        print(f"upload of {size_mb} MB: {answer.status_code} in {took:.1f} s; server peak RSS "
              f"{_peak_rss_mb(server.pid):.0f} MB")
        print(f"poll latency: baseline median {statistics.median(baseline) * 1e3:.1f} ms; during the upload "
              f"median {statistics.median(during) * 1e3:.1f} ms, slowest {max(during) * 1e3:.0f} ms "
              f"({len(during)} polls)")
    finally:
        server.terminate()
        server.wait(15)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300, sys.argv[2] if len(sys.argv) > 2 else "memory")
