"""Per-(account, model) concurrency lanes and rate windows.

Over-concurrency queues (the task waits in PENDING); over the submit RPS answers 429
(docs/behaviour.md §6). A lane is a heap of the times its slots come free, so planning a new
task is O(log limit): it starts when the earliest slot frees.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque

# Per-key state is bounded: keys live in least-recently-used order; the idle ones at the front are dropped as
# new keys come, and past MAX_KEYS the least recently used goes whatever its state (any `sk-` key is its own
# account, so keys are unbounded otherwise).
MAX_KEYS = 100_000


class Lanes:
    """Concurrency slots per (account, model), on the virtual clock."""

    def __init__(self) -> None:
        self._free_at: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def schedule(self, key: tuple[str, str], limit: int, ready: float, run: float) -> float:
        """Reserve a slot for a task ready at `ready` lasting `run`; return when it starts running.

        A task canceled while queued keeps its reservation: later tasks are not re-planned
        (plans are immutable; the cost is that they may start a little later than they would).
        """
        with self._lock:
            heap = self._free_at.pop(key, None) or []
            self._free_at[key] = heap  # most recently used last
            self._evict(ready)
            start = ready if len(heap) < limit else max(ready, heapq.heappop(heap))
            heapq.heappush(heap, start + run)
            while len(heap) > limit:  # the limit may have shrunk between calls
                heapq.heappop(heap)
            return start

    def _evict(self, now: float) -> None:
        """Drop lanes whose every slot is free by `now` (from the LRU front), and any past MAX_KEYS."""
        while len(self._free_at) > 1:
            key, heap = next(iter(self._free_at.items()))
            if len(self._free_at) <= MAX_KEYS and (not heap or max(heap) > now):
                return
            del self._free_at[key]

    def __len__(self) -> int:
        return len(self._free_at)

    def reset(self, account: str | None = None) -> None:
        """Forget every lane, or one account's."""
        with self._lock:
            if account is None:
                self._free_at.clear()
            else:
                for key in [k for k in self._free_at if k[0] == account]:
                    del self._free_at[key]


class RateWindows:
    """Sliding one-second windows on the real monotonic clock (request load is real, not virtual)."""

    def __init__(self) -> None:
        self._hits: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: object, per_second: float) -> bool:
        """Count a request against `key`; False when it is over `per_second`."""
        now = time.monotonic()
        with self._lock:
            window = self._hits.pop(key, None) or deque()
            self._hits[key] = window  # most recently used last
            while len(self._hits) > 1:  # idle windows at the LRU front go; past MAX_KEYS the oldest goes anyway
                oldest, hits = next(iter(self._hits.items()))
                if len(self._hits) <= MAX_KEYS and hits and hits[-1] > now - 1.0:
                    break
                del self._hits[oldest]
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= per_second:
                return False
            window.append(now)
            return True

    def __len__(self) -> int:
        return len(self._hits)

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._hits.clear()
