"""The SQLite store: tasks, and the twin's own small state (secrets, clock), survive a restart of the mock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from ..domain.task import Task
from . import file_lock
from .base import TaskExists

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    submit REAL NOT NULL,
    row BLOB NOT NULL
);
-- rowid breaks ties in insertion order: tasks submitted at one virtual instant list newest first, as in memory
CREATE INDEX IF NOT EXISTS tasks_account_submit ON tasks (account, submit);  -- an index ends in rowid
CREATE INDEX IF NOT EXISTS tasks_submit ON tasks (submit);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_FIRST_CHUNK, _MAX_CHUNK = 16, 1024  # a listing reads rows in growing chunks: a page costs O(page)


class SqliteStore:
    """One row per task; every write is committed before the create is acknowledged."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file: Path | None = file_lock.acquire(self.path)  # StoreInUse when another process has it
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a commit survives kill -9 of the process
            self._db.executescript(_SCHEMA)
        except BaseException:
            file_lock.release(self._lock_file)
            raise
        self._lock = threading.Lock()

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

    def update(self, task: Task) -> None:
        """Persist a mutation of a stored task (a task gone meanwhile stays gone)."""
        with self._lock:
            self._db.execute("UPDATE tasks SET row = ? WHERE task_id = ?",
                             (orjson.dumps(task.to_row()), task.task_id))

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT row FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
        return Task.from_row(orjson.loads(row[0])) if row else None

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first, read in growing keyset chunks."""
        after: tuple[float, int] | None = None
        chunk = _FIRST_CHUNK
        while True:
            with self._lock:
                if after is None:
                    rows = self._db.execute(
                        "SELECT row, submit, rowid FROM tasks WHERE account = ? AND submit BETWEEN ? AND ? "
                        "ORDER BY submit DESC, rowid DESC LIMIT ?", (account, since, until, chunk)).fetchall()
                else:
                    rows = self._db.execute(
                        "SELECT row, submit, rowid FROM tasks WHERE account = ? AND submit BETWEEN ? AND ? "
                        "AND (submit < ? OR (submit = ? AND rowid < ?)) ORDER BY submit DESC, rowid DESC LIMIT ?",
                        (account, since, until, after[0], after[0], after[1], chunk)).fetchall()
            for row, _, _ in rows:
                yield Task.from_row(orjson.loads(row))
            if len(rows) < chunk:
                return
            after = (rows[-1][1], rows[-1][2])
            chunk = min(chunk * 4, _MAX_CHUNK)

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until] (one indexed count)."""
        with self._lock:
            count: int = self._db.execute(
                "SELECT COUNT(*) FROM tasks WHERE account = ? AND submit BETWEEN ? AND ?",
                (account, since, until)).fetchone()[0]
        return count

    def accounts(self) -> list[str]:
        """Every account that has a stored task."""
        with self._lock:
            return [a for (a,) in self._db.execute("SELECT DISTINCT account FROM tasks").fetchall()]

    def newest(self, offset: int, limit: int) -> list[Task]:
        """Every account's tasks, newest first (the submit index, ties in insertion order)."""
        with self._lock:
            rows = self._db.execute("SELECT row FROM tasks ORDER BY submit DESC, rowid DESC LIMIT ? OFFSET ?",
                                    (limit, offset)).fetchall()
        return [Task.from_row(orjson.loads(row)) for (row,) in rows]

    def expire(self, before: float) -> int:
        """Drop tasks submitted before `before` (an indexed range delete, no scan)."""
        with self._lock:
            return self._db.execute("DELETE FROM tasks WHERE submit < ?", (before,)).rowcount

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's (the twin's own meta values stay)."""
        with self._lock:
            if account is None:
                self._db.execute("DELETE FROM tasks")
            else:
                self._db.execute("DELETE FROM tasks WHERE account = ?", (account,))

    def meta_get(self, name: str) -> str | None:
        """A persisted value of the twin's own state, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def meta_set(self, name: str, value: str) -> None:
        """Persist a value of the twin's own state (committed at once)."""
        with self._lock:
            self._db.execute("INSERT INTO meta (name, value) VALUES (?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))

    def meta_setdefault(self, name: str, value: str) -> str:
        """The value under `name`, persisting `value` first when there is none (one transaction)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)", (name, value))
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0])

    def __len__(self) -> int:
        with self._lock:
            count: int = self._db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
        return count

    def close(self) -> None:
        """Close the database and let another process have it."""
        with self._lock:
            self._db.close()
            if self._lock_file is not None:
                file_lock.release(self._lock_file)
                self._lock_file = None
