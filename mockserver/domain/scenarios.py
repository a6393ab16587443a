"""The scenario DSL, its parser, and the admin queue a create request draws from.

Forms (one string, comma-separated steps, the last one terminal):
  time-based    pending:2s,running:5s,failed(DataInspectionFailed)
  poll-counted  pending*2,running*3,succeeded
  terminal      succeeded | succeeded(failed_items=1) | failed | failed(CODE) | failed(CODE,"message")
  on create     reject(Throttling.RateQuota)  -> the create itself answers that catalogue error

`ScenarioQueue.check` is the one place a scenario is held against the spec (its code must be in the error
catalogue, its model must exist): the header, the admin API, `serve --scenarios` and the fixture all go through it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_DURATION = re.compile(r"^([0-9]{1,9}(?:\.[0-9]{1,6})?)(ms|s|m|h)$")
_COUNT = re.compile(r"^[0-9]{1,7}$")  # ASCII digits only (str.isdigit also takes "²", which int() refuses)
# Bounds on what a scenario may say (README "Reliability"): finite, and far above any real use. A phase may
# outlast the 24 h a task is visible (docs/behaviour.md §2.1): that is how a test makes a task expire mid-run.
MAX_TEXT = 4096
MAX_PHASE_S = 30 * 86400.0
MAX_POLLS = 1_000_000
MAX_FAILED_ITEMS = 100
MAX_QUEUED = 1000  # admin-queued scenarios
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_TERMINAL = re.compile(r"^(succeeded|failed|reject)(?:\((.*)\))?$")
MAX_TIMES = 1_000_000  # uses of one queued scenario


class ScenarioError(ValueError):
    """The scenario text does not parse."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: a timeline (seconds or polls per step) and an outcome."""

    text: str
    steps: tuple[tuple[str, float], ...] = ()  # (PENDING|RUNNING, seconds) for time-based
    poll_steps: tuple[tuple[str, int], ...] = ()  # (PENDING|RUNNING, polls) for poll-counted
    final: str = "SUCCEEDED"  # SUCCEEDED | FAILED | REJECT
    code: str | None = None
    message: str | None = None
    failed_items: int = 0

    @property
    def poll_counted(self) -> bool:
        """Whether states advance with polls rather than time."""
        return bool(self.poll_steps)

    def seconds(self, status: str) -> float | None:
        """How long the time-based plan stays in `status` (None when the scenario does not say)."""
        for name, secs in self.steps:
            if name == status:
                return secs
        return None


def parse(text: str) -> Scenario:
    """Parse the scenario DSL; raise ScenarioError with the offending step on bad input."""
    if len(text) > MAX_TEXT:
        raise ScenarioError(f"scenario longer than {MAX_TEXT} characters")
    # a terminal may carry a quoted message with commas: glue the pieces back together
    merged: list[str] = []
    for p in text.split(","):
        if merged and merged[-1].count("(") > merged[-1].count(")"):
            merged[-1] += "," + p
        else:
            merged.append(p)
    merged = [m.strip() for m in merged]
    if not merged or not merged[-1]:
        raise ScenarioError("empty scenario")
    steps: list[tuple[str, float]] = []
    polls: list[tuple[str, int]] = []
    for step in merged[:-1]:
        if ":" in step:
            name, _, dur = step.partition(":")
            m = _DURATION.match(dur.strip())
            if not m or name.strip() not in ("pending", "running"):
                raise ScenarioError(f"bad step {step!r}: expected pending:<n>s or running:<n>s")
            seconds = float(m.group(1)) * _UNITS[m.group(2)]
            if seconds > MAX_PHASE_S:
                raise ScenarioError(f"bad step {step!r}: a phase lasts at most {MAX_PHASE_S:.0f}s")
            steps.append((name.strip().upper(), seconds))
        elif "*" in step:
            name, _, count = step.partition("*")
            if name.strip() not in ("pending", "running") or not _COUNT.match(count.strip()):
                raise ScenarioError(f"bad step {step!r}: expected pending*<n> or running*<n>")
            if int(count) > MAX_POLLS:
                raise ScenarioError(f"bad step {step!r}: at most {MAX_POLLS} polls")
            polls.append((name.strip().upper(), int(count)))
        else:
            raise ScenarioError(f"bad step {step!r}")
    if steps and polls:
        raise ScenarioError("mix of time-based and poll-counted steps")
    m = _TERMINAL.match(merged[-1])
    if not m:
        raise ScenarioError(f"bad terminal {merged[-1]!r}: expected succeeded, failed(...) or reject(...)")
    kind, args = m.group(1), (m.group(2) or "").strip()
    code = message = None
    failed_items = 0
    if kind == "succeeded" and args:
        key, _, value = args.partition("=")
        if key.strip() != "failed_items" or not _COUNT.match(value.strip()) or int(value) > MAX_FAILED_ITEMS:
            raise ScenarioError(f"bad succeeded argument {args!r}: expected failed_items=<n>, n <= "
                                f"{MAX_FAILED_ITEMS}")
        failed_items = int(value)
    elif args:
        code, _, rest = args.partition(",")
        code = code.strip()
        message = rest.strip().strip('"') or None
    if kind == "reject" and not code:
        raise ScenarioError("reject needs a catalogue code, e.g. reject(Throttling.RateQuota)")
    return Scenario(
        text=text, steps=tuple(steps), poll_steps=tuple(polls), final=kind.upper() if kind != "reject" else "REJECT",
        code=code, message=message, failed_items=failed_items,
    )


