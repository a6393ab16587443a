"""The soak's memory check: does a reset give memory back?

A twin served as users run it (`serve`, memory store, no `--data-dir`) takes the soak's load for a few seconds:
small creates and polls, the official SDK's `file://` uploads of real-size files, ~11 MB inline creates. Then
`POST /__mock/reset` (from loopback: no token). Four such cycles. After each reset we read the server's resident
memory (`VmRSS` in /proc/<pid>/status) and the bytes left in its upload scratch directory.

"Flat" means the RSS after the last reset is within `TOLERANCE` of the RSS after the first: the first cycle warms
the allocator, the parser caches and the SDK-facing code paths, so it is the baseline, not the cold start. A twin
that keeps uploads or tasks past a reset grows by roughly one cycle's uploads (hundreds of MB) per cycle and fails.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .traffic import Tally, large_creates, sdk_uploads

# RSS after the last reset may exceed the highest RSS after an earlier reset by at most this fraction. Not the
# first one alone: what the allocator keeps after freeing a cycle's 200 MiB of uploads swings +-20 % from cycle to
# cycle (measured: 151 / 121 / 167 / 212 / 152 / 137 MiB with uploads only), while a leak grows every cycle.
TOLERANCE = 0.15
MIB = 1 << 20


def rss_bytes(pid: int) -> int:
    """The resident set size of process `pid` (`VmRSS` in /proc/<pid>/status), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # the kernel reports kB
    raise RuntimeError(f"no VmRSS for process {pid}")


def scratch_bytes(pid: int) -> int:
    """Bytes in the memory store's upload scratch directory of process `pid` (docs/stores.md)."""
    return sum(f.stat().st_size for d in Path(tempfile.gettempdir()).glob(f"dashscope-mock-files-{pid}-*")
               for f in d.rglob("*") if f.is_file())


@dataclass
class Cycle:
    """One load-then-reset cycle: what the load saw and what the server held before and after the reset."""

    traffic: Tally
    big: Tally
    rss_before: int
    rss_after: int
    files_before: int
    files_after: int
    reset_status: int
    reset_s: float  # how long POST /__mock/reset took to answer


def one_cycle(base: str, pid: int, files: dict[str, Path], large: bytes, seconds: float, threads: int,
              load: Callable[..., None], new_seen: Callable[[], Any], seed: int) -> Cycle:
    """Load for `seconds` (any connection failure counts as dropped: nobody kills this server), then reset."""
    stop, never, traffic, big = threading.Event(), threading.Event(), Tally(), Tally()
    seen = new_seen()
    workers = [threading.Thread(target=load, args=(base, seen, stop, random.Random(seed + i), traffic, None))
               for i in range(threads)]
    workers += [threading.Thread(target=sdk_uploads, args=(base, files, big, stop, never, seed + 100 + i))
                for i in range(3)]
    workers.append(threading.Thread(target=large_creates, args=(base, large, big, stop, never)))
    for w in workers:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    rss_before, files_before = rss_bytes(pid), scratch_bytes(pid)
    asked = time.perf_counter()
    reset = httpx.post(base + "/__mock/reset", timeout=60)
    took = time.perf_counter() - asked
    time.sleep(1.0)  # let the reset's file deletions and the allocator settle
    return Cycle(traffic, big, rss_before, rss_bytes(pid), files_before, scratch_bytes(pid), reset.status_code, took)


def memory_after_reset(files: dict[str, Path], large: bytes, start: Callable[..., Any], load: Callable[..., None],
                       new_seen: Callable[[], Any], port: int, cycles: int = 4, seconds: float = 6.0,
                       threads: int = 4) -> list[tuple[str, str]]:
    """Rows for the soak's table: one per cycle (load answered/sent, RSS and upload bytes before and after the
    reset) and a verdict (flat or not, against `TOLERANCE`). `start`, `load` and `new_seen` are run.py's."""
    base = f"http://127.0.0.1:{port}"
    proc = start("memory", port)
    try:
        started_rss = rss_bytes(proc.pid)
        done = [one_cycle(base, proc.pid, files, large, seconds, threads, load, new_seen, 1000 * i)
                for i in range(1, cycles + 1)]
        alive = httpx.get(base + "/__mock/health", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait()
    rows = []
    for i, c in enumerate(done, 1):
        rows.append((f"memory store load+reset cycle {i}",
                     f"creates and polls {c.traffic.line()}; SDK uploads and ~11 MB creates {c.big.line()}; "
                     f"uploads held {c.files_before / MIB:.0f} MiB before reset, {c.files_after / MIB:.0f} MiB "
                     f"after (reset: {c.reset_status} in {c.reset_s:.2f} s); RSS {c.rss_before / MIB:.0f} MiB "
                     f"before reset, {c.rss_after / MIB:.0f} MiB after"))
    first, last = max(c.rss_after for c in done[:-1]), done[-1].rss_after
    growth = (last - first) / first
    flat = growth <= TOLERANCE and all(c.files_after == 0 and c.reset_status == 200 for c in done)
    after = " / ".join(f"{c.rss_after / MIB:.0f}" for c in done)
    rows.append(("memory after reset",
                 f"{'flat' if flat else 'NOT FLAT'}: RSS after reset {after} MiB (at start {started_rss / MIB:.0f} "
                 f"MiB), last vs the highest before it {growth:+.1%} (tolerance "
                 f"+{TOLERANCE:.0%}); {sum(c.files_after for c in done)} upload bytes left after resets; "
                 f"alive after: {alive}"))
    return rows
