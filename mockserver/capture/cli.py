"""The capture side of the `dashscope-mock` command: `serve`'s capture/replay/diff options, `diff`, and
`cassette scenarios` (cli.py registers them and calls in here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from .cassette import CassetteError, load, tasks
from .scenarios import scenario_entries


def fetch_diff(url: str, admin_token: str | None) -> dict[str, Any]:
    """GET <url>/__mock/diff of a running twin; ValueError with a one-line reason when that fails."""
    headers = {"X-Mock-Admin-Token": admin_token} if admin_token else {}
    try:
        response = httpx.get(url.rstrip("/") + "/__mock/diff", headers=headers, timeout=10, trust_env=False)
    except httpx.HTTPError as exc:
        raise ValueError(f"cannot reach {url}: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise ValueError(f"{url}/__mock/diff answered {response.status_code}: {response.text[:200]}")
    data: dict[str, Any] = response.json()
    return data


def render_diff(view: dict[str, Any], fmt: str, source: str) -> str:
    """The diff as the contract suite's drift report (Markdown) or as JSON."""
    if fmt == "json":
        return json.dumps(view, ensure_ascii=False, indent=1)
    from .report import markdown

    return markdown(view, source)


def scenarios_yaml(directory: Path) -> str:
    """The recorded task outcomes of a cassette as a `serve --scenarios` file (YAML); CassetteError if unusable."""
    found = tasks(load(directory))
    if not found:
        raise CassetteError(f"{directory} holds no recorded task (no create answered 200)")
    lines = [f"# {len(found)} recorded task(s) from {directory}: one scenario per task, in the order created",
             "scenarios:"]
    for entry in scenario_entries(found):
        if entry["scenario"] is None:
            lines.append(f"  # task {entry['task_id']} ({entry['model']}): {entry['note']}")
            continue
        lines.append(f"  - {{scenario: {json.dumps(entry['scenario'], ensure_ascii=False)}, "
                     f"model: {json.dumps(entry['model'])}}}  # task {entry['task_id']}")
    return "\n".join(lines) + "\n"
