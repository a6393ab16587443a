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
            heap = self._free_at.setdefault(key, [])
            start = ready if len(heap) < limit else max(ready, heapq.heappop(heap))
            heapq.heappush(heap, start + run)
            while len(heap) > limit:  # the limit may have shrunk between calls
                heapq.heappop(heap)
            return start

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
            window = self._hits.setdefault(key, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= per_second:
                return False
            window.append(now)
            return True

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._hits.clear()
