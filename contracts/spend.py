"""The spend cap: every task the suite creates on the target is counted, and a billable create is refused
before it is sent once `--allow-spend N` tasks exist.

The ledger is one append-only JSON-lines file per run, locked with `flock`, so pytest-xdist workers share
one count. A create that was answered with an error released its reservation (no task exists); a create
whose answer never came stays counted, because the task may exist.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SpendCapReached(Exception):
    """A billable create was refused: the run has created as many tasks as `--allow-spend` allows."""


@dataclass(frozen=True)
class Charge:
    """One reservation in the ledger."""

    id: str
    check: str
    model: str
    billable: bool


class SpendLedger:
    """Count tasks created on the target and enforce the cap on billable ones."""

    def __init__(self, path: Path, limit: int | None) -> None:
        self.path = path
        self.limit = limit
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    @contextmanager
    def _locked(self) -> Iterator[Any]:
        with self.path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield fh
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @staticmethod
    def _rows(fh: Any) -> list[dict[str, Any]]:
        fh.seek(0)
        return [json.loads(line) for line in fh.read().splitlines() if line.strip()]

    @staticmethod
    def _live(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        live: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["event"] == "reserve":
                live[row["id"]] = dict(row)
            elif row["event"] == "release":
                live.pop(row["id"], None)
            elif row["event"] == "created" and row["id"] in live:
                live[row["id"]]["task_id"] = row.get("task_id")
        return live

    def reserve(self, check: str, model: str, *, billable: bool) -> Charge:
        """Count a create before it is sent; raise SpendCapReached when a billable one would pass the cap."""
        with self._locked() as fh:
            live = self._live(self._rows(fh))
            used = sum(1 for r in live.values() if r["billable"])
            if billable and self.limit is not None and used >= self.limit:
                raise SpendCapReached(f"spend cap reached: {used} of {self.limit} paid tasks already created")
            charge = Charge(uuid.uuid4().hex, check, model, billable)
            self._append(fh, {"event": "reserve", "id": charge.id, "check": check, "model": model,
                              "billable": billable, "pid": os.getpid(), "t": time.time()})
            return charge

    def created(self, charge: Charge, task_id: str) -> None:
        """The create was accepted: the task exists."""
        with self._locked() as fh:
            self._append(fh, {"event": "created", "id": charge.id, "task_id": task_id})

    def release(self, charge: Charge) -> None:
        """The create was answered with an error: no task exists, the reservation is returned."""
        with self._locked() as fh:
            self._append(fh, {"event": "release", "id": charge.id})

    def summary(self) -> dict[str, Any]:
        """Tasks counted so far: paid (against the cap), free (meant to fail, not billed), and each one."""
        with self._locked() as fh:
            live = self._live(self._rows(fh))
        rows = [{k: r.get(k) for k in ("check", "model", "billable", "task_id")} for r in live.values()]
        return {"limit": self.limit, "paid": sum(1 for r in rows if r["billable"]),
                "free": sum(1 for r in rows if not r["billable"]), "tasks": rows}

    @staticmethod
    def _append(fh: Any, row: dict[str, Any]) -> None:
        fh.seek(0, os.SEEK_END)
        fh.write(json.dumps(row) + "\n")
        fh.flush()
