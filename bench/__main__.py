"""Run every benchmark and print medians plus ratios to baselines measured in the same run.

    python -m bench            (or: make bench, which installs wrk with apt-get when it is missing)

| what | baseline in the same run |
|---|---|
| req/s GET /api/v1/tasks/{id}, wrk 32 connections: `dashscope-mock serve` | the bare ASGI app (bench/bare_app.py) |
| req/s POST create, same | the bare ASGI app |
| the request log's cost in req/s (below the noise) | `serve` against `serve --quiet` |
| the request log's cost in instructions per request (bench/log_cost.py, valgrind) | `serve --quiet` under callgrind |
| p99 latency at 32 connections | reported for all three |
| start of `dashscope-mock serve` to the first 200 | `python -c pass` start-up |
| RSS with 1,000,000 tasks in the memory store | RSS of the empty mock |
| spec load + compile of every validator | reported |

`serve` runs as the docs start it (default flags, request log on, stderr to a file as CI would keep it); the
bare app runs under one uvicorn worker (uvloop, httptools). BENCH_ONLY=http,startup,... runs a subset.
"""

from __future__ import annotations

import json
import os
import re
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

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# five short rounds rather than three long ones: on a shared machine single runs swing by 20 % or more, and a
# median of five alternating rounds moves less than one of three
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
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


def cpu_ticks(pid: int) -> tuple[int, int]:
    """User and system clock ticks process `pid` has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


class Server:
    """A server in a subprocess: the bare app under uvicorn, or `dashscope-mock serve` exactly as users start it."""

    def __init__(self, args: list[str], port: int, log: Path | None = None) -> None:
        self.port = port
        self.log = log
        err = log.open("w") if log is not None else subprocess.DEVNULL
        self.proc = subprocess.Popen(args, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=err)
        if log is not None:
            err.close()  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{self.port}"
        wait_ok(self.url + "/")

    @classmethod
    def bare(cls) -> Server:
        port = free_port()
        return cls([str(BIN / "uvicorn"), "bench.bare_app:app", "--port", str(port), "--workers", "1",
                    "--no-access-log", "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"], port)

    @classmethod
    def serve(cls, log: Path, *flags: str) -> Server:
        port = free_port()
        return cls([str(BIN / "dashscope-mock"), "serve", "--port", str(port), *flags], port, log)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far (Linux /proc)."""
        return sum(cpu_ticks(self.proc.pid)) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def wrk(server: Server, path: str, script: str) -> dict[str, float]:
    """One wrk run; besides req/s, the server's CPU time per request, which a busy shared machine disturbs less."""
    cpu = server.cpu_s()
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{SECONDS}s", "--latency", "-s", str(HERE / script),
                          server.url + path], capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_s() - cpu
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
            "non_2xx": float(bad.group(1)) if bad else 0.0, "cpu_us": cpu / max(done, 1) * 1e6}


def _task(url: str) -> str:
    created = httpx.post(url + CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "x"}},
                         headers={"Authorization": "Bearer sk-bench", "X-DashScope-Async": "enable"}).json()
    return str(created["output"]["task_id"])


CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


def http_bench() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dashscope-bench-") as tmp:
        log = Path(tmp) / "serve.log"
        servers = {"bare": Server.bare(), "serve": Server.serve(log), "quiet": Server.serve(Path(tmp) / "quiet.log",
                                                                                           "--quiet")}
        try:
            tasks = {name: _task(s.url) if name != "bare" else "00000000-0000-4000-8000-000000000001"
                     for name, s in servers.items()}
            runs: dict[str, list[dict[str, float]]] = {f"{n}_{k}": [] for n in servers for k in ("get", "post")}
            for r in range(ROUNDS):  # alternate, and rotate who goes first, so drift hits every side alike
                order = list(servers.items())
                order = order[r % len(order):] + order[:r % len(order)]
                for name, server in order:
                    runs[f"{name}_get"].append(wrk(server, f"/api/v1/tasks/{tasks[name]}", "get.lua"))
                for name, server in order:
                    runs[f"{name}_post"].append(wrk(server, CREATE, "post.lua"))
        finally:
            for server in servers.values():
                server.stop()
        logged = sum(1 for line in log.open() if " status=" in line)
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p99_ms", "non_2xx", "cpu_us")}
           for k, v in runs.items()}

    def figures(kind: str, target: str) -> dict[str, Any]:
        serve, quiet, bare = med[f"serve_{kind}"], med[f"quiet_{kind}"], med[f"bare_{kind}"]
        return {"serve_rps": serve["rps"], "quiet_rps": quiet["rps"], "bare_rps": bare["rps"],
                "ratio": serve["rps"] / bare["rps"], "target": target,
                "cpu_ratio": bare["cpu_us"] / serve["cpu_us"],  # the same ratio in server CPU per request
                "quiet_ratio": quiet["rps"] / bare["rps"], "log_cost": 1 - serve["rps"] / quiet["rps"],
                "cpu_us_per_request": {"serve": serve["cpu_us"], "quiet": quiet["cpu_us"], "bare": bare["cpu_us"]},
                "log_cost_cpu": serve["cpu_us"] / quiet["cpu_us"] - 1,
                "serve_p99_ms": serve["p99_ms"], "quiet_p99_ms": quiet["p99_ms"], "bare_p99_ms": bare["p99_ms"],
                "serve_non_2xx": serve["non_2xx"]}

    return {"get": figures("get", ">= 0.6"), "create": figures("post", ">= 0.35"),
            "log_lines_written": logged, "log_cost_target": "< 0.05 of GET"}


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
        sys.exit("wrk is needed for the HTTP benchmarks: apt-get install wrk (make bench does it)")
    from .log_cost import log_cost_bench
    from .replicas import replicas_bench

    benches = {"spec": spec_bench, "startup": startup_bench, "http": http_bench, "log_cost": log_cost_bench,
               "memory": memory_bench, "replicas": replicas_bench}
    only = os.environ.get("BENCH_ONLY", ",".join(benches)).split(",")
    results: dict[str, Any] = {name: bench() for name, bench in benches.items() if name in only}
    results.update(rounds=ROUNDS, seconds_per_run=SECONDS)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
