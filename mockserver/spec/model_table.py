"""The models a twin serves as rows for people and scripts (`dashscope-mock models`)."""

from __future__ import annotations

from typing import Any

from .overlay import SEPARATOR
from .profiles import ModelProfile, Registry

COLUMNS = ("model", "route", "family", "mode", "validates", "output", "source")


def family(profile: ModelProfile) -> str:
    """The model's family: the request schema it shares with its siblings (an overlay copy counts as its base's)."""
    return profile.schema_name.split(SEPARATOR)[0].removesuffix("Request")


def model_row(profile: ModelProfile) -> dict[str, Any]:
    """One model: its route(s), family, sync/async mode, where parameter errors are reported, output, source."""
    return {
        "model": profile.name,
        "route": profile.route,
        "sync_route": profile.sync_route,
        "family": family(profile),
        "mode": profile.mode,
        # where the real service reports a parameter error (the faithful profile follows it; dev's strict
        # validation rejects every one at submit)
        "validates": "submit" if profile.validation == "submit" else "task (deferred)",
        "output": profile.output.kind,
        "source": "overlay" if SEPARATOR in profile.schema_name else "spec",
    }


def model_rows(registry: Registry) -> list[dict[str, Any]]:
    """Every model of `registry`, sorted by route then id."""
    return sorted((model_row(p) for p in registry.models.values()), key=lambda r: (r["route"], r["model"]))


def table(rows: list[dict[str, Any]]) -> str:
    """`rows` as plain aligned columns (never cut: a long line wraps rather than lose an id)."""
    cells = [list(COLUMNS)] + [[_cell(r, c) for c in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def _cell(row: dict[str, Any], column: str) -> str:
    if column == "route" and row.get("sync_route"):
        return f"{row['route']} (+ sync {row['sync_route']})"
    return str(row[column])
