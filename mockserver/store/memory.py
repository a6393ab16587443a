"""The in-memory store: a dict by id, per-account submit-ordered lists, and an expiry queue."""

from __future__ import annotations

import bisect
import copy
import threading
from collections import deque
from collections.abc import Callable, Iterator

from ..domain.task import Task
from .base import TaskExists


class MemoryStore:
    """Fast and bounded: expiry pops from the front of a submit-ordered queue, never scans."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._by_account: dict[str, tuple[list[float], list[str]]] = {}
        self._order: deque[tuple[float, str]] = deque()
        self._meta: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, task: Task) -> None:
        """Store a new task; TaskExists when the id is taken (insert only)."""
        with self._lock:
            if task.task_id in self._tasks:
                raise TaskExists(task.task_id)
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

    def modify(self, task_id: str, change: Callable[[Task], None]) -> Task | None:
        """Apply `change` to the stored task under the store's lock (to a copy first: a refusal changes nothing)."""
        with self._lock:
            task = self._tasks.get(task_id)
            if task is not None:
                draft = copy.copy(task)
                change(draft)
                for name in Task.__slots__:  # the stored object is shared: update it in place
                    setattr(task, name, getattr(draft, name))
            return task

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first."""
        times, ids = self._by_account.get(account, ([], []))
        with self._lock:
            lo = bisect.bisect_left(times, since)
            hi = bisect.bisect_right(times, until)
        for i in range(min(hi, len(ids)) - 1, lo - 1, -1):  # lazily, newest first: no copy of the window
            try:
                task = self._tasks.get(ids[i])
            except IndexError:  # expiry or a reset shrank the list under us
                return
            if task is not None:
                yield task

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        return [a for a, (times, _) in list(self._by_account.items()) if times]

    def newest(self, offset: int, limit: int) -> list[Task]:
        """Every account's tasks, newest first, from the submit-ordered queue's end (entries of tasks a reset
        dropped are passed over)."""
        rows: list[Task] = []
        skipped = 0
        with self._lock:  # the queue cannot change while it is walked
            for _, task_id in reversed(self._order):
                task = self._tasks.get(task_id)
                if task is None:
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                rows.append(task)
                if len(rows) >= limit:
                    break
        return rows

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until] (two bisections)."""
        times, _ = self._by_account.get(account, ([], []))
        with self._lock:
            return max(0, bisect.bisect_right(times, until) - bisect.bisect_left(times, since))

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

    def meta_get(self, name: str) -> str | None:
        """A value of the twin's own state (lives as long as the process)."""
        return self._meta.get(name)

    def meta_set(self, name: str, value: str) -> None:
        """Keep a value of the twin's own state."""
        self._meta[name] = value

    def meta_setdefault(self, name: str, value: str) -> str:
        """The value under `name`, keeping `value` first when there is none."""
        with self._lock:
            return self._meta.setdefault(name, value)

    def close(self) -> None:
        """Nothing to release."""

    def __len__(self) -> int:
        return len(self._tasks)
