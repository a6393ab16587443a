"""The TaskStore protocol every store implements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..domain.task import Task


class TaskStore(Protocol):
    """Where acknowledged tasks live. A task is put before its create is answered."""

    def put(self, task: Task) -> None:
        """Store a new task."""

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""

    def update(self, task: Task) -> None:
        """Persist a mutation (cancel, poll count, marks) of a stored task."""

    def by_account(self, account: str, since: float, until: float) -> Iterable[Task]:
        """The account's tasks submitted in [since, until], newest first."""

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        ...

    def expire(self, before: float) -> int:
        """Remove tasks submitted before `before`; returns how many went."""

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""

    def __len__(self) -> int:
        """How many tasks are stored."""
