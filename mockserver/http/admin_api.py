"""The `/__mock/*` control API on FastAPI: health, clock, reset, tasks, journal, scenarios, faults, accounts.

Every input is a pydantic model with the domain's bounds (http/admin_models.py); every refusal is the DashScope
envelope with a `request_id`, and a refused request changes nothing. The gate in front (http/access.py) lets in
the admin token, or loopback callers that are provably same-origin. The task endpoints never come here: they
stay on the raw-ASGI gateway (http/gateway.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..domain.clock import format_cst
from ..domain.faults import FaultPlan
from ..domain.scenarios import parse
from ..domain.state import Twin
from ..spec.catalog import DashScopeError
from . import admin_models as m
from . import gate
from .access import COOKIE, Access, is_loopback
from .gate import Gate, envelope
from .requestlog import RequestLog

REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorEnvelope, "description": "Invalid input (nothing was changed)."},
    403: {"model": m.ErrorEnvelope, "description": "Not loopback, not same-origin, or no admin token."},
    503: {"model": m.ErrorEnvelope, "description": "The shared store (Redis) cannot be reached; try again."},
}


class NotFound(LookupError):
    """A task (or other object) the admin API was asked about does not exist."""


def _field_errors(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def build_admin(twin: Twin, access: Access, request_log: RequestLog | None = None) -> FastAPI:
    """The admin FastAPI app (mount it at /__mock); its OpenAPI document is /__mock/openapi.json."""
    app = FastAPI(title="dashscope-mock admin API", version="1", docs_url=None, redoc_url=None,
                  description="The twin's control plane: clock, scenarios, faults, accounts, task inspection.",
                  responses=REFUSALS)
    app.state.twin = twin
    app.state.access = access

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return envelope(400, "InvalidParameter", _field_errors(exc))

    @app.exception_handler(ValueError)
    async def refused(request: Request, exc: ValueError) -> Response:
        return envelope(400, "InvalidParameter", str(exc))

    @app.exception_handler(NotFound)
    async def missing(request: Request, exc: NotFound) -> Response:
        return envelope(404, "NotFound", str(exc))

    @app.exception_handler(DashScopeError)
    async def dashscope(request: Request, exc: DashScopeError) -> Response:
        return envelope(exc.status, exc.code, exc.message)

    async def unavailable(request: Request, exc: Exception) -> Response:
        return envelope(503, "ModelServingError", f"The shared store cannot be reached: {exc}")

    for outage in twin.outages:
        app.add_exception_handler(outage, unavailable)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            return envelope(405, "InvalidParameter", f"Request method '{request.method}' is not supported.",
                            dict(exc.headers or {}))
        if exc.status_code == 404:
            return envelope(404, "NotFound", "No such admin endpoint.")
        return envelope(exc.status_code, "InvalidParameter", str(exc.detail))

    @app.get("/health", response_model=m.Health, response_model_exclude_none=True)
    async def health() -> dict[str, Any]:
        """Liveness plus a few counters (with a request log, its queued and dropped lines)."""
        return gate.health(twin, request_log)

    @app.get("/token", response_model=m.Token)
    async def token(request: Request) -> Any:
        """The admin token, for loopback callers only (it is not printed at start-up)."""
        if not is_loopback(request.client.host if request.client else ""):
            return envelope(403, "AccessDenied", "The admin token is shown to loopback callers only.")
        return {"admin_token": twin.admin_token}

    @app.get("/clock", response_model=m.ClockState)
    async def clock_state() -> dict[str, object]:
        """The virtual clock."""
        return twin.clock.state()

    @app.post("/clock", response_model=m.ClockState)
    async def clock_change(change: Annotated[m.ClockChange | None, Body()] = None) -> dict[str, object]:
        """Fast-forward, freeze or rescale the virtual clock (all or nothing)."""
        if change is not None:
            twin.clock.update(advance=change.advance, freeze=change.freeze, scale=change.scale)
        return twin.clock.state()

    @app.post("/reset", response_model=m.ResetDone)
    async def reset(change: Annotated[m.ResetRequest | None, Body()] = None) -> dict[str, str]:
        """Forget everything, or one account's tasks (`account` or `api_key`)."""
        account = change.account if change else None
        if change and change.api_key:
            account = twin.keys.account_of(change.api_key)
            if account is None:
                raise ValueError("that api_key is not accepted by this mock")
        twin.reset(account)
        return {"reset": account or "all"}

    @app.get("/tasks", response_model=m.TaskList)
    async def tasks(account: str | None = None, api_key: str | None = None) -> dict[str, Any]:
        """An account's newest tasks (`?account=` or `?api_key=`)."""
        if api_key:
            account = twin.keys.account_of(api_key)
        if not account:
            raise ValueError("give ?account= or ?api_key= (of a key this mock accepts)")
        return {"tasks": [{"task_id": t.task_id, "model": t.model, "status": twin.tasks.status(t)}
                          for t in twin.tasks.of_account(account)]}

    @app.get("/tasks/{task_id}", response_model=m.TaskView, responses={404: {"model": m.ErrorEnvelope}})
    async def task(task_id: str) -> dict[str, Any]:
        """A stored task: plan, status now, journal."""
        found = twin.tasks.find(task_id)
        if found is None:
            raise NotFound(f"No task {task_id!r} is stored.")
        row = found.to_row()
        row["status"] = twin.tasks.status(found)
        row["journal"] = polls(twin, task_id)
        return row

    @app.get("/tasks/{task_id}/journal", response_model=m.Journal)
    async def journal(task_id: str) -> dict[str, Any]:
        """Every poll of a task: when it came, the state served, the fault injected."""
        return {"task_id": task_id, "polls": polls(twin, task_id)}

    def queue() -> dict[str, Any]:
        return {"scenarios": [i.view() for i in twin.scenarios.listed()]}

    @app.get("/scenarios", response_model=m.ScenarioQueue)
    async def scenarios() -> dict[str, Any]:
        """The scenario queue, first match first."""
        return queue()

    @app.post("/scenarios", response_model=m.ScenarioItem)
    async def add_scenario(item: m.ScenarioRequest) -> dict[str, Any]:
        """Queue a scenario for the next `times` creates matching model and/or key."""
        parsed = parse(item.scenario)
        if parsed.final == "REJECT" and parsed.code not in twin.catalog:
            raise ValueError(f"{parsed.code} is not a catalogue code")
        return twin.scenarios.add(parsed, item.model, item.api_key, item.times).view()

    @app.delete("/scenarios", response_model=m.ScenarioQueue)
    async def clear_scenarios() -> dict[str, Any]:
        """Empty the queue."""
        twin.scenarios.clear()
        return queue()

    @app.delete("/scenarios/{item_id}", response_model=m.ScenarioQueue, responses={404: {"model": m.ErrorEnvelope}})
    async def drop_scenario(item_id: int) -> dict[str, Any]:
        """Remove one queued scenario."""
        if not twin.scenarios.remove(item_id):
            raise NotFound(f"No queued scenario {item_id}.")
        return queue()

    @app.get("/diff")
    async def diff() -> dict[str, Any]:
        """What diff mode (`serve --upstream URL --diff`) found: each distinct difference between the upstream's
        answers and the twin's (or the spec), how often, and where first (docs/capture.md)."""
        return twin.diffs.view()

    @app.delete("/diff")
    async def clear_diff() -> dict[str, Any]:
        """Forget the differences found so far."""
        twin.diffs.clear()
        return twin.diffs.view()

    @app.get("/faults", response_model=m.FaultPlanOut)
    async def faults() -> dict[str, Any]:
        """The fault plan in force."""
        return twin.faults.plan.view()

    @app.post("/faults", response_model=m.FaultPlanOut)
    async def set_faults(plan: Annotated[m.FaultPlanIn | None, Body()] = None) -> dict[str, Any]:
        """Replace the fault plan (`{}` turns faults off)."""
        twin.faults.configure(FaultPlan.from_dict(plan.model_dump() if plan else {}))
        return twin.faults.plan.view()

    @app.post("/accounts", response_model=m.Ok)
    async def accounts(change: m.AccountChange) -> dict[str, bool]:
        """Add keys (a keys-file document) and/or change an account's state."""
        if change.keys is not None:
            twin.keys.load(change.keys.model_dump(exclude_none=True))
        if change.account is not None:
            twin.keys.set_state(change.account, change.state)
        return {"ok": True}

    @app.get("/undownloadable", response_model=m.UrlMarks)
    async def marks() -> dict[str, Any]:
        """The input URLs marked undownloadable."""
        return {"undownloadable": twin.downloads.listed()}

    @app.post("/undownloadable", response_model=m.UrlMarks)
    async def mark(item: m.UrlMark) -> dict[str, Any]:
        """Make tasks that use this input URL fail to download it."""
        twin.downloads.add(item.url)
        return {"undownloadable": twin.downloads.listed()}

    @app.delete("/undownloadable", response_model=m.UrlMarks)
    async def unmark() -> dict[str, Any]:
        """Forget every mark."""
        twin.downloads.clear()
        return {"undownloadable": twin.downloads.listed()}

    return app


def polls(twin: Twin, task_id: str) -> list[dict[str, Any]]:
    """The task's journal, each poll with its virtual time also as a CST timestamp."""
    return [{"t": p.at, "real": p.real, "status": p.status, "fault": p.fault, "at": format_cst(p.at)}
            for p in twin.tasks.polls(task_id)]


__all__ = ["COOKIE", "Gate", "build_admin", "envelope", "polls"]
