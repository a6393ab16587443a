"""The board's HTML: small server-rendered fragments, and a task's status timeline as inline SVG.

Elements marked `data-live` are the ones the board's script refreshes in place (static/board.js).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

import orjson

from ..domain.browse import MAX_OFFSET, SORTS, Query, Row
from ..domain.clock import format_cst
from ..domain.journal import Poll
from ..domain.task import TERMINAL, Task

MIN_POLL_INTERVAL_S = 1.0  # a poll sooner than this after the previous one is drawn as too early
READS_AFTER_TERMINAL = 2  # reads of an ended task that are ordinary (fetch the result, download); more are "late"
PROMPT_SHOWN = 80  # characters of a prompt in the task table (the whole prompt is its tooltip)
_COLORS = {"PENDING": "#c9a227", "RUNNING": "#2f7ed8", "SUCCEEDED": "#2e9e44", "FAILED": "#d64541",
           "CANCELED": "#888", "UNKNOWN": "#555", "-": "#000"}


def e(value: object) -> str:
    """HTML-escaped text of any value (None shows as a dash)."""
    return "–" if value is None else escape(str(value), quote=True)


def page(title: str, token: str, body: str, live: str = "") -> str:
    """A whole board page: head with the board token for the script's writes and the URL its live parts come
    from, nav, body."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="board-token" content="{e(token)}">
<meta name="board-live" content="{e(live)}"><link rel="icon" href="data:,"><title>{e(title)} · dashscope-mock</title>
<link rel="stylesheet" href="/__mock/ui/static/board.css"></head>
<body><header><a class="brand" href="/__mock/ui">dashscope-mock</a><a href="/__mock/ui">Tasks</a>
<a href="/docs">API docs</a><a href="/docs?api=admin">Admin API</a><span id="flash" role="status"></span></header>
<main>{body}</main><script src="/__mock/ui/static/board.js"></script></body></html>"""


def badge(status: str) -> str:
    """A status as a coloured label."""
    return f'<span class="badge s-{e(status.lower())}">{e(status)}</span>'


def seconds(value: float) -> str:
    """A duration for people: 850 ms, 12.5 s, 3 min 20 s, 2 h 5 min."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value // 60:.0f} min {value % 60:.0f} s"
    return f"{value // 3600:.0f} h {value % 3600 // 60:.0f} min"


def ended_at(task: Task, status: str, end: float) -> str:
    """When the task ended as far as a client can see now (a dash while it runs)."""
    if status == "CANCELED":
        return format_cst(task.canceled_at or task.submit)
    return format_cst(end) if status in ("SUCCEEDED", "FAILED") else "–"


def task_rows(rows: Iterable[Row]) -> str:
    """The task table's rows: id, account (with its masked key), model, prompt, status, submitted, ended."""
    out = []
    for row in rows:
        task, status = row.task, row.status
        prompt = row.prompt if len(row.prompt) <= PROMPT_SHOWN else row.prompt[:PROMPT_SHOWN - 1] + "…"
        out.append(
            f'<tr data-task="{e(task.task_id)}"><td class="id"><a href="/__mock/ui/tasks/{e(task.task_id)}">'
            f'{e(task.task_id)}</a></td><td class="account" title="{e(task.account)}">'
            f'{account_label(task.account, row.key)}</td><td>{e(task.model)}</td>'
            f'<td class="prompt" title="{e(row.prompt)}">{e(prompt)}</td>'
            f'<td>{badge(status)}</td><td>{e(format_cst(task.submit))}</td>'
            f'<td class="ended">{e(ended_at(task, status, row.end))}</td></tr>')
    return "".join(out) or '<tr class="empty"><td colspan="7">No tasks match.</td></tr>'


def account_label(account: str, key: str) -> str:
    """An account for people: the masked key of a default account (its `acct-` id is a hash), else its name."""
    if key:
        return f'<span class="key">{e(key)}</span> <small>{e(account[:10])}…</small>'
    return e(account)


