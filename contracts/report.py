"""The drift report (Markdown for people, JSON for tools), the live progress line, the summary table."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .drift import KINDS
from .redact import find_secrets, redact

_STYLE = {"passed": "green", "failed": "bold red", "error": "bold red", "skipped": "yellow"}
_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}

LEGEND = """\
## How to read this report

Each check sends the same requests to the target and, unless the target is the mock itself, to an
in-process mock (faithful profile). Every target response is validated against the spec; then ids,
timestamps, signatures, account ids and prompts are replaced by `<placeholders>` and the two responses are
compared field by field. Each row below is one difference; **expected** is the spec's rule or the mock's
value, **actual** is the target's.

| kind | meaning |
|---|---|
| spec | the target answered something the spec does not allow (the check failed) |
| status | the HTTP status differs from the mock's |
| code / message | the error `code` or `message` differs from the mock's |
| task_status | the task reached (or showed) another status than on the mock |
| missing / extra | a field the mock sends and the target does not (missing), or the reverse (extra) |
| type | the same field has another JSON type or format (a `<placeholder>` names a format) |
| value | any other value differs (after normalization) |

A skipped check was not run: paid checks need `--allow-spend N`; a check can also stop at the spend cap
or, in replay, have no snapshot. Skips are never counted as passes.
"""


def totals(checks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Outcome and difference counts over all checks."""
    outcomes = Counter(c.get("outcome", "?") for c in checks)
    kinds = Counter(d["kind"] for c in checks for d in c.get("drifts", []))
    return {"checks": len(checks), "outcomes": dict(outcomes),
            "differences": sum(kinds.values()), "by_kind": {k: kinds[k] for k in KINDS if kinds[k]}}


def _cell(value: Any, limit: int = 140) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(check_id: str) -> str:
    return check_id.split("/")[-1]


def short_name(check_id: str) -> str:
    """`contracts/test_auth.py::test_missing_key` -> `auth::missing_key`."""
    module, _, func = _name(check_id).partition("::")
    return f"{module.removeprefix('test_').removesuffix('.py')}::{func.removeprefix('test_')}"


