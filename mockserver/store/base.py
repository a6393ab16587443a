"""The TaskStore protocol every store implements (docs of the agreed names: /work/notes/store-protocol.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from ..domain.task import Task


class TaskExists(KeyError):
    """`put` found a task with that id already stored (the task book retries with a fresh id)."""


class StoreUnavailable(Exception):
    """The shared store cannot be reached (Redis down, restarting or not answering): the request is refused,
    never answered as if its reads and writes had happened."""


class StoreInUse(StoreUnavailable):
    """Another process holds the store (a SQLite file is served by one process at a time)."""


class TaskStore(Protocol):
    """Where acknowledged tasks live. A task is put before its create is answered."""

    def put(self, task: Task) -> None:
        """Store a new task; raise TaskExists if one with its id is stored (never replace it)."""

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""

    def update(self, task: Task) -> None:
        """Persist a mutation (cancel, poll count, marks) of a stored task."""

    def modify(self, task_id: str, change: Callable[[Task], None]) -> Task | None:
        """Apply `change` to the stored task atomically (no other replica's change lands in between) and
        persist it; None when no such task. An exception from `change` leaves the task as it was."""

    def by_account(self, account: str, since: float, until: float) -> Iterable[Task]:
        """The account's tasks submitted in [since, until], newest first, read lazily."""

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until]."""

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        ...

    def newest(self, offset: int, limit: int) -> list[Task]:
        """Every account's tasks, newest first: `limit` of them after the newest `offset` (the board's pages; the
        cost is O(offset + limit), never O(accounts) or O(tasks))."""
        ...

    def expire(self, before: float) -> int:
        """Remove tasks submitted before `before`; returns how many went."""

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""

    def meta_get(self, name: str) -> str | None:
        """A small persisted value of the twin's own (secrets, clock), or None."""

    def meta_set(self, name: str, value: str) -> None:
        """Persist a small named value."""

    def meta_setdefault(self, name: str, value: str) -> str:
        """The value under `name`, storing `value` first when there is none (atomic: the first caller wins)."""

    def close(self) -> None:
        """Release connections and files."""

    def __len__(self) -> int:
        """How many tasks are stored."""
