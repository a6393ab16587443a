"""Seeded probabilistic faults: catalogue errors, 5xx and slow responses, per request."""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field
from typing import Any

MAX_SLOW_MS = 60_000  # an injected delay longer than a minute only ties up connections


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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultPlan:
        """Build a plan from the admin API's JSON (unknown keys and out-of-range values are ValueError)."""
        return cls(**data).checked()

    def checked(self) -> FaultPlan:
        """This plan, if every value is in range: rates finite in [0, 1], a delay of at most MAX_SLOW_MS."""
        for name in ("error_rate", "server_error_rate", "slow_rate"):
            rate = getattr(self, name)
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate) \
                    or not 0 <= rate <= 1:
                raise ValueError(f"{name} must be a number in [0, 1]")
        if isinstance(self.slow_ms, bool) or not isinstance(self.slow_ms, int) or not 0 <= self.slow_ms <= MAX_SLOW_MS:
            raise ValueError(f"slow_ms must be an integer in [0, {MAX_SLOW_MS}]")
        for name in ("error_codes", "on"):
            values = getattr(self, name)
            if not isinstance(values, list) or len(values) > 100 or not all(isinstance(v, str) for v in values):
                raise ValueError(f"{name} must be a list of at most 100 strings")
        if not isinstance(self.server_error_code, str):
            raise ValueError("server_error_code must be a string")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ValueError("seed must be an integer")
        return self


@dataclass(frozen=True, slots=True)
class Fault:
    """One drawn fault: a catalogue code to answer with, and/or a delay."""

    code: str | None = None
    delay_s: float = 0.0


class Faults:
    """Draw faults for requests from the current plan."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(plan or FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        """Replace the plan (and restart its random sequence)."""
        plan.checked()
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
