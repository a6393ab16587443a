"""The in-memory store: a dict by id, per-account submit-ordered lists, and an expiry heap."""

from __future__ import annotations

import bisect
import copy
import heapq
import threading
from collections import deque
from collections.abc import Callable, Iterator

from ..domain.task import Task
from .base import TaskExists

_COMPACT_AT = 64  # expired entries an account's lists keep at their front before they are cut off


class _Submits:
    """One account's tasks in submit order. Entries before `head` have expired; `base` counts the entries cut
    from the front so far, so that a listing under way finds its place again after a cut."""

    __slots__ = ("base", "head", "ids", "times")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.ids: list[str] = []
        self.head = 0
        self.base = 0

    def live(self) -> int:
        return len(self.times) - self.head


class MemoryStore:
    """Fast and bounded: expiry pops the expired tasks from a heap by submit time and moves each account's list
    head past them (the lists are cut when half expired): O(expired) per expiry, never a scan or a shift of
    the whole store. `work` counts the entries the last expiry touched (the complexity tests read it)."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._by_account: dict[str, _Submits] = {}
        self._order: list[tuple[float, str]] = []  # a heap; entries of tasks gone by reset are skipped
        # ids in the order they were stored, for the board's newest-first pages: a heap's list is not sorted once
        # anything was popped, so it cannot be read backwards. Ids of gone tasks are skipped, and cut from the
        # front as expiry passes them.
        self._stored: deque[str] = deque()
        self._meta: dict[str, str] = {}
        self._lock = threading.Lock()
        self.work = 0

    def put(self, task: Task) -> None:
        """Store a new task; TaskExists when the id is taken (insert only)."""
        with self._lock:
            if task.task_id in self._tasks:
                raise TaskExists(task.task_id)
            self._tasks[task.task_id] = task
            sub = self._by_account.get(task.account)
            if sub is None:
                sub = self._by_account[task.account] = _Submits()
            if not sub.times or sub.times[-1] <= task.submit:  # the usual case: the clock never goes back
                sub.times.append(task.submit)
                sub.ids.append(task.task_id)
            else:
                i = bisect.bisect_right(sub.times, task.submit, lo=sub.head)
                sub.times.insert(i, task.submit)
                sub.ids.insert(i, task.task_id)
            heapq.heappush(self._order, (task.submit, task.task_id))
            self._stored.append(task.task_id)

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
        sub = self._by_account.get(account)
        if sub is None:
            return
        with self._lock:
            lo = bisect.bisect_left(sub.times, since, lo=sub.head) + sub.base
            at = bisect.bisect_right(sub.times, until, lo=sub.head) + sub.base - 1
        while at >= lo:  # lazily, newest first, by absolute position: a cut of the front meanwhile is allowed for
            with self._lock:
                i = at - sub.base
                if i < sub.head or i >= len(sub.ids):  # expired, or the account was reset, meanwhile
                    return
                task = self._tasks.get(sub.ids[i])
            at -= 1
            if task is not None:
                yield task

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        return [a for a, sub in list(self._by_account.items()) if sub.live()]

    def newest(self, offset: int, limit: int) -> list[Task]:
        """Every account's tasks, newest first, from the submit-ordered queue's end (entries of tasks a reset
        dropped are passed over)."""
        rows: list[Task] = []
        skipped = 0
        with self._lock:  # the queue cannot change while it is walked
            for task_id in reversed(self._stored):
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
        sub = self._by_account.get(account)
        if sub is None:
            return 0
        with self._lock:
            return max(0, bisect.bisect_right(sub.times, until, lo=sub.head)
                       - bisect.bisect_left(sub.times, since, lo=sub.head))

    def expire(self, before: float) -> int:
        """Drop tasks submitted before `before`: pop them from the heap, then move each account's head."""
        gone, work = 0, 0
        touched: set[str] = set()
        with self._lock:
            while self._order and self._order[0][0] < before:
                _, task_id = heapq.heappop(self._order)
                work += 1
                task = self._tasks.pop(task_id, None)
                if task is not None:
                    gone += 1
                    touched.add(task.account)
            while self._stored and self._stored[0] not in self._tasks:
                self._stored.popleft()
                work += 1
            for account in touched:
                sub = self._by_account.get(account)
                if sub is None:
                    continue
                sub.head = bisect.bisect_left(sub.times, before, lo=sub.head)
                if not sub.live():
                    del self._by_account[account]
                elif sub.head >= _COMPACT_AT and sub.head * 2 >= len(sub.times):  # cut: amortised O(1) a task
                    work += len(sub.times)
                    del sub.times[:sub.head]
                    del sub.ids[:sub.head]
                    sub.base += sub.head
                    sub.head = 0
        self.work = work
        return gone

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""
        with self._lock:
            if account is None:
                self._tasks.clear()
                self._by_account.clear()
                self._order.clear()
                self._stored.clear()
                return
            sub = self._by_account.pop(account, None)
            if sub is not None:
                for task_id in sub.ids[sub.head:]:
                    self._tasks.pop(task_id, None)
                sub.ids, sub.times = [], []

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
