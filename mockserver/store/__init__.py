"""Task stores: the TaskStore protocol, an in-memory store (default) and a SQLite store."""

from __future__ import annotations

from .base import TaskExists, TaskStore
from .memory import MemoryStore
from .sqlite import SqliteStore


def open_store(spec: str) -> TaskStore:
    """Open a store from its CLI form: `memory` or `sqlite:PATH`."""
    if spec == "memory":
        return MemoryStore()
    if spec.startswith("sqlite:"):
        return SqliteStore(spec.removeprefix("sqlite:"))
    raise ValueError(f"unknown store {spec!r}: use memory or sqlite:PATH")


__all__ = ["MemoryStore", "SqliteStore", "TaskExists", "TaskStore", "open_store"]
