"""The differences diff mode found between the upstream's answers and the twin's, kept for /__mock/diff and the board.

One entry per distinct difference (where, what kind, which field, the twin's value, the upstream's), with how
often it was seen and the first task that showed it: a drift seen on every poll is one line, not a thousand.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_DISTINCT = 1000  # distinct differences kept; later new ones are only counted
_KEY = ("endpoint", "model", "kind", "field", "expected", "actual", "against")


@dataclass
class DiffBook:
    """Accumulated differences: distinct entries with counts, and how many exchanges were compared."""

    exchanges: int = 0
    dropped: int = 0
    _items: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def compared(self) -> None:
        """Count one exchange compared."""
        with self._lock:
            self.exchanges += 1

    def add(self, difference: Mapping[str, Any]) -> None:
        """Note one difference (a dict with the keys of `_KEY`, plus `task_id` and `step` for the example)."""
        key = repr(tuple(difference.get(k) for k in _KEY))
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                item["count"] += 1
            elif len(self._items) >= MAX_DISTINCT:
                self.dropped += 1
            else:
                self._items[key] = {**{k: difference.get(k) for k in _KEY}, "count": 1,
                                    "task_id": difference.get("task_id"), "step": difference.get("step")}

    def count(self) -> int:
        """How many distinct differences there are."""
        return len(self._items) + self.dropped

    def view(self) -> dict[str, Any]:
        """The JSON `GET /__mock/diff` answers."""
        with self._lock:
            items = [dict(item) for item in self._items.values()]
            return {"exchanges": self.exchanges, "differences": len(items), "dropped": self.dropped,
                    "occurrences": sum(i["count"] for i in items), "items": items}

    def clear(self) -> None:
        """Forget every difference (a reset of the twin)."""
        with self._lock:
            self._items.clear()
            self.exchanges = self.dropped = 0
