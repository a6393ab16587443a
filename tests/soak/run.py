"""`make soak`: kill -9 under concurrent load, restart, and count what was lost; a hostile-input fuzz; slow clients.

The load is what users send: small creates and polls, the official SDK uploading real-size files (an 8 MiB photo,
a 24 MiB clip, a 15 MiB recording) and ~11 MB creates with an inline photo (traffic.py). Every request counts as
answered or dropped; a dropped connection is a failure unless the server was being killed on purpose. With a
local redis-server, Redis itself is killed and restarted under load, with and without persistence
(redis_restart.py). A memory-store twin takes three rounds of that load, each followed by `POST /__mock/reset`,
and its RSS after each reset must stay flat (memory.py).

Not part of `make test` (a few minutes). Prints a table of figures (docs/reliability.md).

    python -m tests.soak.run [--rounds 3] [--seconds 4] [--threads 8]

Stores: SQLite always; Redis as well when SOAK_REDIS_URL is set and `open_store` knows `redis://` (issue 14).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .memory import memory_after_reset
from .redis_restart import redis_restarts
from .traffic import Tally, large_create_body, large_creates, real_files, sdk_uploads, upload_burst

ORDER = {"PENDING": 0, "RUNNING": 1, "SUCCEEDED": 2, "FAILED": 2, "CANCELED": 2}
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
BODY = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}, "parameters": {"size": "1280*720", "duration": 5}}
ACCOUNTS = [f"sk-soak-account-{i:03d}" for i in range(20)]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(store: str, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """`dashscope-mock serve` in a child process; returns once it answers."""
    cmd = [sys.executable, "-c", "from mockserver.cli import main; main()", "serve", "--port", str(port),
           "--store", store, *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/__mock/health", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the twin did not start")


@dataclass
class Seen:
    """What the load saw before a kill: acknowledged tasks, their last states and URLs, the clock."""

    acked: dict[str, str] = field(default_factory=dict)  # task id -> key
    states: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    clock: float = 0.0
    server_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def load(base: str, seen: Seen, stop: threading.Event, rng: random.Random, tally: Tally | None = None,
         killed: threading.Event | None = None) -> None:
    """Create tasks and poll earlier ones until `stop` is set (or the server is killed on purpose); every
    request is counted in `tally`, a failed connection before the kill as dropped."""
    tally = tally if tally is not None else Tally()
    with httpx.Client(base_url=base, timeout=5) as http:
        while not stop.is_set():
            key = rng.choice(ACCOUNTS)
            try:
                r = http.post(CREATE, json=BODY,
                              headers={"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"})
                tally.answer(r.status_code)
                if r.status_code == 200:
                    with seen.lock:
                        seen.acked[r.json()["output"]["task_id"]] = key
                elif r.status_code >= 500:
                    seen.server_errors += 1
                with seen.lock:
                    some = rng.choice(list(seen.acked.items())) if seen.acked else None
                if some:
                    g = http.get(f"/api/v1/tasks/{some[0]}", headers={"Authorization": f"Bearer {some[1]}"})
                    tally.answer(g.status_code)
                    out = g.json().get("output", {})
                    with seen.lock:
                        seen.states[some[0]] = out.get("task_status", "?")
                        if out.get("video_url"):
                            seen.urls[some[0]] = out["video_url"]
            except (httpx.HTTPError, ValueError):
                if killed is None or killed.is_set():
                    return  # the server was killed on purpose
                tally.drop()


def kill_round(store: str, port: int, seconds: float, threads: int, seed: int, prior: Seen,
               files: dict[str, Path] | None = None, large: bytes | None = None) -> dict[str, Any]:
    """One round: load (small creates and polls; SDK uploads of `files` and `large` creates beside them), kill -9
    mid-load, restart, check everything seen so far (this and earlier rounds)."""
    base = f"http://127.0.0.1:{port}"
    proc = start(store, port, "--seed", str(seed))
    stop, killed, tally, big = threading.Event(), threading.Event(), Tally(), Tally()
    workers = [threading.Thread(target=load, args=(base, prior, stop, random.Random(i), tally, killed))
               for i in range(threads)]
    if files is not None:
        workers += [threading.Thread(target=sdk_uploads, args=(base, files, big, stop, killed, 100 + i))
                    for i in range(2)]
    if large is not None:
        workers.append(threading.Thread(target=large_creates, args=(base, large, big, stop, killed)))
    for w in workers:
        w.start()
    time.sleep(seconds)
    prior.clock = max(prior.clock, httpx.get(base + "/__mock/clock").json()["now"])
    killed.set()
    os.kill(proc.pid, signal.SIGKILL)  # mid-load: requests are in flight
    proc.wait()
    stop.set()
    for w in workers:
        w.join()
    proc = start(store, port, "--seed", str(seed))
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            clock_after = http.get("/__mock/clock").json()["now"]
            lost = backwards = broken = 0
            for task_id, key in prior.acked.items():
                status = http.get(f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"}).json()[
                    "output"]["task_status"]
                if status == "UNKNOWN":
                    lost += 1
                elif ORDER.get(status, 0) < ORDER.get(prior.states.get(task_id, "PENDING"), 0):
                    backwards += 1
            for url in prior.urls.values():
                u = httpx.URL(url)
                if http.get(u.raw_path.decode()).status_code != 200:
                    broken += 1
    finally:
        proc.terminate()
        proc.wait()
    return {"acked": len(prior.acked), "lost": lost, "backwards": backwards, "urls": len(prior.urls),
            "broken": broken, "clock_back": clock_after < prior.clock, "5xx": prior.server_errors,
            "traffic": tally.line(), "big": big.line()}


def hostile_corpus() -> list[tuple[str, str, dict[str, str], bytes]]:
    """(method, path, headers, body) requests meant to break the twin."""
    auth = {"Authorization": "Bearer sk-soak-fuzz-0001", "X-DashScope-Async": "enable",
            "Content-Type": "application/json"}
    t2i = "/api/v1/services/aigc/text2image/image-synthesis"
    cases: list[tuple[str, str, dict[str, str], bytes]] = []

    def post(path: str, body: Any, **headers: str) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        cases.append(("POST", path, {**auth, **headers}, raw))

    for depth in (30, 200, 1000, 5000, 100_000):
        post(CREATE, b'{"model":"wan2.6-t2v","input":{"prompt":' + b"[" * depth + b"]" * depth + b"}}")
    for number in (b"1e400", b"-1e400", b"1" + b"0" * 5000, b"NaN", b"Infinity", b"18446744073709551616"):
        post(CREATE, b'{"model":"wan2.6-t2v","input":{"prompt":"x"},"parameters":{"duration":' + number + b"}}")
        post(t2i, b'{"model":"qwen-image-plus","input":{"prompt":"x"},"parameters":{"n":' + number + b"}}")
    post(t2i, {"model": "wanx-poster-generation-v1", "parameters": {},
               "input": {"title": "t", "generate_mode": "generate", "prompt_text_zh": "x", "generate_num": 10**9}})
    post(t2i, {"model": "qwen-image-plus", "input": {"prompt": "x"}, "parameters": {"n": 10**6}})
    post(t2i, {"model": "wan2.5-t2i-preview", "input": {"prompt": "x"}, "parameters": {"size": "99999*99999"}})
    for scenario in ("running:" + "9" * 400 + "s,succeeded", "pending*" + "9" * 5000 + ",succeeded",
                     "succeeded(failed_items=" + "9" * 5000 + ")", "failed(" + "X" * 3000 + ")", "," * 3000,
                     "pending:1e400s,succeeded", "reject(NoSuchCode)"):
        post(CREATE, BODY, **{"X-Mock-Scenario": scenario})
    post(CREATE, b"\xff\xfe\x00garbage")
    post(CREATE, b'{"model":"wan2.6-t2v","junk":"' + b"x" * (40 << 20) + b'"}')
    post(CREATE, {"model": "wan2.6-t2v", "input": {"prompt": "x" * 1_000_000}})
    for path in ("/api/v1/tasks/abc%0aforged", "/api/v1/tasks/%00%ff", "/api/v1/tasks/sk-" + "a" * 10000,
                 "/api/v1/tasks?page_no=" + "9" * 40, "/api/v1/tasks?page_size=1e400",
                 "/api/v1/tasks?start_time=99999999999999&end_time=0", "/api/v1/tasks?status=" + "x" * 10000,
                 "/api/v1/tasks?api_key=" + "k" * 5000, "/__oss/upload", "/" + "a/" * 3000):
        cases.append(("GET", path, auth, b""))
    cases.append(("POST", "/__mock/clock", {"Content-Type": "application/json"}, b'{"advance": 1e400}'))
    cases.append(("POST", "/__mock/clock", {"Content-Type": "application/json"}, b'{"scale": -5}'))
    cases.append(("POST", "/__mock/faults", {"Content-Type": "application/json"}, b'{"slow_rate": 2, "slow_ms": 1e12}'))
    cases.append(("POST", "/__mock/scenarios", {"Content-Type": "application/json"},
                  b'{"scenario": "succeeded", "times": 1e400}'))
    cases.append(("GET", "/api/v1/tasks", {**auth, "X-Big": "h" * 70_000}, b""))
    rng = random.Random(11)
    hostile_values: list[Any] = [None, -1, 0, 2**63, -(2**63), 1e308, "", "x" * 100_000, [], {}, [[[[[]]]]],
                                 "\x00\n\r", "data:image/png;base64,AAAA", "oss://../../etc/passwd", True]
    for _ in range(300):  # random mutations of a valid body
        body: dict[str, Any] = json.loads(json.dumps(BODY))
        where = rng.choice(["input", "parameters"])
        name = rng.choice(["prompt", "size", "duration", "n", "img_url", "seed", "x"])
        body[where][name] = rng.choice(hostile_values)
        post(CREATE, body)
    return cases


def fuzz(port: int) -> dict[str, Any]:
    """Send the hostile corpus; count 5xx and hangs (no answer in 10 s)."""
    server_errors = hangs = dropped = 0
    worst = 0.0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        corpus = hostile_corpus()
        for method, path, headers, body in corpus:
            started = time.perf_counter()
            try:
                r = http.request(method, path, headers=headers, content=body or None)
                server_errors += r.status_code >= 500
            except httpx.TimeoutException:
                hangs += 1
            except httpx.HTTPError:
                dropped += 1  # closed without an answer: every request gets one, even a hostile one
            worst = max(worst, time.perf_counter() - started)
        alive = http.get("/__mock/health").status_code == 200
    return {"requests": len(corpus), "5xx": server_errors, "hangs": hangs, "worst_s": round(worst, 2),
            "alive": alive, "dropped": dropped}


def slow_clients(port: int, n: int = 40) -> dict[str, Any]:
    """Open `n` connections that drip headers or bodies; measure normal requests meanwhile; count closures."""
    from mockserver.http import serving

    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.sendall(b"GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        else:
            s.sendall(b"POST " + CREATE.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                      b"Authorization: Bearer sk-slow-0001\r\nX-DashScope-Async: enable\r\n\r\n{")  # a stalled body
        s.settimeout(0.1)
        socks.append(s)
    latencies = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        deadline = time.monotonic() + serving.HEADER_TIMEOUT_S + 3
        while time.monotonic() < deadline:
            started = time.perf_counter()
            http.get("/api/v1/tasks/x", headers={"Authorization": "Bearer sk-slow-0002"})
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    closed = 0
    for s in socks:
        try:
            s.settimeout(0.5)
            data = s.recv(65536)
            while data and not data.endswith(b"}"):
                data = s.recv(65536)
            closed += 1  # answered (the stalled body: 400) or closed
        except (TimeoutError, OSError):
            pass
        s.close()
    latencies.sort()
    return {"slow_connections": n, "closed_by_server": closed,
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1), "max_ms": round(latencies[-1] * 1000, 1),
            "timeout_s": serving.HEADER_TIMEOUT_S}


def stores(tmp: Path) -> list[str]:
    """SQLite always; Redis when SOAK_REDIS_URL names one (the hook for issue 14's store)."""
    found = [f"sqlite:{tmp / 'soak.sqlite'}"]
    if os.environ.get("SOAK_REDIS_URL"):
        found.append(os.environ["SOAK_REDIS_URL"])
    return found


def main() -> None:
    """Run every part and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        files, large = real_files(Path(tmp)), large_create_body()
        for store in stores(Path(tmp)):
            port, seen = free_port(), Seen()
            name = store.split(":", 1)[0]
            for i in range(1, args.rounds + 1):
                r = kill_round(store, port, args.seconds, args.threads, 42, seen, files, large)
                rows.append((f"{name} kill -9 round {i}",
                             f"{r['acked']} acknowledged, {r['lost']} lost, {r['backwards']} states backwards, "
                             f"{r['broken']}/{r['urls']} result URLs broken, clock back: {r['clock_back']}, "
                             f"5xx: {r['5xx']}; before the kill: creates and polls {r['traffic']}; "
                             f"SDK uploads and ~11 MB creates {r['big']}"))
        rows += memory_after_reset(files, large, start, load, Seen, free_port())
        rows += redis_restarts(Path(tmp), args.seconds, args.threads, start, load, Seen, free_port())
        port = free_port()
        proc = start(f"sqlite:{Path(tmp) / 'fuzz.sqlite'}", port)
        try:
            burst = upload_burst(f"http://127.0.0.1:{port}", files["photo"])
            rows.append(("40 SDK uploads of 8 MiB at once", burst.line()))
            f = fuzz(port)
            rows.append(("hostile corpus", f"{f['requests']} requests, {f['5xx']} 5xx, {f['hangs']} hangs, "
                                           f"{f['dropped']} dropped, slowest {f['worst_s']} s, "
                                           f"alive after: {f['alive']}"))
            s = slow_clients(port)
            rows.append(("slow clients", f"{s['slow_connections']} dripping connections, {s['closed_by_server']} "
                                         f"closed/answered within {s['timeout_s']:.0f}+3 s; others' GET p50 "
                                         f"{s['p50_ms']} ms, max {s['max_ms']} ms"))
        finally:
            proc.terminate()
            proc.wait()
    width = max(len(k) for k, _ in rows)
    print(f"| {'check'.ljust(width)} | result |\n|{'-' * (width + 2)}|--------|")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
