"""The SQLite store: tasks survive a restart of the mock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from ..domain.task import Task
from .base import TaskExists

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    submit REAL NOT NULL,
    row BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_account_submit ON tasks (account, submit);
CREATE INDEX IF NOT EXISTS tasks_submit ON tasks (submit);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteStore:
    """One row per task; every write is committed before the create is acknowledged."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def _write(self, task: Task) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tasks (task_id, account, submit, row) VALUES (?, ?, ?, ?)",
                (task.task_id, task.account, task.submit, orjson.dumps(task.to_row())),
            )

    def put(self, task: Task) -> None:
        """Store a new task, durably; TaskExists if its id is taken."""
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO tasks (task_id, account, submit, row) VALUES (?, ?, ?, ?)",
                    (task.task_id, task.account, task.submit, orjson.dumps(task.to_row())),
                )
            except sqlite3.IntegrityError as exc:
                raise TaskExists(task.task_id) from exc

    def modify(self, task_id: str, change: Callable[[Task], None]) -> Task | None:
        """Read, change and write the task in one immediate transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT row FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
                task = Task.from_row(orjson.loads(row[0])) if row else None
                if task is not None:
                    change(task)
                    self._db.execute("UPDATE tasks SET row = ? WHERE task_id = ?",
                                     (orjson.dumps(task.to_row()), task_id))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return task

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until] (one indexed query)."""
        with self._lock:
            count: int = self._db.execute(
                "SELECT COUNT(*) FROM tasks WHERE account = ? AND submit BETWEEN ? AND ?", (account, since, until),
            ).fetchone()[0]
        return count

    def meta_get(self, name: str) -> str | None:
        """A small persisted value, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def meta_set(self, name: str, value: str) -> None:
        """Persist a small named value."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def update(self, task: Task) -> None:
        """Persist a mutation of a stored task."""
        self._write(task)

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT row FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
        return Task.from_row(orjson.loads(row[0])) if row else None

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT row FROM tasks WHERE account = ? AND submit BETWEEN ? AND ? ORDER BY submit DESC",
                (account, since, until),
            ).fetchall()
        for (row,) in rows:
            yield Task.from_row(orjson.loads(row))

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        with self._lock:
            return [a for (a,) in self._db.execute("SELECT DISTINCT account FROM tasks").fetchall()]

    def expire(self, before: float) -> int:
        """Drop tasks submitted before `before` (an indexed range delete, no scan)."""
        with self._lock:
            return self._db.execute("DELETE FROM tasks WHERE submit < ?", (before,)).rowcount

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""
        with self._lock:
            if account is None:
                self._db.execute("DELETE FROM tasks")
            else:
                self._db.execute("DELETE FROM tasks WHERE account = ?", (account,))

    def __len__(self) -> int:
        with self._lock:
            count: int = self._db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
        return count

    def close(self) -> None:
        """Close the database."""
        self._db.close()