def pager(query: Query, shown: int, more: bool, truncated: bool, touched: int) -> str:
    """Links to the newer and older pages of the same query, and what the page looked at."""
    def link(offset: int, text: str) -> str:
        params = {"q": " ".join(query.words), "status": query.status, "sort": query.sort,
                  "limit": str(query.limit), "offset": str(offset)}
        href = "/__mock/ui?" + urlencode({k: v for k, v in params.items() if v and v != "newest"})
        return f'<a href="{e(href)}" data-page="{offset}">{text}</a>'

    first = query.offset + 1 if shown else query.offset
    parts = [f"<span>{first}–{query.offset + shown}</span>"]
    if query.offset > 0:
        parts.insert(0, link(max(query.offset - query.limit, 0), "← newer"))
    if more and query.offset + query.limit <= MAX_OFFSET:
        parts.append(link(query.offset + query.limit, "older →"))
    if truncated:
        parts.append(f"<small>searched the newest {touched:,} tasks only: add <code>account:NAME</code> or a task "
                     "id to look further</small>")
    return " ".join(parts)


def query_form(query: Query) -> str:
    """The board's search: free text, status, sort and page size (all answered by the server)."""
    statuses = "".join(f'<option value="{s}"{" selected" if s == query.status else ""}>{s or "any status"}</option>'
                       for s in ("", "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"))
    sorts = "".join(f'<option value="{s}"{" selected" if s == query.sort else ""}>{s}</option>' for s in SORTS)
    sizes = "".join(f'<option{" selected" if n == query.limit else ""}>{n}</option>' for n in (25, 50, 100, 200))
    return f"""<form id="query" class="query" method="get" action="/__mock/ui">
<input id="filter" name="q" type="search" value="{e(" ".join(query.words))}" aria-label="filter tasks"
 placeholder="filter: words of id, account, model, status or prompt; account:NAME">
<select name="status" aria-label="status">{statuses}</select><select name="sort" aria-label="sort">{sorts}</select>
<select name="limit" aria-label="page size">{sizes}</select><button>Search</button></form>"""


def clock_now(state: dict[str, Any]) -> str:
    """The clock's reading: time, scale, frozen or running."""
    frozen = bool(state["frozen"])
    scale = f"{state['scale']:g}"
    return (f'<b>{e(state["iso"])}</b> CST · scale ×{e(scale)} · '
            f'<span data-frozen="{str(frozen).lower()}">{"frozen" if frozen else "running"}</span>')


def clock_panel(state: dict[str, Any]) -> str:
    """The clock, live, with advance / freeze / scale controls."""
    return f"""<section class="panel"><h2>Clock</h2>
<div id="clock" data-live>{clock_now(state)}</div>
<form data-action="POST /__mock/clock" class="row"><input name="advance" type="number" min="0" step="any"
 placeholder="seconds" aria-label="advance by seconds" required><button>Advance</button></form>
<div class="row"><button data-action="POST /__mock/clock" data-body='{{"freeze": true}}'>Freeze</button>
<button data-action="POST /__mock/clock" data-body='{{"freeze": false}}'>Run</button></div>
<form data-action="POST /__mock/clock" class="row"><input name="scale" type="number" min="0.000001" max="1000000"
 step="any" placeholder="scale" aria-label="scale" required><button>Set scale</button></form></section>"""


def scenario_items(items: Sequence[dict[str, Any]]) -> str:
    """The scenario queue's entries, each with a remove button."""
    rows = "".join(
        f'<li><code>{e(i["scenario"])}</code> <small>model {e(i["model"] or "any")} · key '
        f'{e(i["api_key"] or "any")} · ×{e(i["times"])}</small> <button class="link" '
        f'data-action="DELETE /__mock/scenarios/{e(i["id"])}">remove</button></li>' for i in items)
    return rows or "<li class='empty'>Empty: creates follow the model's own timings.</li>"


def scenario_panel(items: Sequence[dict[str, Any]]) -> str:
    """The scenario queue with remove buttons, and a form to add one."""
    return f"""<section class="panel"><h2>Scenario queue</h2>
<ul id="scenarios" data-live>{scenario_items(items)}</ul>
<form data-action="POST /__mock/scenarios" class="col"><input name="scenario" required
 placeholder="pending:2s,running:5s,failed(DataInspectionFailed)" aria-label="scenario">
<div class="row"><input name="model" placeholder="model (any)" aria-label="model">
<input name="times" type="number" min="1" value="1" aria-label="times"><button>Queue</button></div></form></section>"""


