"""Run every benchmark and print medians plus ratios to baselines measured in the same run.

    python -m bench            (or: make bench)

| what | baseline in the same run |
|---|---|
| req/s GET /api/v1/tasks/{id}, one uvicorn worker, wrk 32 connections | the bare ASGI app (bench/bare_app.py) |
| req/s POST create, same | the bare ASGI app |
| p99 latency at 32 connections | reported for both |
| start of `dashscope-mock serve` to the first 200 | `python -c pass` start-up |
| RSS with 1,000,000 tasks in the memory store | RSS of the empty mock |
| spec load + compile of every validator | reported |
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from mockserver.testing import free_port

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
TASKS = int(os.environ.get("BENCH_TASKS", "1000000"))


def wait_ok(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError(f"{url} never answered")


class Server:
    """One uvicorn worker in a subprocess (uvloop + httptools, no access log)."""

    def __init__(self, target: str, factory: bool = False) -> None:
        self.port = free_port()
        args = [str(BIN / "uvicorn"), target, "--port", str(self.port), "--workers", "1", "--no-access-log",
                "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"]
        if factory:
            args.append("--factory")
        self.proc = subprocess.Popen(args, cwd=HERE.parent)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_ok(self.url + "/")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def wrk(url: str, script: str) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{SECONDS}s", "--latency", "-s", str(HERE / script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
            "non_2xx": float(bad.group(1)) if bad else 0.0}


def http_bench() -> dict[str, Any]:
    bare = Server("bench.bare_app:app")
    mock = Server("bench.mock_app:app", factory=True)
    try:
        created = httpx.post(mock.url + "/api/v1/services/aigc/video-generation/video-synthesis",
                             json={"model": "wan2.6-t2v", "input": {"prompt": "x"}},
                             headers={"Authorization": "Bearer sk-bench", "X-DashScope-Async": "enable"}).json()
        task = created["output"]["task_id"]
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in ("bare_get", "mock_get", "bare_post", "mock_post")}
        for _ in range(ROUNDS):  # alternate so drift on a shared machine hits both sides alike
            runs["bare_get"].append(wrk(f"{bare.url}/api/v1/tasks/{task}", "get.lua"))
            runs["mock_get"].append(wrk(f"{mock.url}/api/v1/tasks/{task}", "get.lua"))
            runs["bare_post"].append(wrk(f"{bare.url}/api/v1/services/aigc/video-generation/video-synthesis",
                                         "post.lua"))
            runs["mock_post"].append(wrk(f"{mock.url}/api/v1/services/aigc/video-generation/video-synthesis",
                                         "post.lua"))
    finally:
        bare.stop()
        mock.stop()
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p99_ms", "non_2xx")} for k, v in runs.items()}
    return {
        "get": {"mock_rps": med["mock_get"]["rps"], "bare_rps": med["bare_get"]["rps"],
                "ratio": med["mock_get"]["rps"] / med["bare_get"]["rps"], "target": ">= 0.5",
                "mock_p99_ms": med["mock_get"]["p99_ms"], "bare_p99_ms": med["bare_get"]["p99_ms"],
                "mock_non_2xx": med["mock_get"]["non_2xx"]},
        "create": {"mock_rps": med["mock_post"]["rps"], "bare_rps": med["bare_post"]["rps"],
                   "ratio": med["mock_post"]["rps"] / med["bare_post"]["rps"], "target": ">= 0.3",
                   "mock_p99_ms": med["mock_post"]["p99_ms"], "bare_p99_ms": med["bare_post"]["p99_ms"],
                   "mock_non_2xx": med["mock_post"]["non_2xx"]},
    }


def startup_bench() -> dict[str, Any]:
    serve, baseline = [], []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - t)
        port = free_port()
        t = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "dashscope-mock"), "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/__mock/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.005)
            serve.append(time.perf_counter() - t)
        finally:
            proc.terminate()
            proc.wait(10)
    return {"serve_to_first_200_s": statistics.median(serve), "python_startup_s": statistics.median(baseline),
            "target": "< 1 s"}


def memory_bench() -> dict[str, Any]:
    code = f"""
import json, time
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) * 1024
from mockserver import Settings
from mockserver.domain.state import build_state
twin = build_state(Settings.for_profile('dev', frozen=True, log_requests=False))
profile = twin.registry.model('wan2.6-t2v')
body = {{'model': 'wan2.6-t2v', 'input': {{'prompt': 'a cat playing piano in a sunlit room'}},
        'parameters': {{'size': '1280*720', 'duration': 5}}}}
base = rss(); t = time.perf_counter()
for i in range({TASKS}):
    twin.tasks.create(account='acct-%d' % (i % 100), key_id='1', profile=profile, body=body,
                       request_id=twin.ids.uuid())
print(json.dumps({{'tasks': len(twin.tasks.store), 'rss_empty_mb': base / 2**20, 'rss_mb': rss() / 2**20,
                  'create_per_s': {TASKS} / (time.perf_counter() - t)}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE.parent)
    result: dict[str, Any] = json.loads(out.stdout)
    result["bytes_per_task"] = (result["rss_mb"] - result["rss_empty_mb"]) * 2**20 / result["tasks"]
    result["target"] = "< 1024 MB"
    return result


def spec_bench() -> dict[str, Any]:
    code = """
import json, time
from mockserver.spec.document import Spec, load_document
from mockserver.spec.profiles import Registry
t = time.perf_counter(); doc = load_document(); t_load = time.perf_counter() - t
t = time.perf_counter(); spec = Spec(doc); reg = Registry(spec); t_index = time.perf_counter() - t
names = sorted({p.schema_name for p in reg.models.values()})
t = time.perf_counter()
for name in names:
    spec.fast_validator(name)
t_fast = time.perf_counter() - t
t = time.perf_counter()
for model in reg.models:  # a full validation resolves every $ref the schema uses
    spec.validator(reg.models[model].schema_name).is_valid(spec.example_body(model))
t_python = time.perf_counter() - t
print(json.dumps({'load_s': t_load, 'index_s': t_index, 'compile_fast_s': t_fast, 'compile_python_s': t_python,
                  'schemas': len(names)}))
"""
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                      cwd=HERE.parent).stdout) for _ in range(5)]
    out = {k: statistics.median(r[k] for r in runs) for k in ("load_s", "index_s", "compile_fast_s",
                                                               "compile_python_s")}
    out["total_s"] = sum(out.values())
    out["schemas"] = runs[0]["schemas"]
    return out


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for the HTTP benchmarks: apt-get install wrk")
    from .replicas import replicas_bench

    results = {"spec": spec_bench(), "startup": startup_bench(), "http": http_bench(), "memory": memory_bench(),
               "replicas": replicas_bench(), "rounds": ROUNDS, "seconds_per_run": SECONDS}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
