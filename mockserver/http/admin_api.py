"""The `/__mock/*` control API: health, clock, reset, tasks, journal, scenarios, faults.

Refused (403) unless the caller is on loopback or sends `X-Mock-Admin-Token` with the token given at start.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.clock import format_cst
from ..domain.faults import FaultPlan
from ..domain.scenarios import ScenarioError, parse
from ..domain.state import Twin
from ..spec.catalog import DashScopeError


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    if host in ("testclient", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


AdminHandler = Callable[[Request, Twin], Awaitable[Any]]


def _guard(twin: Twin, handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        token = request.headers.get("x-mock-admin-token")
        if not _loopback(request) and token != twin.admin_token:
            return _reply({"code": "AccessDenied", "message": "The admin API answers loopback or the admin token."},
                          403)
        try:
            return _reply(await handler(request, twin))
        except (ValueError, TypeError, KeyError, ScenarioError, orjson.JSONDecodeError) as exc:
            return _reply({"code": "InvalidParameter", "message": str(exc)}, 400)
        except DashScopeError as exc:
            return _reply({"code": exc.code, "message": exc.message}, exc.status)

    return run


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    data = orjson.loads(raw) if raw.strip() else {}
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


async def health(request: Request, twin: Twin) -> Any:
    """Liveness plus a few counters."""
    return {"status": "ok", "profile": twin.settings.profile, "validation": twin.settings.validation,
            "tasks": len(twin.tasks.store), "models": len(twin.registry.models), "clock": twin.clock.state()}


async def clock(request: Request, twin: Twin) -> Any:
    """GET reads the clock; POST `{advance, freeze, scale}` changes it."""
    if request.method == "POST":
        data = await _body(request)
        if "scale" in data:
            twin.clock.set_scale(float(data["scale"]))
        if "freeze" in data:
            twin.clock.freeze(bool(data["freeze"]))
        if "advance" in data:
            twin.clock.advance(float(data["advance"]))
    return twin.clock.state()


async def reset(request: Request, twin: Twin) -> Any:
    """Forget everything, or one account's tasks (`{"account"}` or `{"api_key"}`)."""
    data = await _body(request)
    account = data.get("account")
    if data.get("api_key"):
        account = twin.keys.account_of(str(data["api_key"]))
        if account is None:
            raise ValueError("that api_key is not accepted by this mock")
    twin.reset(account)
    return {"reset": account or "all"}


def _task_view(twin: Twin, task_id: str) -> dict[str, Any]:
    task = twin.tasks.find(task_id)
    if task is None:
        raise KeyError(f"no task {task_id}")
    row = task.to_row()
    row["status"] = twin.tasks.status(task)
    row["journal"] = _polls(twin, task_id)
    return row


async def tasks(request: Request, twin: Twin) -> Any:
    """Inspect tasks: one by id (`/__mock/tasks/{id}`), or the newest of an account."""
    task_id = request.path_params.get("task_id")
    if task_id:
        return _task_view(twin, task_id)
    account = request.query_params.get("account")
    if request.query_params.get("api_key"):
        account = twin.keys.account_of(request.query_params["api_key"])
    if not account:
        raise ValueError("give ?account= or ?api_key=")
    return {"tasks": [{"task_id": t.task_id, "model": t.model, "status": twin.tasks.status(t)}
                      for t in twin.tasks.of_account(account)]}


def _polls(twin: Twin, task_id: str) -> list[dict[str, Any]]:
    """The task's journal, each poll with its virtual time also as a CST timestamp."""
    return [{"t": p.at, "real": p.real, "status": p.status, "fault": p.fault, "at": format_cst(p.at)}
            for p in twin.tasks.polls(task_id)]


async def journal(request: Request, twin: Twin) -> Any:
    """Every poll of a task: when it came, the state served, the fault injected."""
    task_id = request.path_params["task_id"]
    return {"task_id": task_id, "polls": _polls(twin, task_id)}


async def scenarios(request: Request, twin: Twin) -> Any:
    """GET lists the queue; POST `{scenario, model?, api_key?, times?}` adds; DELETE clears."""
    if request.method == "POST":
        data = await _body(request)
        item = twin.scenarios.add(parse(str(data["scenario"])), data.get("model"), data.get("api_key"),
                                  int(data.get("times", 1)))
        return item.view()
    if request.method == "DELETE":
        twin.scenarios.clear()
    return {"scenarios": [i.view() for i in twin.scenarios.listed()]}


async def faults(request: Request, twin: Twin) -> Any:
    """GET shows the fault plan; POST replaces it (`{}` turns faults off)."""
    if request.method == "POST":
        plan = FaultPlan.from_dict(await _body(request))
        for code in [*plan.error_codes, plan.server_error_code]:
            if code not in twin.catalog:
                raise ValueError(f"{code} is not a catalogue code")
        twin.faults.configure(plan)
    return vars(twin.faults.plan)


async def accounts(request: Request, twin: Twin) -> Any:
    """POST `{account, state}` changes an account's state; `{keys: <keys-file document>}` adds keys."""
    data = await _body(request)
    if "keys" in data:
        twin.keys.load(data["keys"])
    if "account" in data:
        twin.keys.set_state(str(data["account"]), str(data.get("state", "active")))
    return {"ok": True}


async def undownloadable(request: Request, twin: Twin) -> Any:
    """POST `{url}` makes tasks that use the URL fail to download it; DELETE forgets every mark; GET lists."""
    if request.method == "POST":
        url = (await _body(request))["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http(s) URL")
        twin.downloads.add(url)
    elif request.method == "DELETE":
        twin.downloads.clear()
    return {"undownloadable": twin.downloads.listed()}


def routes(twin: Twin) -> list[Route]:
    """The admin routes, each behind the loopback/token guard."""
    def g(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
        return _guard(twin, handler)

    return [
        Route("/__mock/health", g(health), methods=["GET"]),
        Route("/__mock/clock", g(clock), methods=["GET", "POST"]),
        Route("/__mock/reset", g(reset), methods=["POST"]),
        Route("/__mock/tasks", g(tasks), methods=["GET"]),
        Route("/__mock/tasks/{task_id}", g(tasks), methods=["GET"]),
        Route("/__mock/tasks/{task_id}/journal", g(journal), methods=["GET"]),
        Route("/__mock/scenarios", g(scenarios), methods=["GET", "POST", "DELETE"]),
        Route("/__mock/faults", g(faults), methods=["GET", "POST"]),
        Route("/__mock/accounts", g(accounts), methods=["POST"]),
        Route("/__mock/undownloadable", g(undownloadable), methods=["GET", "POST", "DELETE"]),
    ]
