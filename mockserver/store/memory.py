"""The in-memory store: a dict by id, per-account submit-ordered lists, and an expiry queue."""

from __future__ import annotations

import bisect
import threading
from collections import deque
from collections.abc import Iterator

from ..domain.task import Task


class MemoryStore:
    """Fast and bounded: expiry pops from the front of a submit-ordered queue, never scans."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._by_account: dict[str, tuple[list[float], list[str]]] = {}
        self._order: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def put(self, task: Task) -> None:
        """Store a new task (submit times only grow: the virtual clock never runs backwards)."""
        with self._lock:
            self._tasks[task.task_id] = task
            times, ids = self._by_account.setdefault(task.account, ([], []))
            i = bisect.bisect_right(times, task.submit)
            times.insert(i, task.submit)
            ids.insert(i, task.task_id)
            self._order.append((task.submit, task.task_id))

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        return self._tasks.get(task_id)

    def update(self, task: Task) -> None:
        """Tasks are shared objects here: mutations are already visible."""

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first."""
        times, ids = self._by_account.get(account, ([], []))
        lo = bisect.bisect_left(times, since)
        hi = bisect.bisect_right(times, until)
        for task_id in reversed(ids[lo:hi]):
            task = self._tasks.get(task_id)
            if task is not None:
                yield task

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        return [a for a, (times, _) in list(self._by_account.items()) if times]

    def expire(self, before: float) -> int:
        """Drop tasks submitted before `before`, oldest first."""
        gone = 0
        with self._lock:
            while self._order and self._order[0][0] < before:
                _, task_id = self._order.popleft()
                task = self._tasks.pop(task_id, None)
                if task is None:
                    continue
                gone += 1
                times, ids = self._by_account[task.account]
                i = bisect.bisect_left(times, task.submit)
                while i < len(ids) and ids[i] != task_id:
                    i += 1
                if i < len(ids):
                    del times[i]
                    del ids[i]
        return gone

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""
        with self._lock:
            if account is None:
                self._tasks.clear()
                self._by_account.clear()
                self._order.clear()
                return
            _, ids = self._by_account.pop(account, ([], []))
            for task_id in ids:
                self._tasks.pop(task_id, None)

    def __len__(self) -> int:
        return len(self._tasks)
