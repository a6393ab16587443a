"""Assertions the checks share; their messages show the (redacted) response."""

from __future__ import annotations

import uuid

from .probe import Reply

ASYNC = {"X-DashScope-Async": "enable"}
_NAMESPACE = uuid.UUID("5b3c9a4e-8f61-4d2a-9c1b-2f7e4a6d8c10")


def fixed_uuid(label: str) -> str:
    """A UUID that is the same on every run (replay matches request paths), and names no real task."""
    return str(uuid.uuid5(_NAMESPACE, label))


def expect_error(reply: Reply, status: int, code: str, message: str | None = None) -> None:
    """The flat error envelope with this status and code; `message` is a documented prefix.

    Only a prefix: newer deployments append " For details, see: <doc-url>" (docs/behaviour.md §0.1).
    """
    assert reply.status == status, f"expected HTTP {status} {code}, got {reply.describe()}"
    assert reply.get("code") == code, f"expected code {code}, got {reply.describe()}"
    assert isinstance(reply.get("request_id"), str), f"no request_id: {reply.describe()}"
    if message is not None:
        assert str(reply.get("message", "")).startswith(message), \
            f"expected a message starting {message!r}, got {reply.describe()}"


def expect_status(reply: Reply, task_status: str) -> None:
    """HTTP 200 with `output.task_status` equal to `task_status`."""
    assert reply.status == 200, f"expected HTTP 200, got {reply.describe()}"
    assert reply.get("output.task_status") == task_status, \
        f"expected task_status {task_status}, got {reply.describe()}"
