"""Differences between the target's responses and the spec or the mock, as flat, serializable records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .normalize import json_type, normalize

# kinds, in the order the report lists them
KINDS = ("spec", "status", "code", "message", "task_status", "missing", "extra", "type", "value")
_VALUE_KINDS = {"code": "code", "message": "message", "task_status": "task_status", "status": "task_status"}
# counts that depend on the account's history, not on the contract (the list API, docs/behaviour.md §3.2)
_VARYING = {"total", "total_page"}
_VARYING_LISTS = {"data", "tasks"}


@dataclass(frozen=True)
class Drift:
    """One difference. `expected` is the spec's rule or the mock's value; `actual` is the target's."""

    check: str
    step: str
    kind: str
    field: str
    expected: Any
    actual: Any
    against: str  # "spec" | "mock"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by the report and by pytest's user_properties (xdist-safe)."""
        return asdict(self)


def compare(check: str, step: str, target: Any, reference: Any) -> list[Drift]:
    """Every difference between a target body and the mock's body for the same step (both raw)."""
    out: list[Drift] = []
    _walk(normalize(target), normalize(reference), "", out, check, step)
    return out


def compare_status(check: str, step: str, target: int, reference: int) -> list[Drift]:
    """An HTTP status difference, if any."""
    if target == reference:
        return []
    return [Drift(check, step, "status", "HTTP status", reference, target, "mock")]


def _walk(t: Any, r: Any, path: str, out: list[Drift], check: str, step: str) -> None:
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if isinstance(t, Mapping) and isinstance(r, Mapping):
        for k in r:
            if k not in t:
                out.append(Drift(check, step, "missing", _join(path, k), _sample(r[k]), None, "mock"))
        for k in t:
            if k not in r:
                out.append(Drift(check, step, "extra", _join(path, k), None, _sample(t[k]), "mock"))
            else:
                _walk(t[k], r[k], _join(path, k), out, check, step)
        return
    if isinstance(t, list) and isinstance(r, list):
        if len(t) != len(r) and key not in _VARYING_LISTS:
            out.append(Drift(check, step, "value", f"{path} (length)", len(r), len(t), "mock"))
        for i, (ti, ri) in enumerate(zip(t, r, strict=False)):
            _walk(ti, ri, f"{path}[{i}]", out, check, step)
            if key in _VARYING_LISTS:
                break  # items of an account's task list differ by nature; the first one shows the shape
        return
    tt, rt = json_type(t), json_type(r)
    if tt != rt:
        out.append(Drift(check, step, "type", path, rt if rt.startswith("<") else f"{rt} {r!r}",
                         tt if tt.startswith("<") else f"{tt} {t!r}", "mock"))
    elif t != r and key not in _VARYING:
        out.append(Drift(check, step, _VALUE_KINDS.get(key, "value"), path, r, t, "mock"))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _sample(value: Any) -> Any:
    """A short stand-in for a missing or extra value (its normalized form, objects by their keys)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(sorted(value)) + "}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    return value
