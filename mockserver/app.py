"""The app factory and the DashScope routes. Routes are thin: parse, call the engine, render."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .accounts import Caller, KeyBook, redact
from .clock import VirtualClock
from .engine import Engine
from .errors import DashScopeError, ErrorCatalog
from .faults import FaultPlan, Faults
from .lanes import RateWindows
from .registry import Registry
from .scenarios import ScenarioError, ScenarioQueue, parse
from .settings import Settings
from .signing import UrlSigner
from .spec import AIGC_PREFIX, load_spec
from .store import open_store

log = logging.getLogger("dashscope_mock")

JSON = "application/json"
_SYNC_MSG = "current user api does not support synchronous calls"
_ASYNC_MSG = "current user api does not support asynchronous calls"


@dataclass
class Twin:
    """Everything one mock instance holds; routes, the admin API and tests share it."""

    settings: Settings
    spec: Any
    registry: Registry
    catalog: ErrorCatalog
    clock: VirtualClock
    engine: Engine
    keys: KeyBook
    scenarios: ScenarioQueue
    faults: Faults
    rates: RateWindows
    signer: UrlSigner
    admin_token: str


def build_twin(settings: Settings) -> Twin:
    """Wire spec -> registry -> engine -> store for `settings`."""
    spec = load_spec(settings.spec_path)
    registry = Registry(spec)
    catalog = ErrorCatalog(spec.errors)
    clock = VirtualClock(settings.time_scale, settings.start_time, settings.frozen)
    secret = (str(settings.seed).encode() if settings.seed is not None else secrets.token_bytes(32))
    signer = UrlSigner(b"dashscope-mock:" + secret)
    engine = Engine(spec, registry, open_store(settings.store), clock, settings, catalog, signer)
    faults = Faults(FaultPlan.from_dict(settings.faults) if settings.faults else None)
    return Twin(settings, spec, registry, catalog, clock, engine,
                KeyBook.from_file(catalog, settings.keys_file), ScenarioQueue(), faults, RateWindows(),
                signer, settings.admin_token or secrets.token_urlsafe(16))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the content type the official SDK's aio client insists on."""
    return Response(orjson.dumps(body), status_code=status, media_type=JSON, headers=headers)


def error_response(err: DashScopeError, request_id: str, suffix: bool = False) -> Response:
    """The flat envelope `{request_id, code, message}`; `x-request-id` carries the same id."""
    message = err.message
    if suffix:
        message = f"{message} For details, see: https://help.aliyun.com/zh/model-studio/error-code"
    headers = {"x-request-id": request_id, **err.headers}
    return json_response({"request_id": request_id, "code": err.code, "message": message}, err.status, headers)


Handler = Callable[[Request, Twin, str], Awaitable[Response]]


def endpoint(kind: str, twin: Twin) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler: request id, injected faults, the error envelope, and one log line per request."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = twin.engine.ids.uuid()
            request.state.model = None
            request.state.task_id = request.path_params.get("task_id")
            try:
                fault = twin.faults.draw(kind)
                if fault is not None:
                    if fault.delay_s:
                        await asyncio.sleep(fault.delay_s)
                    if fault.code:
                        if request.state.task_id:
                            twin.engine.note_fault(request.state.task_id, fault.code)
                        raise twin.catalog.error(fault.code)
                response = await handler(request, twin, request_id)
            except DashScopeError as err:
                response = error_response(err, request_id, twin.settings.message_suffix)
            except Exception:  # never a traceback on the wire: a 500 in the documented envelope
                log.exception("internal error on %s %s", request.method, request.url.path)
                response = error_response(twin.catalog.error("InternalError"), request_id)
            if twin.settings.log_requests:
                log.info("%s %s model=%s status=%s task=%s", request.method, redact(request.url.path),
                         request.state.model or "-", response.status_code, request.state.task_id or "-")
            return response

        return run

    return wrap


def _caller(request: Request, twin: Twin) -> Caller:
    return twin.keys.authenticate(request.headers.get("authorization"))


def _query_gate(request: Request, twin: Twin, caller: Caller) -> None:
    """20 QPS per account shared by get, list and cancel (real-service-behavior.md §3.1)."""
    if twin.settings.limits and not twin.rates.allow(("query", caller.account), twin.settings.query_qps):
        raise twin.catalog.error("Throttling.RateQuota")


async def _json_body(request: Request, twin: Twin) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        raise twin.catalog.error("InvalidParameter", "Required body invalid, please check the request body format.")
    return body