def fault_text(plan: dict[str, Any]) -> str:
    """The fault plan as indented JSON (escaped)."""
    return e(orjson.dumps(plan, option=orjson.OPT_INDENT_2).decode())


def fault_panel(plan: dict[str, Any]) -> str:
    """The fault plan, and a form to replace or clear it."""
    return f"""<section class="panel"><h2>Fault plan</h2><pre id="faults" data-live>{fault_text(plan)}</pre>
<form data-action="POST /__mock/faults" class="col"><div class="row">
<label>errors <input name="error_rate" type="number" min="0" max="1" step="any" value="0"></label>
<label>5xx <input name="server_error_rate" type="number" min="0" max="1" step="any" value="0"></label></div>
<div class="row"><label>slow <input name="slow_rate" type="number" min="0" max="1" step="any" value="0"></label>
<label>ms <input name="slow_ms" type="number" min="0" max="60000" value="200"></label>
<label>seed <input name="seed" type="number" min="0"></label></div>
<div class="row"><button>Set faults</button><button type="button" data-action="POST /__mock/faults"
 data-body="{{}}">Clear</button></div></form></section>"""


def poll_kinds(polls: Sequence[Poll]) -> list[str]:
    """For each poll: "ok", "early" (sooner than MIN_POLL_INTERVAL_S after the previous one while the task ran),
    "read" (one of the first READS_AFTER_TERMINAL reads after a terminal state: fetching the result, a download)
    or "late" (more reads after that: a client still polling a task that ended)."""
    kinds: list[str] = []
    after, prev = -1, None  # reads since the first terminal answer (-1: none served yet)
    for p in polls:
        if after >= 0:
            after += 1
            kinds.append("read" if after <= READS_AFTER_TERMINAL else "late")
        elif prev is not None and p.at - prev < MIN_POLL_INTERVAL_S:
            kinds.append("early")
        else:
            kinds.append("ok")
        if after < 0 and p.status in TERMINAL:
            after = 0
        prev = p.at
    return kinds


_TAIL = 120.0  # px of the timeline for what comes long after the task ended (later reads, now)


