"""The task record: an immutable plan plus the few mutations there are (cancel, polls)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"})


@dataclass(slots=True)
class Task:
    """One task. Times are virtual epoch seconds; `status_at` in the engine derives its state."""

    task_id: str
    account: str
    key_id: str
    model: str
    request_id: str
    body: bytes  # the create body as compact JSON (kept as bytes: a million tasks must fit in < 1 GB)
    submit: float
    scheduled: float
    end: float
    final: str  # SUCCEEDED | FAILED
    code: str | None = None
    message: str | None = None
    failed_items: int = 0  # partial success: how many of the results failed (output moderation)
    poll_plan: tuple[tuple[str, int], ...] | None = None  # poll-counted scenario: (status, polls)
    polls: int = 0
    canceled_at: float | None = None
    marks: dict[str, float] | None = None  # poll-counted tasks: when each status was first served
    extra: dict[str, Any] | None = field(default=None)

    def request(self) -> dict[str, Any]:
        """The create body, parsed."""
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed

    def to_row(self) -> dict[str, Any]:
        """A JSON-able dict (for the SQLite store and the admin API)."""
        return {
            "task_id": self.task_id, "account": self.account, "key_id": self.key_id, "model": self.model,
            "request_id": self.request_id, "body": self.body.decode(), "submit": self.submit,
            "scheduled": self.scheduled, "end": self.end, "final": self.final, "code": self.code,
            "message": self.message, "failed_items": self.failed_items,
            "poll_plan": [list(p) for p in self.poll_plan] if self.poll_plan else None,
            "polls": self.polls, "canceled_at": self.canceled_at, "marks": self.marks, "extra": self.extra,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Task:
        """Rebuild a task from `to_row` output."""
        data = dict(row)
        data["body"] = str(data["body"]).encode()
        plan = data.get("poll_plan")
        data["poll_plan"] = tuple((str(s), int(n)) for s, n in plan) if plan else None
        return cls(**data)
