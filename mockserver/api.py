"""The DashScope task endpoints (create, get, cancel, list), free of any web framework.

Each handler takes a `Call` (what the request said) and returns a `Reply`, or raises DashScopeError.
The gateway feeds them from raw ASGI; keeping Starlette off this path is what makes polling cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

from . import inputs
from .accounts import Caller
from .scenarios import ScenarioError, parse

if TYPE_CHECKING:
    from .app import Twin

_SYNC_MSG = "current user api does not support synchronous calls"
_ASYNC_MSG = "current user api does not support asynchronous calls"
_BODY_MSG = "Required body invalid, please check the request body format."


@dataclass(slots=True)
class Call:
    """One request as the handlers see it: header names are lowercase."""

    method: str
    path: str
    headers: dict[str, str]
    query: str = ""
    body: bytes = b""
    task_id: str | None = None
    route: str | None = None
    model: str | None = None  # filled in by create, for the log line


@dataclass(slots=True)
class Reply:
    """A JSON answer: status, body, extra headers."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def caller(call: Call, twin: Twin) -> Caller:
    """Authenticate the call (401/400/403 per account state)."""
    return twin.keys.authenticate(call.headers.get("authorization"))


def _query_gate(twin: Twin, who: Caller) -> None:
    """20 QPS per account shared by get, list and cancel (real-service-behavior.md §3.1)."""
    if twin.settings.limits and not twin.rates.allow(("query", who.account), twin.settings.query_qps):
        raise twin.catalog.error("Throttling.RateQuota")


def create(call: Call, twin: Twin, request_id: str) -> Reply:
    """POST /api/v1/services/aigc/<route>: the checks in the real order, then plan the task."""
    who = caller(call, twin)
    route = twin.registry.route(call.route or "")
    if route is None:
        raise twin.catalog.error("InvalidParameter", "task can not be null")
    is_async = call.headers.get("x-dashscope-async", "").strip().lower() == "enable"
    if route.mode == "async" and not is_async:
        raise twin.catalog.error("AccessDenied", _SYNC_MSG)
    if route.mode == "sync" and is_async:
        raise twin.catalog.error("AccessDenied", _ASYNC_MSG)
    try:
        body = orjson.loads(call.body)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        raise twin.catalog.error("InvalidParameter", _BODY_MSG)
    model = body.get("model")
    call.model = model if isinstance(model, str) else None
    profile = twin.registry.model(model) if isinstance(model, str) else None
    if profile is None:
        raise twin.catalog.error("InvalidParameter", "Model not exist.")
    if route.path not in (profile.route, profile.sync_route):
        # real-service-behavior.md §1.2: a model posted to another family's route is 403, not 404
        raise twin.catalog.error("AccessDenied", _ASYNC_MSG if is_async else _SYNC_MSG)
    if twin.settings.limits and not twin.rates.allow(("submit", who.account, profile.name), profile.rps):
        raise twin.catalog.error("Throttling.RateQuota")
    if route.path == profile.sync_route:
        report = inputs.check(twin, profile, body, who.account, call.headers, call.body)
        answer = twin.engine.generate_now(account=who.account, key_id=who.key_id, profile=profile, body=body,
                                          request_id=request_id, input_duration=report.input_duration)
        return Reply({"request_id": request_id, **answer}, headers={"x-request-id": request_id})
    if route.mode == "sync":
        answer = twin.engine.detect(profile, body)
        return Reply({"request_id": request_id, **answer}, headers={"x-request-id": request_id})
    header = call.headers.get("x-mock-scenario")
    try:
        scenario = parse(header) if header else twin.scenarios.take(profile.name, who.api_key)
    except ScenarioError as exc:
        raise twin.catalog.error("InvalidParameter", f"X-Mock-Scenario: {exc}") from exc
    if scenario is not None and scenario.final == "REJECT":
        code = scenario.code or "InternalError"
        if code not in twin.catalog:
            raise twin.catalog.error("InvalidParameter", f"X-Mock-Scenario: {code} is not a catalogue code")
        raise twin.catalog.error(code, scenario.message)
    report = inputs.check(twin, profile, body, who.account, call.headers, call.body)
    error = twin.engine.validate_at_submit(profile, body)
    if error:
        raise twin.catalog.error("InvalidParameter", error)
    task = twin.engine.create(account=who.account, key_id=who.key_id, profile=profile, body=body,
                              request_id=request_id, scenario=scenario, input_duration=report.input_duration,
                              deferred_error=report.deferred_error, raw=call.body)
    call.task_id = task.task_id
    return Reply({"request_id": request_id, "output": {"task_id": task.task_id, "task_status": "PENDING"}},
                 headers={"x-request-id": request_id})


def wrong_method(call: Call, twin: Twin, request_id: str) -> Reply:
    """A create route called with another method: the catalogue's InvalidParameter wording."""
    caller(call, twin)
    raise twin.catalog.error("InvalidParameter", f"Request method '{call.method}' is not supported.")


def get_task(call: Call, twin: Twin, request_id: str) -> Reply:
    """GET /api/v1/tasks/{task_id}: always 200; unknown, foreign and expired ids answer UNKNOWN."""
    who = caller(call, twin)
    _query_gate(twin, who)
    return Reply({"request_id": request_id, **twin.engine.query(who.account, call.task_id or "")})


def cancel_task(call: Call, twin: Twin, request_id: str) -> Reply:
    """POST /api/v1/tasks/{task_id}/cancel: `{request_id}` on PENDING, else 400 UnsupportedOperation."""
    who = caller(call, twin)
    _query_gate(twin, who)
    twin.engine.cancel(who.account, call.task_id or "")
    return Reply({"request_id": request_id})


def list_tasks(call: Call, twin: Twin, request_id: str) -> Reply:
    """GET /api/v1/tasks: the account's tasks in the real list shape."""
    who = caller(call, twin)
    _query_gate(twin, who)
    # blanks kept: `page_size=` is an invalid integer, not an absent one (Schemathesis negative data)
    params = dict(parse_qsl(call.query, keep_blank_values=True))
    return Reply({"request_id": request_id, **twin.engine.list(who.account, params, who.region)})
