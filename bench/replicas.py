"""Shared state on Redis, measured beside the memory store in the same run (`make bench`, or
`python -m bench.replicas` for this part alone).

| what | baseline in the same run | target |
|---|---|---|
| req/s GET a task, `serve --store redis://...`, one worker | `serve` on the memory store, one worker | >= 0.4x |
| req/s POST create, same | same | reported |
| req/s GET and create, `serve --store redis://... --workers 2` | the same store with one worker | >= 1.3x |

Every server is `dashscope-mock serve` as shipped (request log to /dev/null), driven by wrk with 32 connections;
runs alternate so drift on a shared machine hits every configuration alike. The cores are named in the output,
and beside req/s each run reports the server's CPU time per request (`cpu_us`), which a busy machine disturbs less.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from mockserver.testing import free_port

from .__main__ import BIN, ROUNDS, cpu_ticks, wrk

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


def cores() -> str:
    """The CPU model and how many cores this process may use."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{len(os.sched_getaffinity(0))} x {model}"


class Redis:
    """A redis-server on a free port with a throwaway data dir (AOF on, as docs/replicas.md recommends)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("redis-server is needed for the replica benchmarks: apt-get install redis-server")
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        self.port = free_port()
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                                      "--save", "", "--appendonly", "yes"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Serve:
    """`dashscope-mock serve` with a store and a number of workers."""

    def __init__(self, store: str, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([str(BIN / "dashscope-mock"), "serve", "--port", str(self.port), "--store", store,
                                      "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url + "/__mock/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve --store {store} --workers {workers} never answered")
            time.sleep(0.05)
        created = httpx.post(self.url + CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "x"}},
                             headers={"Authorization": "Bearer sk-bench", "X-DashScope-Async": "enable"}).json()
        self.task = created["output"]["task_id"]

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server and its worker processes."""
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0.0
        for pid in pids:
            try:
                total += sum(cpu_ticks(pid)) / os.sysconf("SC_CLK_TCK")
            except OSError:  # a worker that exited meanwhile
                continue
        return total

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)


def replicas_bench() -> dict[str, Any]:
    """GET and create req/s: memory x1, redis x1, redis x2 workers, alternating rounds."""
    redis = Redis()
    servers = {"memory_1": Serve("memory"), "redis_1": Serve(redis.url), "redis_2": Serve(redis.url, workers=2)}
    runs: dict[str, list[dict[str, float]]] = {f"{n}_{op}": [] for n in servers for op in ("get", "create")}
    try:
        for _ in range(ROUNDS):
            for name, server in servers.items():
                runs[f"{name}_get"].append(wrk(server, f"/api/v1/tasks/{server.task}", "get.lua"))
                runs[f"{name}_create"].append(wrk(server, CREATE, "post.lua"))
    finally:
        for server in servers.values():
            server.stop()
        redis.stop()
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p99_ms", "non_2xx", "cpu_us")}
           for k, v in runs.items()}
    out: dict[str, Any] = {"cores": cores(), "runs": med}
    for op in ("get", "create"):
        out[op] = {
            "redis_vs_memory": med[f"redis_1_{op}"]["rps"] / med[f"memory_1_{op}"]["rps"],
            "two_workers_vs_one": med[f"redis_2_{op}"]["rps"] / med[f"redis_1_{op}"]["rps"],
        }
    out["targets"] = {"get.redis_vs_memory": ">= 0.4", "two_workers_vs_one": ">= 1.3"}
    return out


if __name__ == "__main__":
    print(json.dumps(replicas_bench(), indent=2))