def render_markdown(meta: dict[str, Any], checks: Sequence[dict[str, Any]]) -> str:
    """The whole Markdown report."""
    t = totals(checks)
    spend = meta.get("spend") or {}
    cap = "no cap" if spend.get("limit") is None else f"cap {spend['limit']}"
    outcome_line = ", ".join(f"{n} {o}" for o, n in sorted(t["outcomes"].items())) or "none"
    kinds_line = ", ".join(f"{n} {k}" for k, n in t["by_kind"].items()) or "none"
    lines = [
        "# Contract drift report", "",
        "| | |", "|---|---|",
        f"| target | {_cell(meta.get('target', '?'))} |",
        f"| compared with | {_cell(meta.get('reference', '?'))} |",
        f"| spec | {_cell(meta.get('spec', '?'))} |",
        f"| run | {_cell(meta.get('finished', ''))}: {t['checks']} checks, {outcome_line} |",
        f"| differences | {t['differences']} ({kinds_line}) |",
        f"| tasks created on the target | {spend.get('paid', 0)} paid ({cap}), {spend.get('free', 0)} free |",
        "", "## Checks", "",
        "| check | kind | outcome | exchanges | differences | note |", "|---|---|---|---|---|---|",
    ]
    for c in checks:
        note = c.get("reason") or "; ".join(c.get("notes", []))
        lines.append(f"| `{_name(c['id'])}` | {c.get('kind', '?')} | {c.get('outcome', '?')} | "
                     f"{c.get('exchanges', 0)} | {len(c.get('drifts', []))} | {_cell(note)} |")
    lines += ["", "## Differences", ""]
    with_drift = [c for c in checks if c.get("drifts")]
    if not with_drift:
        lines.append("None: every response matched the spec" +
                     (" and the mock." if meta.get("reference_kind") == "mock" else "."))
    for c in with_drift:
        lines += [f"### `{_name(c['id'])}`", "", "| step | kind | field | expected | actual |",
                  "|---|---|---|---|---|"]
        for d in c["drifts"]:
            expected = "(absent)" if d["kind"] == "extra" else _cell(d["expected"])
            actual = "(absent)" if d["kind"] == "missing" else _cell(d["actual"])
            lines.append(f"| {_cell(d['step'], 60)} | {d['kind']} | `{_cell(d['field'], 60)}` | "
                         f"{expected} | {actual} |")
        lines.append("")
    if spend.get("tasks"):
        lines += ["## Tasks created on the target", "", "| check | model | billable | task id |",
                  "|---|---|---|---|"]
        lines += [f"| `{_name(str(r['check']))}` | {r['model']} | {'yes' if r['billable'] else 'no'} | "
                  f"{r.get('task_id') or '(no answer)'} |" for r in spend["tasks"]]
        lines.append("")
    lines += ["", LEGEND]
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_report(directory: Path, meta: dict[str, Any], checks: Sequence[dict[str, Any]]) -> tuple[Path, Path]:
    """Write drift.md and drift.json (redacted, and refused if a secret survived); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    meta = dict(meta)
    secrets = meta.pop("secrets", [])
    meta = redact(meta)
    checks = redact(sorted(checks, key=lambda c: str(c["id"])))
    doc = {"meta": {**meta, "totals": totals(checks)}, "checks": checks}
    leftovers = find_secrets(doc, secrets)
    if leftovers:
        raise RuntimeError(f"drift report not written: {'; '.join(leftovers)}")
    md, js = directory / "drift.md", directory / "drift.json"
    _write(js, json.dumps(doc, ensure_ascii=False, indent=1))
    _write(md, render_markdown(meta, checks))
    return md, js


def progress_line(check: dict[str, Any]) -> Text:
    """One line per finished check, for the live progress."""
    outcome = check.get("outcome", "?")
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{_MARK.get(outcome, outcome):5} ", style=_STYLE.get(outcome, ""))
    line.append(f"{check.get('kind', '?'):4} ", style="dim")
    line.append(short_name(check["id"]))
    drifts = check.get("drifts", [])
    spec = sum(1 for d in drifts if d["kind"] == "spec")
    line.append(f"  {check.get('exchanges', 0)} exchanges", style="dim")
    if drifts:
        line.append(f"  {len(drifts) - spec} vs mock", style="yellow")
    if spec:
        line.append(f"  {spec} vs spec", style="red")
    if outcome == "skipped" and check.get("reason"):
        line.append(f"  ({check['reason']})", style="dim")
    return line


def summary_table(checks: Sequence[dict[str, Any]]) -> Table:
    """The end-of-run table: one row per check."""
    table = Table(title="Contract checks", title_justify="left", show_lines=False)
    for col, right in (("check", False), ("kind", False), ("outcome", False), ("exchanges", True),
                       ("vs spec", True), ("vs mock", True)):
        table.add_column(col, justify="right" if right else "left", no_wrap=True, min_width=len(col))
    table.add_column("note", max_width=50, overflow="ellipsis", no_wrap=True)
    for c in sorted(checks, key=lambda c: str(c["id"])):
        drifts = c.get("drifts", [])
        spec = sum(1 for d in drifts if d["kind"] == "spec")
        outcome = c.get("outcome", "?")
        note = c.get("reason") or "; ".join(c.get("notes", []))
        table.add_row(short_name(c["id"]), c.get("kind", "?"), Text(outcome, style=_STYLE.get(outcome, "")),
                      str(c.get("exchanges", 0)), str(spec), str(len(drifts) - spec), note[:70])
    return table


def render(renderable: Any, width: int, color: bool) -> str:
    """Render a rich object to text for pytest's terminal writer (wider when it goes to a file or pipe)."""
    buf = io.StringIO()
    width = width if color else max(width, 120)
    Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
            highlight=False).print(renderable)
    return buf.getvalue()
