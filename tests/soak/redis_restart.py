"""The soak's Redis rounds: a twin on a local redis-server under load while Redis is killed and started again,
once with its append-only file (the data comes back) and once with no persistence (it comes back empty).

With no persistence the tasks acknowledged before the restart are gone with Redis's data: that is what the
configuration means, and the row says so rather than counting it as the twin's loss. What the twin must still do
is not move the clock back and not change its secrets: a second replica started after the loss must not be behind
the first's clock, and must accept the result URLs the first signed after the restart."""

from __future__ import annotations

import random
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from mockserver.testing import free_port

from ..redis_server import RedisServer
from .traffic import Tally


def redis_restarts(tmp: Path, seconds: float, threads: int, start: Callable[..., Any], load: Callable[..., None],
                   new_seen: Callable[[], Any], port: int) -> list[tuple[str, str]]:
    """One row per persistence mode: requests answered/sent across the restart, 5xx, acknowledged tasks lost,
    whether the twin's clock went back, and whether a replica started afterwards agrees on clock and secrets
    (second_replica). `start`, `load` and `new_seen` are the soak's own (run.py)."""
    if shutil.which("redis-server") is None:
        return [("redis restart", "not run: no redis-server on PATH")]
    rows = []
    for persistent in (True, False):
        redis = RedisServer(tmp / f"redis-{'aof' if persistent else 'none'}", persistent=persistent).start()
        base = f"http://127.0.0.1:{port}"
        proc = start(redis.url, port)
        seen, stop, never, tally = new_seen(), threading.Event(), threading.Event(), Tally()
        workers = [threading.Thread(target=load, args=(base, seen, stop, random.Random(i), tally, never))
                   for i in range(threads)]
        try:
            for w in workers:
                w.start()
            time.sleep(seconds / 2)
            clock_before = httpx.get(base + "/__mock/clock", timeout=10).json()["now"]
            redis.kill()  # kill -9: nothing saved beyond what the AOF already holds
            time.sleep(1.0)
            with seen.lock:  # Redis is down: every task acknowledged so far was written before the kill
                acked_before = set(seen.acked)
            redis.start()
            time.sleep(seconds / 2)
            stop.set()
            for w in workers:
                w.join()
            with httpx.Client(base_url=base, timeout=10) as http:
                clock_after = http.get("/__mock/clock").json()["now"]
                gone = {task_id for task_id, key in seen.acked.items()
                        if http.get(f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"}).json()[
                            "output"]["task_status"] == "UNKNOWN"}
            replica = second_replica(start, redis.url, clock_before,
                                     [url for task_id, url in seen.urls.items() if task_id not in acked_before])
        finally:
            stop.set()
            proc.terminate()
            proc.wait()
            redis.stop()
        mode = "AOF" if persistent else "no persistence"
        lost_before, lost_after = len(gone & acked_before), len(gone - acked_before)
        if persistent:
            fate = f"{len(gone)}/{len(seen.acked)} acknowledged lost"
        else:  # the tasks acknowledged before the restart cannot survive it; those after it must
            after = len(seen.acked) - len(acked_before)
            fate = (f"{lost_before}/{len(acked_before)} acknowledged before the restart gone with Redis's data "
                    f"(expected without persistence, not a twin loss), {lost_after}/{after} "
                    f"acknowledged after it lost")
        rows.append((f"redis restart ({mode})", f"{tally.line()}; {fate}; clock back: {clock_after < clock_before}; "
                                                f"a replica started after: {replica}"))
    return rows


def second_replica(start: Callable[..., Any], store: str, clock_before: float, urls: list[str]) -> str:
    """Start another twin on `store` after the restart: is its clock behind `clock_before`, and does it accept
    the result `urls` the first replica signed after the restart (same secrets)?"""
    port = free_port()
    proc = start(store, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            behind = http.get("/__mock/clock").json()["now"] < clock_before
            checked = urls[:50]
            rejected = sum(http.get(httpx.URL(url).raw_path.decode()).status_code != 200 for url in checked)
    finally:
        proc.terminate()
        proc.wait()
    return f"clock back: {behind}, {rejected}/{len(checked)} of the first's result URLs rejected"
