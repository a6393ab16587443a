"""The TaskStore protocol every store implements (docs of the agreed names: /work/notes/store-protocol.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..domain.task import Task


class TaskExists(KeyError):
    """`put` found a task with that id already stored: stores never replace a task on insert."""


class TaskStore(Protocol):
    """Where acknowledged tasks live. A task is put before its create is answered."""

    def put(self, task: Task) -> None:
        """Store a new task; raise TaskExists when its id is taken (insert only, never a replace)."""

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""

    def update(self, task: Task) -> None:
        """Persist a mutation (cancel, poll count, marks) of a stored task."""

    def by_account(self, account: str, since: float, until: float) -> Iterable[Task]:
        """The account's tasks submitted in [since, until], newest first, read lazily (a page costs O(page))."""

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until] (no scan of the tasks)."""

    def expire(self, before: float) -> int:
        """Remove tasks submitted before `before`; returns how many went."""

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""

    def meta_get(self, name: str) -> str | None:
        """A small persisted value of the twin's own state (secrets, the clock), or None."""

    def meta_set(self, name: str, value: str) -> None:
        """Persist a small value of the twin's own state."""

    def close(self) -> None:
        """Release connections and files."""

    def __len__(self) -> int:
        """How many tasks are stored."""
