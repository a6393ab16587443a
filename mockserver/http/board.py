"""The task board at `/__mock/ui`: every account's tasks, a task's plan, timeline, request, result and journal,
the scenario queue, the fault plan and the clock. Server-rendered; static/board.js refreshes the live parts and
sends the writes (to the admin API, with the board's per-process token).

It reads the twin only through its read API: `twin.tasks` (recent, find, status, times, polls), `twin.clock`,
`twin.scenarios`, `twin.faults`.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from ..domain.clock import format_cst
from ..domain.state import Twin
from ..wire.render import Renderer
from . import board_diff
from . import board_views as v
from .access import COOKIE, Access

STATIC = Path(__file__).parent / "static"
_HEADERS = {"cache-control": "no-store", "referrer-policy": "no-referrer", "x-frame-options": "DENY",
            "content-security-policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                       "style-src 'self'; script-src 'self'; frame-ancestors 'none'"}


def install(app: FastAPI, twin: Twin, renderer: Renderer, access: Access) -> None:
    """Add the board's pages and assets to the admin app (outside its OpenAPI document)."""
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="board-static")

    def html(title: str, body: str) -> HTMLResponse:
        return HTMLResponse(v.page(title, access.board_token, body), headers=_HEADERS)

    def local(url: str) -> str:
        """A result URL as a path on this twin, so the page loads it from wherever the browser reached us."""
        return url[len(renderer.result_host):] if url.startswith(renderer.result_host) else url

    @app.get("/ui", include_in_schema=False)
    async def board(request: Request, q: str = "") -> Response:
        """The board: tasks newest first, the clock, scenarios and faults."""
        if request.query_params.get("token"):  # passed the gate: keep it as a cookie, drop it from the URL
            moved = RedirectResponse("/__mock/ui", status_code=303)
            moved.set_cookie(COOKIE, access.admin_token, httponly=True, samesite="strict", path="/__mock")
            return moved
        rows = []
        for task in twin.tasks.recent(300):
            rows.append((task, twin.tasks.status(task), twin.tasks.times(task)[1]))
        body = f"""<div class="grid"><section class="tasks"><h1>Tasks <small>every account, newest first</small></h1>
<input id="filter" type="search" value="{v.e(q)}" placeholder="filter: model, status, account, task id"
 aria-label="filter tasks">
<table id="task-table"><thead><tr><th>task</th><th>account</th><th>model</th><th>status</th><th>submitted (CST)</th>
<th>ended</th></tr></thead><tbody id="tasks" data-live>{v.task_rows(rows)}</tbody></table></section>
<aside>{board_diff.panel(twin.diffs)}
{v.clock_panel(twin.clock.state())}{v.scenario_panel([i.view() for i in twin.scenarios.listed()])}
{v.fault_panel(twin.faults.plan.view())}</aside></div>"""
        return html("Tasks", body)

    board_diff.install(app, twin, html)

    @app.get("/ui/tasks/{task_id}", include_in_schema=False)
    async def task_page(task_id: str) -> Response:
        """One task: plan, timeline with polls, request, result, journal."""
        task = twin.tasks.find(task_id)
        if task is None:
            return HTMLResponse(v.page("No such task", access.board_token,
                                       f"<h1>No task {v.e(task_id)}</h1><p>It was never created, or it expired "
                                       "and was dropped.</p>"), status_code=404, headers=_HEADERS)
        status = twin.tasks.status(task)
        scheduled, end = twin.tasks.times(task)
        polls = twin.tasks.polls(task_id)
        outcome = task.final if task.canceled_at is None else "CANCELED"
        detail = f" {task.code}: {task.message}" if task.final == "FAILED" and task.canceled_at is None else ""
        rendered = renderer.render(task, status) if status in ("SUCCEEDED", "FAILED", "CANCELED") else None
        output = rendered["output"] if rendered else None
        result = v.media([local(u) for u in v.media_urls(output)]) if status == "SUCCEEDED" else ""
        counted = " (advances by polls)" if task.poll_plan else ""
        body = f"""<h1>Task <code>{v.e(task.task_id)}</code> <span id="status" data-live>{v.badge(status)}</span></h1>
<section class="plan"><dl><dt>model</dt><dd>{v.e(task.model)}</dd><dt>account</dt><dd>{v.e(task.account)}</dd>
<dt>submitted</dt><dd>{v.e(format_cst(task.submit))} CST</dd>
<dt>queue wait</dt><dd>{v.e(v.seconds(max(scheduled - task.submit, 0)))}{counted}</dd>
<dt>run time</dt><dd>{v.e(v.seconds(max(end - scheduled, 0)))}</dd>
<dt>outcome</dt><dd>{v.badge(outcome)}{v.e(detail)}</dd><dt>request id</dt><dd>{v.e(task.request_id)}</dd></dl>
</section>
<section><h2>Timeline <small>virtual time; ● a poll, large ● too early (&lt; {v.MIN_POLL_INTERVAL_S:g} s after the
previous one), ringed ● after a terminal state</small></h2>
<div id="timeline" data-live>{v.timeline(task, scheduled, end, task.final, polls, twin.clock.now())}</div></section>
<div class="grid2"><section><h2>Request</h2><pre>{v.e(orjson.dumps(task.request(),
                                                                  option=orjson.OPT_INDENT_2).decode())}</pre></section>
<section><h2>Result</h2><div id="result" data-live>{result}<pre>{v.e(orjson.dumps(output,
                                                                  option=orjson.OPT_INDENT_2).decode()
                                                      if output else "No result yet.")}</pre></div></section></div>
<section><h2>Journal</h2><div id="journal" data-live>{v.journal_table(polls, task.submit)}</div></section>"""
        return html(f"Task {task_id}", body)
