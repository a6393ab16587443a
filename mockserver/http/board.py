"""The task board at `/__mock/ui`: every account's tasks, a task's plan, timeline, request, result and journal,
the scenario queue, the fault plan and the clock. Server-rendered; static/board.js refreshes the live parts and
sends the writes (to the admin API, with the board's per-process token).

The task list is one page, filtered and sorted here (domain/browse.py: never a walk of every account). The
page's script asks `/ui/live` (or a task's `/live`) once a second with the digest of what it shows and gets 204
when nothing changed, else only the live parts. The page handlers are plain functions, so FastAPI runs them in
its thread pool: a filtered page's bounded scan (up to browse.SCAN_MAX tasks) never holds up the event loop's
polls for its whole length. docs/board.md.

It reads the twin only through its read API: `twin.tasks` (recent, find, status, times, polls), `twin.clock`,
`twin.scenarios`, `twin.faults`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

import orjson
from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from ..domain import browse
from ..domain.browse import Query
from ..domain.clock import format_cst
from ..domain.state import Twin
from ..domain.task import Task
from ..domain.tasks import SYNC
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

    def html(title: str, body: str, live: str = "") -> HTMLResponse:
        return HTMLResponse(v.page(title, access.board_token, body, live), headers=_HEADERS)

    def local(url: str) -> str:
        """A result URL as a path on this twin, so the page loads it from wherever the browser reached us."""
        return url[len(renderer.result_host):] if url.startswith(renderer.result_host) else url

    def index_parts(query: Query) -> dict[str, str]:
        """The board's live parts for one query: a page of rows, the pager, the clock, scenarios and faults."""
        found = browse.page(twin.tasks, query, twin.keys.label)
        return {"tasks": v.task_rows(found.rows),
                "pager": v.pager(query, len(found.rows), found.more, found.truncated, found.touched),
                **side_parts()}

    def side_parts() -> dict[str, str]:
        return {"clock": v.clock_now(twin.clock.state()),
                "scenarios": v.scenario_items([i.view() for i in twin.scenarios.listed()]),
                "faults": v.fault_text(twin.faults.plan.view())}

    def task_parts(task: Task) -> dict[str, str]:
        """A task page's live parts: status, timeline, result and journal."""
        status = twin.tasks.status(task)
        scheduled, end = twin.tasks.times(task)
        polls = twin.tasks.polls(task.task_id)
        rendered = renderer.render(task, status) if status in ("SUCCEEDED", "FAILED", "CANCELED") else None
        output = rendered["output"] if rendered else None
        result = v.media([local(u) for u in v.media_urls(output)]) if status == "SUCCEEDED" else ""
        shown = orjson.dumps(output, option=orjson.OPT_INDENT_2).decode() if output else "No result yet."
        return {"status": v.badge(status),
                "timeline": v.timeline(task, scheduled, end, task.final, polls, twin.clock.now()),
                "result": f"{result}<pre>{v.e(shown)}</pre>", "journal": v.journal_table(polls, task.submit)}

    def changes(parts: dict[str, str], seen: str | None) -> Response:
        """The live parts as JSON with their digest, or 204 when the page already shows them (`seen`)."""
        digest = hashlib.blake2b(orjson.dumps(parts), digest_size=12).hexdigest()
        if seen == digest:
            return Response(status_code=204, headers=_HEADERS)
        return Response(orjson.dumps({"digest": digest, "parts": parts}), media_type="application/json",
                        headers=_HEADERS)

    @app.get("/ui", include_in_schema=False)
    def board(request: Request) -> Response:
        """The board: a page of every account's tasks (filtered and sorted here), the clock, scenarios, faults."""
        given = request.query_params.get("token")
        if given is not None:  # a login link: keep the token as a cookie and drop it from the URL, if it is right
            if not access.is_admin_token(given):  # loopback passed the gate without it: set nothing (security.md)
                return HTMLResponse(v.page("Wrong token", access.board_token,
                                           "<h1>Wrong token</h1><p>The link's <code>token</code> is not this twin's "
                                           "admin token; no cookie was set.</p>"), status_code=403, headers=_HEADERS)
            moved = RedirectResponse("/__mock/ui", status_code=303)
            moved.set_cookie(COOKIE, access.admin_token, httponly=True, samesite="strict", path="/__mock")
            return moved
        query = Query.parse(dict(request.query_params))
        parts = index_parts(query)
        body = f"""<div class="grid"><section class="tasks"><h1>Tasks <small>every account</small></h1>
{v.query_form(query)}<div class="table-wrap"><table id="task-table"><thead><tr><th>task</th><th>account</th>
<th>model</th><th>prompt</th><th>status</th><th>submitted (CST)</th><th class="ended">ended</th></tr></thead>
<tbody id="tasks" data-live>{parts["tasks"]}</tbody></table></div><nav id="pager" data-live>{parts["pager"]}</nav>
</section><aside>{board_diff.panel(twin.diffs)}
{v.clock_panel(twin.clock.state())}{v.scenario_panel([i.view() for i in twin.scenarios.listed()])}
{v.fault_panel(twin.faults.plan.view())}</aside></div>"""
        return html("Tasks", body, live="/__mock/ui/live")

    @app.get("/ui/live", include_in_schema=False)
    def board_live(request: Request, seen: str | None = None) -> Response:
        """What changed on the board for its query since the digest `seen` (204: nothing)."""
        return changes(index_parts(Query.parse(dict(request.query_params))), seen)

    @app.get("/ui/tasks/{task_id}/live", include_in_schema=False)
    def task_live(task_id: str, seen: str | None = None) -> Response:
        """What changed on a task's page since the digest `seen` (204: nothing; 404: the task is gone)."""
        task = twin.tasks.find(task_id)
        if task is None:
            return Response(status_code=404, headers=_HEADERS)
        return changes(task_parts(task), seen)

    board_diff.install(app, twin, html)

    @app.get("/ui/tasks/{task_id}", include_in_schema=False)
    def task_page(task_id: str) -> Response:
        """One task: plan (with the prompt), timeline with polls, request, result, journal."""
        task = twin.tasks.find(task_id)
        if task is None:
            return HTMLResponse(v.page("No such task", access.board_token,
                                       f"<h1>No task {v.e(task_id)}</h1><p>It was never created, or it expired "
                                       "and was dropped.</p>"), status_code=404, headers=_HEADERS)
        parts = task_parts(task)
        scheduled, end = twin.tasks.times(task)
        outcome = task.final if task.canceled_at is None else "CANCELED"
        detail = f" {task.code}: {task.message}" if task.final == "FAILED" and task.canceled_at is None else ""
        counted = " (advances by polls)" if task.poll_plan else ""
        account = v.account_label(task.account, twin.keys.label(task.account.removesuffix(SYNC)) or "")
        body = f"""<h1>Task <code>{v.e(task.task_id)}</code> <span id="status" data-live>{parts["status"]}</span></h1>
<section class="plan"><dl><dt>model</dt><dd>{v.e(task.model)}</dd>
<dt>account</dt><dd title="{v.e(task.account)}">{account}</dd>
<dt>prompt</dt><dd class="prompt-full">{v.e(browse.prompt_of(task) or "–")}</dd>
<dt>submitted</dt><dd>{v.e(format_cst(task.submit))} CST</dd>
<dt>queue wait</dt><dd>{v.e(v.seconds(max(scheduled - task.submit, 0)))}{counted}</dd>
<dt>run time</dt><dd>{v.e(v.seconds(max(end - scheduled, 0)))}</dd>
<dt>outcome</dt><dd>{v.badge(outcome)}{v.e(detail)}</dd><dt>request id</dt><dd>{v.e(task.request_id)}</dd></dl>
</section>
<section><h2>Timeline <small>virtual time; ● a poll, large ● too early (&lt; {v.MIN_POLL_INTERVAL_S:g} s after the
previous one) or still polling after the end; reads long after the end sit past the ≈ break</small></h2>
<div id="timeline" data-live>{parts["timeline"]}</div></section>
<div class="grid2"><section><h2>Request</h2><pre>{v.e(orjson.dumps(task.request(),
                                                                  option=orjson.OPT_INDENT_2).decode())}</pre></section>
<section><h2>Result</h2><div id="result" data-live>{parts["result"]}</div></section></div>
<section><h2>Journal</h2><div id="journal" data-live>{parts["journal"]}</div></section>"""
        return html(f"Task {task_id}", body, live=f"/__mock/ui/tasks/{quote(task_id, safe='')}/live")
