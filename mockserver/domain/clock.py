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
# the latest virtual time: far past any real plan, yet every plan (+ 24 h expiry, + URL expiry) stays formattable
MAX_TIME = 32_503_680_000.0  # 3000-01-01
MAX_SCALE = 1_000_000.0  # virtual seconds per real second


def _finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return float(value)


def check_scale(scale: float) -> float:
    """`scale` if it is a usable clock speed (0 < scale <= MAX_SCALE), else ValueError."""
    scale = _finite("scale", scale)
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be > 0 and <= {MAX_SCALE:g}")
    return scale


def check_time(value: float, what: str = "time") -> float:
    """`value` if it is a finite epoch time in [0, MAX_TIME]; ValueError otherwise."""
    value = _finite(what, value)
    if not 0 <= value <= MAX_TIME:
        raise ValueError(f"{what} must lie between 1970 and 3000")
    return value


class VirtualClock:
    """Virtual time = real time x scale + offset; it can be frozen, advanced and rescaled, never rewound.

    With `persist`, every change hands the clock's state (JSON) to it, and `resume` restarts from such a
    state: time continues from where it was, never before it (docs/performance.md, "Reliability").
    """

    def __init__(self, scale: float = 1.0, start: float | None = None, frozen: bool = False,
                 persist: Callable[[str], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._scale = check_scale(scale)
        self._anchor_real = time.time()
        self._anchor_virtual = self._anchor_real if start is None else check_time(start, "start")
        self._frozen = frozen
        self._persist = persist
        self._save()

    @classmethod
    def resume(cls, saved: str | None, scale: float = 1.0, start: float | None = None, frozen: bool = False,
               persist: Callable[[str], None] | None = None) -> VirtualClock:
        """A clock that continues a saved one: it starts at the later of `start` (or now) and the saved time,
        frozen if it was frozen."""
        begin = time.time() if start is None else start
        if saved:
            try:
                doc = json.loads(saved)
                was = float(doc["virtual"])
                if not doc.get("frozen"):
                    was += max(0.0, time.time() - float(doc["real"])) * float(doc["scale"])
                was = check_time(min(was, MAX_TIME), "saved clock")
                if doc.get("frozen") is True:  # a clock frozen before the restart stays frozen, where it stood
                    frozen, begin = True, was if start is None else max(start, was)
                else:
                    begin = max(begin, was)
            except (ValueError, KeyError, TypeError):
                pass  # an unreadable saved clock is ignored (the store's tasks keep their own times)
        return cls(scale, begin, frozen, persist)

    def _save(self) -> None:
        if self._persist is not None:
            self._persist(json.dumps(self.doc()))

    def now(self) -> float:
        """The current virtual time, epoch seconds (it stops at MAX_TIME)."""
        if self._frozen:
            return self._anchor_virtual
        return min(self._anchor_virtual + (time.time() - self._anchor_real) * self._scale, MAX_TIME)

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

    def check_advance(self, seconds: float) -> float:
        """`seconds` if the clock can move that far forward (finite, >= 0, not past MAX_TIME), else ValueError."""
        seconds = _finite("advance", seconds)
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self.now() + seconds > MAX_TIME:
            raise ValueError(f"advance would move the clock past {format_cst(MAX_TIME)} (at most "
                             f"{MAX_TIME - self.now():.0f} s from now)")
        return seconds

    def advance(self, seconds: float) -> float:
        """Move virtual time forward; negative, non-finite or too large values are refused (ValueError)."""
        return self.update(advance=seconds)

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or restart) the passing of virtual time."""
        self.update(freeze=frozen)

    def set_scale(self, scale: float) -> None:
        """Change the speed of virtual time from now on (0 < scale <= MAX_SCALE)."""
        self.update(scale=scale)

    def update(self, *, advance: float | None = None, freeze: bool | None = None,
               scale: float | None = None) -> float:
        """Apply scale, then freeze, then advance, all or nothing: every value is checked before any applies."""
        if scale is not None:
            scale = check_scale(scale)
        if freeze is not None and not isinstance(freeze, bool):
            raise ValueError("freeze must be true or false")
        with self._lock:
            if advance is not None:
                advance = self.check_advance(advance)
            self._rebase()
            if scale is not None:
                self._scale = scale
            if freeze is not None:
                self._frozen = freeze
            self._anchor_virtual = min(self._anchor_virtual + (advance or 0.0), MAX_TIME)
            self._save()
            return self._anchor_virtual

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
