"""The virtual clock: every timestamp, transition, expiry and URL expiry reads it."""

from __future__ import annotations

import functools
import json
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))  # submit_time & co. are China Standard Time (docs/behaviour.md §0.4)
# Bounds on every clock value the twin accepts: finite, and inside what the CST/ISO formatters can print.
MAX_TIME = 4_102_444_800.0  # 2100-01-01 UTC: the latest virtual time
MAX_SCALE = 1_000_000.0  # virtual seconds per real second


def check_time(value: float, what: str = "time") -> float:
    """`value` if it is a finite epoch time in [0, MAX_TIME]; ValueError otherwise."""
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= MAX_TIME:
        raise ValueError(f"{what} must be a finite epoch time in [0, {MAX_TIME:.0f}]")
    return float(value)


class VirtualClock:
    """Virtual time = real time x scale + offset; it can be frozen, advanced and rescaled, never rewound.

    With `persist`, every change hands the clock's state (JSON) to it, and `resume` restarts from such a
    state: time continues from where it was, never before it (docs: README "Reliability").
    """

    def __init__(self, scale: float = 1.0, start: float | None = None, frozen: bool = False,
                 persist: Callable[[str], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._scale = _check_scale(scale)
        self._anchor_real = time.time()
        self._anchor_virtual = self._anchor_real if start is None else check_time(start, "start")
        self._frozen = frozen
        self._persist = persist
        self._save()

    @classmethod
    def resume(cls, saved: str | None, scale: float = 1.0, start: float | None = None, frozen: bool = False,
               persist: Callable[[str], None] | None = None) -> VirtualClock:
        """A clock that continues a saved one: it starts at the later of `start` (or now) and the saved time."""
        begin = time.time() if start is None else start
        if saved:
            try:
                doc = json.loads(saved)
                was = float(doc["virtual"])
                if not doc.get("frozen"):
                    was += max(0.0, time.time() - float(doc["real"])) * float(doc["scale"])
                begin = max(begin, check_time(min(was, MAX_TIME), "saved clock"))
            except (ValueError, KeyError, TypeError):
                pass  # an unreadable saved clock is ignored (the store's tasks keep their own times)
        return cls(scale, begin, frozen, persist)

    def _save(self) -> None:
        if self._persist is not None:
            self._persist(json.dumps({"virtual": self._anchor_virtual, "real": self._anchor_real,
                                      "scale": self._scale, "frozen": self._frozen}))

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
        """Move virtual time forward; negative, non-finite or past-MAX_TIME moves are refused (ValueError)."""
        if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the clock only moves forward, by a finite number of seconds")
        with self._lock:
            if self.now() + seconds > MAX_TIME:
                raise ValueError(f"the clock cannot pass {MAX_TIME:.0f} (2100-01-01)")
            self._rebase()
            self._anchor_virtual += seconds
            self._save()
            return self._anchor_virtual

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or restart) the passing of virtual time."""
        with self._lock:
            self._rebase()
            self._frozen = bool(frozen)
            self._save()

    def set_scale(self, scale: float) -> None:
        """Change the speed of virtual time from now on (finite, in (0, MAX_SCALE])."""
        _check_scale(scale)
        with self._lock:
            self._rebase()
            self._scale = float(scale)
            self._save()

    def state(self) -> dict[str, object]:
        """The clock as the admin API shows it."""
        now = self.now()
        return {"now": now, "iso": format_cst(now), "scale": self._scale, "frozen": self._frozen}


def _check_scale(scale: float) -> float:
    if not isinstance(scale, int | float) or not math.isfinite(scale) or not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be positive, finite and at most {MAX_SCALE:.0f}")
    return float(scale)


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
