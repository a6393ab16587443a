"""Recorded tasks as the scenario DSL (domain/scenarios.py): `pending*3,running*5,succeeded`, per poll."""

from __future__ import annotations

from typing import Any

from ..spec.catalog import ErrorCatalog
from .cassette import RecordedTask

_DSL_STEPS = {"PENDING": "pending", "RUNNING": "running"}
_ENDS = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
_HOLD = 1_000_000  # polls a task the recording left unfinished stays in its last status


def _steps(statuses: list[str]) -> list[tuple[str, int]]:
    """Consecutive statuses folded into (status, polls)."""
    out: list[tuple[str, int]] = []
    for status in statuses:
        if out and out[-1][0] == status:
            out[-1] = (status, out[-1][1] + 1)
        else:
            out.append((status, 1))
    return out


def _quotable(message: str) -> bool:
    return '"' not in message and message.count("(") == message.count(")") and len(message) < 1000


def outcome(task: RecordedTask) -> tuple[str | None, str]:
    """(the DSL of a recorded task, or None when the DSL cannot say it; a note for people)."""
    statuses = task.statuses()
    if not statuses:
        return None, "never polled"
    final = task.final() or {}
    *middle, last = statuses
    odd = sorted({s for s in middle if s not in _DSL_STEPS})
    if odd:
        return None, f"statuses the DSL has no step for: {', '.join(odd)}"
    steps = [f"{_DSL_STEPS[s]}*{n}" for s, n in _steps(middle)]
    if last == "SUCCEEDED":
        return ",".join([*steps, "succeeded"]), ""
    if last == "FAILED":
        code, message = str(final.get("code") or "InternalError"), str(final.get("message") or "")
        terminal = f'failed({code},"{message}")' if message and _quotable(message) else f"failed({code})"
        return ",".join([*steps, terminal]), ""
    if last in _DSL_STEPS:
        return None, f"still {last} at the last recorded poll"
    return None, f"ended {last} (the DSL has no {last.lower()} outcome: the client's cancel or the clock makes it)"


def replay_plan(task: RecordedTask, catalog: ErrorCatalog) -> str:
    """A poll-counted plan the twin can run for a recorded task: its statuses per poll, any unknown intermediate
    status as RUNNING, a catalogue-less code as InternalError, an unfinished or canceled task held in place."""
    statuses = task.statuses() or ["PENDING"]
    *middle, last = statuses
    steps = [f"{_DSL_STEPS.get(s, 'running')}*{n}" for s, n in _steps(middle)]
    if last == "SUCCEEDED":
        return ",".join([*steps, "succeeded"])
    if last == "FAILED":
        code = str((task.final() or {}).get("code") or "InternalError")
        return ",".join([*steps, f"failed({code if code in catalog else 'InternalError'})"])
    held = "running" if last == "RUNNING" else "pending"
    return ",".join([*steps, f"{held}*{_HOLD}", "succeeded"])


def timed_plan(task: RecordedTask, catalog: ErrorCatalog) -> str:
    """A time-based plan for a recorded task: PENDING until the first poll that saw it run, running until the
    first poll that saw its end (virtual seconds from the create; polls only bound when a status began)."""
    start = float(task.create.get("virtual") or 0.0)
    first: dict[str, float] = {}
    for poll, status in zip(task.polls, task.statuses(), strict=True):
        first.setdefault("RUNNING" if status not in ("PENDING", *_ENDS) else status, float(poll["virtual"]))
    last = task.statuses()[-1] if task.polls else "PENDING"
    if last not in ("SUCCEEDED", "FAILED"):
        return "pending:24h,running:0s,succeeded" if last != "RUNNING" else \
            f"pending:{_secs(first.get('RUNNING', start) - start)},running:24h,succeeded"
    end = first[last]
    running = first.get("RUNNING", end)
    steps = f"pending:{_secs(running - start)},running:{_secs(end - running)}"
    code = str((task.final() or {}).get("code") or "InternalError")
    return f"{steps},succeeded" if last == "SUCCEEDED" else \
        f"{steps},failed({code if code in catalog else 'InternalError'})"


def _secs(value: float) -> str:
    return f"{max(0.0, value):.3f}s"


def scenario_entries(found: dict[str, RecordedTask]) -> list[dict[str, Any]]:
    """One entry per recorded task: its id, model, DSL (None when it has none) and a note."""
    out = []
    for task in found.values():
        dsl, note = outcome(task)
        out.append({"task_id": task.task_id, "model": task.model, "scenario": dsl, "note": note})
    return out
