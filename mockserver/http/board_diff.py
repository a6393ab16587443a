"""The board's diff page (`/__mock/ui/diff`) and the count on the main board: what diff mode found."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.responses import HTMLResponse, Response

from ..domain.diffs import DiffBook
from ..domain.state import Twin
from .board_views import e


def panel(diffs: DiffBook) -> str:
    """The main board's line: how many differences diff mode found, linking to the page (none outside diff mode)."""
    if not diffs.exchanges:
        return ""
    return (f'<section class="diff"><h2>Diff</h2><p><a href="/__mock/ui/diff">{diffs.count()} difference(s)</a> '
            f"over {diffs.exchanges} exchange(s) with the upstream</p></section>")


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return e(text if len(text) <= 200 else text[:199] + "…")


def table(view: dict[str, Any]) -> str:
    """The differences as an HTML table."""
    if not view["items"]:
        return "<p>No difference: every compared answer matched the twin and the spec.</p>"
    rows = "".join(
        f"<tr><td>{_cell(i['endpoint'])}</td><td>{_cell(i['model'] or '-')}</td><td>{_cell(i['kind'])}</td>"
        f"<td><code>{_cell(i['field'])}</code></td>"
        f"<td>{'(absent)' if i['kind'] == 'extra' else _cell(i['expected'])}</td>"
        f"<td>{'(absent)' if i['kind'] == 'missing' else _cell(i['actual'])}</td>"
        f"<td>{i['count']}</td></tr>" for i in view["items"])
    return (f"<table id=\"diff-table\"><thead><tr><th>endpoint</th><th>model</th><th>kind</th><th>field</th>"
            f"<th>twin / spec</th><th>upstream</th><th>seen</th></tr></thead><tbody>{rows}</tbody></table>")


def install(app: FastAPI, twin: Twin, html: Callable[[str, str], HTMLResponse]) -> None:
    """Add `/ui/diff` to the admin app."""

    @app.get("/ui/diff", include_in_schema=False)
    async def diff_page() -> Response:
        """Every distinct difference diff mode found, with how often it was seen."""
        view = twin.diffs.view()
        body = (f"<h1>Diff <small>{view['differences']} difference(s) over {view['exchanges']} exchange(s); "
                f"the same as <code>dashscope-mock diff</code></small></h1>{table(view)}")
        return html("Diff", body)