def timeline(task: Task, scheduled: float, end: float, final: str, polls: Sequence[Poll], now: float) -> str:
    """The task's states over virtual time as SVG bands, each poll a marker (too early / late reads stand out),
    ticks at scheduling and end, and a line at now. The task's own life fills the width whatever its length:
    reads and a `now` long after it ended sit in a tail after a break, on a log scale."""
    w, left, right = 860.0, 10.0, 10.0
    stop = task.canceled_at if task.canceled_at is not None else end
    t0 = task.submit
    main_end = max(stop, scheduled, t0 + 1e-3) + max(stop - t0, 1e-3) * 0.15
    current = now if now < t0 + 86400 else None
    later = [t for t in [*(p.at for p in polls), *([current] if current is not None else [])] if t > main_end]
    last = max(later, default=main_end)
    main_w = w - left - right - (_TAIL if later else 0.0)

    def x(t: float) -> float:
        if t <= main_end:
            return round(left + main_w * (max(t, t0) - t0) / (main_end - t0), 1)
        gap = 12.0  # the break between the two scales
        share = math.log1p(t - main_end) / math.log1p(last - main_end) if last > main_end else 1.0
        return round(left + main_w + gap + (_TAIL - gap) * share, 1)

    if task.canceled_at is not None:
        bands = [("PENDING", t0, task.canceled_at), ("CANCELED", task.canceled_at, main_end)]
    else:
        bands = [("PENDING", t0, scheduled), ("RUNNING", scheduled, end), (final, end, main_end)]
    parts = [f'<svg class="timeline" viewBox="0 0 {w:.0f} 96" width="100%" role="img" '
             f'aria-label="status timeline">']
    for name, a, b in bands:
        if b > a:
            parts.append(f'<rect class="band b-{name.lower()}" x="{x(a)}" y="14" width="{max(x(b) - x(a), 1)}" '
                         f'height="26" fill="{_COLORS[name]}"><title>{name} {seconds(b - a)}</title></rect>')
            if x(b) - x(a) > 70:
                parts.append(f'<text x="{x(a) + 4}" y="31" class="band-label">{name}</text>')
    if later:
        edge = left + main_w
        last_band = bands[-1][0]
        parts.append(f'<rect class="band tail" x="{edge + 12}" y="14" width="{_TAIL - 12}" height="26" '
                     f'fill="{_COLORS[last_band]}" opacity="0.35"><title>later (log scale)</title></rect>'
                     f'<text x="{edge + 6}" y="33" class="break" text-anchor="middle">≈</text>')
    for label, t in (("scheduled", scheduled), ("end", stop)):
        if t0 < t <= main_end:
            parts.append(f'<line x1="{x(t)}" x2="{x(t)}" y1="10" y2="44" class="tick"><title>{label}</title></line>')
    if current is not None and current >= t0:
        parts.append(f'<line x1="{x(current)}" x2="{x(current)}" y1="6" y2="84" class="now"><title>now</title></line>')
    notes = {"early": " - too early", "late": " - still polling after the task ended",
             "read": " - a read after the task ended", "ok": ""}
    for i, (p, kind) in enumerate(zip(polls, poll_kinds(polls), strict=True)):
        title = f"poll {i + 1} at +{p.at - t0:.3f}s: {p.status}" + (f" (fault {p.fault})" if p.fault else "") \
            + notes[kind]
        r = 6 if kind in ("early", "late") else 4
        parts.append(f'<circle class="poll {kind}" data-status="{e(p.status)}" cx="{x(p.at)}" cy="{60 + (i % 3) * 8}" '
                     f'r="{r}" fill="{_COLORS.get(p.status, "#000")}"><title>{e(title)}</title></circle>')
    parts.append(f'<text x="{left}" y="94" class="axis">+0 s</text>'
                 f'<text x="{left + main_w}" y="94" class="axis" text-anchor="end">+{e(seconds(main_end - t0))}</text>')
    if later:
        parts.append(f'<text x="{w - right}" y="94" class="axis" text-anchor="end">+{e(seconds(last - t0))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def journal_table(polls: Sequence[Poll], submit: float) -> str:
    """Every poll: virtual time (and offset), wall time, status served, fault, and its kind."""
    rows = "".join(
        f'<tr class="{kind}"><td>{i + 1}</td><td>{e(format_cst(p.at))}</td><td>+{p.at - submit:.3f} s</td>'
        f"<td>{badge(p.status)}</td><td>{e(p.fault)}</td><td>{'' if kind == 'ok' else e(kind)}</td></tr>"
        for i, (p, kind) in enumerate(zip(polls, poll_kinds(polls), strict=True)))
    return ("<table><thead><tr><th>#</th><th>virtual time (CST)</th><th>since submit</th><th>served</th>"
            f"<th>fault</th><th></th></tr></thead><tbody>{rows or '<tr><td colspan=6>No polls yet.</td></tr>'}"
            "</tbody></table>")


def media_urls(output: Any) -> list[str]:
    """Every result URL in a rendered output, in order."""
    found: list[str] = []
    if isinstance(output, dict):
        for key, value in output.items():
            if isinstance(value, str) and key.endswith("url") and value.startswith("http"):
                found.append(value)
            else:
                found.extend(media_urls(value))
    elif isinstance(output, list):
        for value in output:
            found.extend(media_urls(value))
    return found


def media(urls: Sequence[str]) -> str:
    """A video element per video, an image per image."""
    out = []
    for url in urls:
        path = url.split("?", 1)[0].lower()
        if path.endswith((".mp4", ".mov", ".webm")):
            out.append(f'<video controls muted preload="auto" src="{e(url)}"></video>')
        elif path.endswith((".png", ".jpg", ".jpeg", ".webp")):
            out.append(f'<img alt="result image" src="{e(url)}">')
        else:
            out.append(f'<a href="{e(url)}">{e(url.split("?", 1)[0].rsplit("/", 1)[-1])}</a>')
    return "".join(out)