@dataclass
class QueuedScenario:
    """An admin-queued scenario and what it matches."""

    scenario: Scenario
    model: str | None = None
    api_key: str | None = None
    times: int = 1
    id: int = 0

    def matches(self, model: str, api_key: str) -> bool:
        """Whether a create for (model, api_key) takes this scenario."""
        return (self.model in (None, model)) and (self.api_key in (None, api_key))

    def view(self) -> dict[str, Any]:
        """The JSON the admin API shows."""
        return {"id": self.id, "scenario": self.scenario.text, "model": self.model,
                "api_key": "sk-***" if self.api_key else None, "times": self.times}


_ENTRY_KEYS = frozenset({"scenario", "model", "api_key", "times"})


class CheckedScenarios:
    """What every scenario queue shares: scenarios are checked against the spec before they are used or queued.

    `codes` and `models` are what the spec knows (the error catalogue, the model registry). The memory queue below
    and the Redis one (store/redis_state.py) both inherit this, so every entry point gets the same check.
    """

    codes: Container[str]
    models: Container[str]

    def check(self, scenario: Scenario, model: str | None = None) -> Scenario:
        """`scenario` itself if its code is a catalogue code and `model` (if any) exists; else ScenarioError."""
        if scenario.code is not None and scenario.code not in self.codes:
            raise ScenarioError(f"{scenario.code} is not a code in the spec's error catalogue "
                                f"(x-dashscope-errors), in {scenario.text!r}")
        if model is not None and model not in self.models:
            raise ScenarioError(f"no model {model!r} in the spec, for scenario {scenario.text!r}")
        return scenario

    def add(self, scenario: Scenario, model: str | None, api_key: str | None, times: int) -> QueuedScenario:
        """Queue a checked scenario; `times` creates will take it."""
        raise NotImplementedError

    def add_entries(self, entries: Iterable[Mapping[str, Any] | str]) -> list[QueuedScenario]:
        """Queue entries shaped like `POST /__mock/scenarios` bodies (or bare DSL strings); all or none."""
        checked = [self._entry(entry) for entry in entries]
        return [self.add(*args) for args in checked]

    def _entry(self, entry: Mapping[str, Any] | str) -> tuple[Scenario, str | None, str | None, int]:
        if isinstance(entry, str):
            entry = {"scenario": entry}
        if not isinstance(entry, Mapping) or not isinstance(entry.get("scenario"), str):
            raise ScenarioError(f"a scenario entry needs a 'scenario' string: {entry!r}")
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise ScenarioError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} in scenario entry "
                                f"{entry!r}: use {', '.join(sorted(_ENTRY_KEYS))}")
        model, api_key, times = entry.get("model"), entry.get("api_key"), entry.get("times", 1)
        if (model is not None and not isinstance(model, str)) or (api_key is not None and not isinstance(api_key, str)):
            raise ScenarioError(f"model and api_key must be strings in {entry!r}")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise ScenarioError(f"times must be a positive integer in {entry!r}")
        scenario = parse(entry["scenario"])
        return self.check(scenario, model), model, api_key, times


@dataclass
class ScenarioQueue(CheckedScenarios):
    """FIFO of admin scenarios in this process; a create consumes the first one that matches."""

    codes: Container[str] = field(default_factory=frozenset)
    models: Container[str] = field(default_factory=frozenset)
    items: list[QueuedScenario] = field(default_factory=list)
    _next: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, scenario: Scenario, model: str | None, api_key: str | None, times: int) -> QueuedScenario:
        """Queue a scenario (checked first); `times` creates will take it."""
        self.check(scenario, model)
        if len(self.items) >= MAX_QUEUED:
            raise ScenarioError(f"the scenario queue holds at most {MAX_QUEUED} entries")
        with self._lock:
            item = QueuedScenario(scenario, model, api_key, min(max(1, times), MAX_TIMES), self._next)
            self._next += 1
            self.items.append(item)
            return item

    def take(self, model: str, api_key: str) -> Scenario | None:
        """Pop (one use of) the first matching scenario."""
        if not self.items:  # the usual case on the create path: nothing queued, no lock to take
            return None
        with self._lock:
            for item in self.items:
                if item.matches(model, api_key):
                    item.times -= 1
                    if item.times <= 0:
                        self.items.remove(item)
                    return item.scenario
        return None

    def listed(self) -> list[QueuedScenario]:
        """The queue, first first."""
        return list(self.items)

    def remove(self, item_id: int) -> bool:
        """Drop one queued scenario by id; False when there is none."""
        with self._lock:
            for item in self.items:
                if item.id == item_id:
                    self.items.remove(item)
                    return True
        return False

    def clear(self) -> None:
        """Drop every queued scenario."""
        with self._lock:
            self.items.clear()
