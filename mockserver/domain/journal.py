"""The poll journal: for each task, every GET it got (virtual time, real time, status served, fault injected)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import NamedTuple

_PER_TASK = 500  # polls remembered per task


class Poll(NamedTuple):
    """One GET of a task: virtual time, wall time, the status served ("-" when a fault answered instead).

    A named tuple, not a frozen dataclass: one is made on every poll, and a frozen dataclass's __init__ costs
    three times as much."""

    at: float
    real: float
    status: str
    fault: str | None = None


class Journal:
    """Polls per task, kept in first-poll order so expiry drops from the front (never a scan)."""

    def __init__(self) -> None:
        self._polls: dict[str, deque[Poll]] = {}
        self._lock = threading.Lock()

    def record(self, task_id: str, at: float, status: str, fault: str | None = None) -> None:
        """Note one poll of `task_id`."""
        entries = self._polls.get(task_id)
        if entries is None:
            with self._lock:
                entries = self._polls.setdefault(task_id, deque(maxlen=_PER_TASK))
        entries.append(Poll(at, time.time(), status, fault))

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._polls

    def __len__(self) -> int:
        return len(self._polls)

    def polls(self, task_id: str) -> list[Poll]:
        """Every remembered poll of `task_id`, oldest first."""
        return list(self._polls.get(task_id, ()))

    def expire(self, before: float) -> None:
        """Forget journals whose first poll came before `before` (their tasks were submitted earlier still)."""
        with self._lock:
            while self._polls:
                oldest = next(iter(self._polls))
                if self._polls[oldest][0].at >= before:
                    break
                del self._polls[oldest]

    def forget(self, task_ids: set[str] | None = None) -> None:
        """Forget every journal, or those of `task_ids`."""
        with self._lock:
            if task_ids is None:
                self._polls.clear()
            else:
                for task_id in task_ids & self._polls.keys():
                    del self._polls[task_id]