async def create(request: Request, twin: Twin, request_id: str) -> Response:
    """POST /api/v1/services/aigc/<route>: the checks in the real order, then plan the task."""
    caller = _caller(request, twin)
    route = twin.registry.route(request.path_params["route"])
    if route is None:
        raise twin.catalog.error("InvalidParameter", "task can not be null")
    is_async = request.headers.get("x-dashscope-async", "").strip().lower() == "enable"
    if route.mode == "async" and not is_async:
        raise twin.catalog.error("AccessDenied", _SYNC_MSG)
    if route.mode == "sync" and is_async:
        raise twin.catalog.error("AccessDenied", _ASYNC_MSG)
    body = await _json_body(request, twin)
    model = body.get("model")
    request.state.model = model if isinstance(model, str) else None
    if model is None or model == "":
        raise twin.catalog.error("InvalidParameter", "Model not exist.")
    profile = twin.registry.model(model) if isinstance(model, str) else None
    if profile is None:
        raise twin.catalog.error("InvalidParameter", "Model not exist.")
    if profile.route != route.path:
        # real-service-behavior.md §1.2: a model posted to another family's route is 403, not 404
        raise twin.catalog.error("AccessDenied", _ASYNC_MSG if is_async else _SYNC_MSG)
    if twin.settings.limits and not twin.rates.allow(("submit", caller.account, model), profile.rps):
        raise twin.catalog.error("Throttling.RateQuota")
    if route.mode == "sync":
        answer = twin.engine.detect(profile, body)
        return json_response({"request_id": request_id, **answer}, headers={"x-request-id": request_id})
    scenario = None
    header = request.headers.get("x-mock-scenario")
    try:
        scenario = parse(header) if header else twin.scenarios.take(model, caller.api_key)
    except ScenarioError as exc:
        raise twin.catalog.error("InvalidParameter", f"X-Mock-Scenario: {exc}") from exc
    if scenario is not None and scenario.final == "REJECT":
        code = scenario.code or "InternalError"
        if code not in twin.catalog:
            raise twin.catalog.error("InvalidParameter", f"X-Mock-Scenario: {code} is not a catalogue code")
        raise twin.catalog.error(code, scenario.message)
    error = twin.engine.validate_at_submit(profile, body)
    if error:
        raise twin.catalog.error("InvalidParameter", error)
    task = twin.engine.create(account=caller.account, key_id=caller.key_id, profile=profile, body=body,
                              request_id=request_id, scenario=scenario)
    request.state.task_id = task.task_id
    return json_response({"request_id": request_id, "output": {"task_id": task.task_id, "task_status": "PENDING"}},
                         headers={"x-request-id": request_id})


async def get_task(request: Request, twin: Twin, request_id: str) -> Response:
    """GET /api/v1/tasks/{task_id}: always 200; unknown, foreign and expired ids answer UNKNOWN."""
    caller = _caller(request, twin)
    _query_gate(request, twin, caller)
    body = twin.engine.query(caller.account, request.path_params["task_id"])
    return json_response({"request_id": request_id, **body})


async def cancel_task(request: Request, twin: Twin, request_id: str) -> Response:
    """POST /api/v1/tasks/{task_id}/cancel: `{request_id}` on PENDING, else 400 UnsupportedOperation."""
    caller = _caller(request, twin)
    _query_gate(request, twin, caller)
    twin.engine.cancel(caller.account, request.path_params["task_id"])
    return json_response({"request_id": request_id})


async def list_tasks(request: Request, twin: Twin, request_id: str) -> Response:
    """GET /api/v1/tasks: the account's tasks in the real list shape."""
    caller = _caller(request, twin)
    _query_gate(request, twin, caller)
    page = twin.engine.list(caller.account, dict(request.query_params), caller.region)
    return json_response({"request_id": request_id, **page})


async def serve_spec(request: Request) -> Response:
    """GET /openapi.json: the spec this mock runs on."""
    twin: Twin = request.app.state.twin
    return json_response(twin.spec.doc)


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app of one mock instance (its state is `app.state.twin`)."""
    from . import admin, results, uploads

    twin = build_twin(settings or Settings.for_profile("dev"))
    def ep(kind: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return endpoint(kind, twin)(handler)

    routes = [
        Route(AIGC_PREFIX + "{route:path}", ep("create", create), methods=["POST"]),
        Route("/api/v1/tasks/{task_id}", ep("query", get_task), methods=["GET"]),
        Route("/api/v1/tasks/{task_id}/", ep("query", get_task), methods=["GET"]),
        Route("/api/v1/tasks/{task_id}/cancel", ep("cancel", cancel_task), methods=["POST"]),
        Route("/api/v1/tasks/{task_id}/cancel/", ep("cancel", cancel_task), methods=["POST"]),
        Route("/api/v1/tasks", ep("list", list_tasks), methods=["GET"]),
        Route("/api/v1/tasks/", ep("list", list_tasks), methods=["GET"]),
        Route("/openapi.json", serve_spec, methods=["GET"]),
        *uploads.routes(twin, ep),
        *admin.routes(twin),
        *results.routes(twin),
    ]
    app = Starlette(routes=routes)
    app.state.twin = twin

    async def not_found(request: Request, exc: Exception) -> Response:
        rid = twin.engine.ids.uuid()
        status = getattr(exc, "status_code", 404)
        if status == 405:
            return error_response(twin.catalog.error(
                "InvalidParameter", f"Request method '{request.method}' is not supported."), rid)
        return error_response(twin.catalog.error("NotFound"), rid)

    app.add_exception_handler(404, not_found)
    app.add_exception_handler(405, not_found)
    return app
