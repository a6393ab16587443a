"""The soak's Redis rounds: a twin on a local redis-server under load while Redis is killed and started again,
once with its append-only file (the data comes back) and once with no persistence (it comes back empty)."""

from __future__ import annotations

import random
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ..redis_server import RedisServer
from .traffic import Tally


def redis_restarts(tmp: Path, seconds: float, threads: int, start: Callable[..., Any], load: Callable[..., None],
                   new_seen: Callable[[], Any], port: int) -> list[tuple[str, str]]:
    """One row per persistence mode: requests answered/sent across the restart, 5xx, acknowledged tasks lost,
    whether the twin's clock went back. `start`, `load` and `new_seen` are the soak's own (run.py)."""
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
            redis.start()
            time.sleep(seconds / 2)
            stop.set()
            for w in workers:
                w.join()
            with httpx.Client(base_url=base, timeout=10) as http:
                clock_after = http.get("/__mock/clock").json()["now"]
                lost = sum(http.get(f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"}).json()[
                    "output"]["task_status"] == "UNKNOWN" for task_id, key in seen.acked.items())
        finally:
            stop.set()
            proc.terminate()
            proc.wait()
            redis.stop()
        mode = "AOF" if persistent else "no persistence"
        rows.append((f"redis restart ({mode})", f"{tally.line()}; {lost}/{len(seen.acked)} acknowledged lost, "
                                                f"clock back: {clock_after < clock_before}"))
    return rows
