"""Seeded probabilistic faults: catalogue errors, 5xx and slow responses, per request."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Container
from dataclasses import dataclass, field, fields
from typing import Any

KINDS = ("create", "query", "list", "cancel")  # the request kinds http/guard.py draws faults for
MAX_SLOW_MS = 60_000  # a slow answer, not a hung one
MAX_CODES = 64
MAX_SEED = 2**63 - 1


def _rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1]")
    return float(value)


def _code(name: str, value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 128:
        raise ValueError(f"{name} must be a catalogue code")
    return value


@dataclass
class FaultPlan:
    """What to inject and how often; `seed` makes the sequence reproducible."""

    error_rate: float = 0.0
    error_codes: list[str] = field(default_factory=lambda: ["Throttling.RateQuota"])
    server_error_rate: float = 0.0
    server_error_code: str = "InternalError"
    slow_rate: float = 0.0
    slow_ms: int = 200
    on: list[str] = field(default_factory=lambda: ["create", "query", "list", "cancel"])
    seed: int | None = None

    def __post_init__(self) -> None:
        """Refuse a plan that could break the twin: rates outside [0, 1], unbounded delays, odd types."""
        self.error_rate = _rate("error_rate", self.error_rate)
        self.server_error_rate = _rate("server_error_rate", self.server_error_rate)
        self.slow_rate = _rate("slow_rate", self.slow_rate)
        if isinstance(self.slow_ms, bool) or not isinstance(self.slow_ms, int) or not 0 <= self.slow_ms <= MAX_SLOW_MS:
            raise ValueError(f"slow_ms must be an integer in [0, {MAX_SLOW_MS}]")
        if not isinstance(self.error_codes, list) or len(self.error_codes) > MAX_CODES:
            raise ValueError(f"error_codes must be a list of at most {MAX_CODES} catalogue codes")
        self.error_codes = [_code("error_codes", c) for c in self.error_codes]
        self.server_error_code = _code("server_error_code", self.server_error_code)
        if not isinstance(self.on, list) or any(k not in KINDS for k in self.on):
            raise ValueError(f"on must list request kinds among {', '.join(KINDS)}")
        self.on = list(dict.fromkeys(self.on))
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)
                                      or not 0 <= self.seed <= MAX_SEED):
            raise ValueError("seed must be a non-negative 64-bit integer")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultPlan:
        """Build a plan from the admin API's JSON (unknown keys and out-of-bounds values are a ValueError)."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown fault plan field(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    def view(self) -> dict[str, Any]:
        """The plan as JSON."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Fault:
    """One drawn fault: a catalogue code to answer with, and/or a delay."""

    code: str | None = None
    delay_s: float = 0.0


class Faults:
    """Draw faults for requests from the current plan."""

    def __init__(self, plan: FaultPlan | None = None, codes: Container[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._codes = codes
        self.configure(plan or FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        """Replace the plan (and restart its random sequence); a code the catalogue lacks is a ValueError."""
        if self._codes is not None:
            for code in [*plan.error_codes, plan.server_error_code]:
                if code not in self._codes:
                    raise ValueError(f"{code} is not a catalogue code")
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)

    @property
    def active(self) -> bool:
        """Whether any fault can be drawn."""
        p = self.plan
        return bool(p.error_rate or p.server_error_rate or p.slow_rate)

    def draw(self, kind: str) -> Fault | None:
        """A fault for a request of `kind` (create, query, list, cancel), or None."""
        p = self.plan
        if not self.active or kind not in p.on:
            return None
        with self._lock:
            r_err, r_5xx, r_slow = self._rng.random(), self._rng.random(), self._rng.random()
            code = None
            if r_5xx < p.server_error_rate:
                code = p.server_error_code
            elif r_err < p.error_rate and p.error_codes:
                code = self._rng.choice(p.error_codes)
            delay = p.slow_ms / 1000 if r_slow < p.slow_rate else 0.0
        return Fault(code, delay) if code or delay else None
