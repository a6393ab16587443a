"""The diff mode's findings as the contract suite's drift report (contracts/report.py renders it)."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from contracts.report import LEGEND, render_markdown

_INTRO = """
Diff mode forwards each request to the upstream, asks the twin the same request (its task steered to the
upstream's status), and compares the two answers as the contract suite does; every upstream answer is also
checked against the spec. **expected** is the twin's value or the spec's rule, **actual** the upstream's.
Each check is one endpoint of one model; `xN` after a step counts how often the difference was seen.
"""


def checks(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences of `GET /__mock/diff` grouped as report checks (one per endpoint and model)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in view.get("items", []):
        grouped[f"{item.get('endpoint')}::{item.get('model') or '-'}"].append(item)
    out = []
    for name, items in sorted(grouped.items()):
        drifts = [{"check": name, "step": f"{i.get('step')} x{i.get('count', 1)}", "kind": i["kind"],
                   "field": i["field"], "expected": i["expected"], "actual": i["actual"],
                   "against": i.get("against")} for i in items]
        out.append({"id": f"diff/{name}", "kind": "diff", "outcome": "failed", "exchanges": sum(
            i.get("count", 1) for i in items), "drifts": drifts})
    return out


def markdown(view: dict[str, Any], source: str) -> str:
    """The whole Markdown report of a diff run."""
    found = checks(view)
    meta = {"target": f"the upstream behind {source}", "reference": "the twin (same requests, same task plan)",
            "spec": "openapi/dashscope.yaml", "reference_kind": "mock",
            "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    text = render_markdown(meta, found).replace("# Contract drift report", "# Diff report: upstream vs twin", 1)
    text = "\n".join(line for line in text.split("\n") if not line.startswith("| tasks created on the target"))
    summary = (f"\n{view.get('exchanges', 0)} exchanges compared, {view.get('differences', 0)} distinct "
               f"difference(s) seen {view.get('occurrences', 0)} time(s).\n")
    text = text.replace("\n## Checks\n", f"{summary}\n## Checks\n", 1)
    # the suite's legend speaks of its own checks and spend; its table of kinds holds here as it is
    kinds = LEGEND[LEGEND.index("| kind | meaning |"):].split("\n\n", 1)[0]
    return f"{text.split('## How to read this report', 1)[0]}## How to read this report\n{_INTRO}\n{kinds}\n"
