"""The virtual clock: every timestamp, transition, expiry and URL expiry reads it."""

from __future__ import annotations

import functools
import math
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))  # submit_time & co. are China Standard Time (docs/behaviour.md §0.4)


class VirtualClock:
    """Virtual time = real time x scale + offset; it can be frozen, advanced and rescaled, never rewound."""

    def __init__(self, scale: float = 1.0, start: float | None = None, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._scale = scale
        self._anchor_real = time.time()
        self._anchor_virtual = self._anchor_real if start is None else start
        self._frozen = frozen

    def now(self) -> float:
        """The current virtual time, epoch seconds."""
        if self._frozen:
            return self._anchor_virtual
        return self._anchor_virtual + (time.time() - self._anchor_real) * self._scale

    @property
    def scale(self) -> float:
        """How many virtual seconds pass per real second."""
        return self._scale

    @property
    def frozen(self) -> bool:
        """Whether virtual time stands still."""
        return self._frozen

    def _rebase(self) -> None:
        self._anchor_virtual = self.now()
        self._anchor_real = time.time()

    def advance(self, seconds: float) -> float:
        """Move virtual time forward; negative values are refused so plans never run backwards."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._rebase()
            self._anchor_virtual += seconds
            return self._anchor_virtual

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or restart) the passing of virtual time."""
        with self._lock:
            self._rebase()
            self._frozen = frozen

    def set_scale(self, scale: float) -> None:
        """Change the speed of virtual time from now on."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        with self._lock:
            self._rebase()
            self._scale = scale

    def doc(self) -> dict[str, float | bool]:
        """The clock's anchors, scale and frozen flag: enough for another process to run the same clock."""
        return {"real": self._anchor_real, "virtual": self._anchor_virtual, "scale": self._scale,
                "frozen": self._frozen}

    def adopt(self, doc: dict[str, float | bool]) -> None:
        """Run from `doc` (another process's `doc()`) from now on."""
        with self._lock:
            self._anchor_real = float(doc["real"])
            self._anchor_virtual = float(doc["virtual"])
            self._scale = float(doc["scale"])
            self._frozen = bool(doc["frozen"])

    def state(self) -> dict[str, object]:
        """The clock as the admin API shows it."""
        now = self.now()
        return {"now": now, "iso": format_cst(now), "scale": self._scale, "frozen": self._frozen}


@functools.lru_cache(maxsize=4096)
def _cst_second(second: int) -> str:
    return datetime.fromtimestamp(second, CST).strftime("%Y-%m-%d %H:%M:%S.")


def format_cst(ts: float) -> str:
    """Format epoch seconds as 'YYYY-MM-DD HH:MM:SS.mmm' in UTC+8 without a zone."""
    second = math.floor(ts)
    return f"{_cst_second(second)}{int((ts - second) * 1000):03d}"


def parse_list_time(value: str) -> float:
    """Parse the list API's 'YYYYMMDDhhmmss' (UTC+8) into epoch seconds."""
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=CST).timestamp()


def utc_date(ts: float) -> datetime:
    """Epoch seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(ts, UTC)
