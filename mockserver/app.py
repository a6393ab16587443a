"""The twin's state (`Twin`), and the app factory: the gateway in front, Starlette for the rest.

The task endpoints live in api.py behind gateway.py; the Starlette side serves the upload policy and
PostObject receiver, result files, the admin API and the spec. Routes are thin: parse, call, render.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .accounts import KeyBook
from .clock import VirtualClock
from .engine import Engine
from .errors import DashScopeError, ErrorCatalog
from .faults import FaultPlan, Faults
from .gateway import Gateway, draw_fault, error_body, log_request
from .lanes import RateWindows
from .registry import Registry
from .scenarios import ScenarioQueue
from .settings import Settings
from .signing import UrlSigner
from .spec import Spec, load_spec
from .store import open_store
from .uploads import Uploads

log = logging.getLogger("dashscope_mock")

JSON = "application/json"


@dataclass
class Twin:
    """Everything one mock instance holds; routes, the admin API and tests share it."""

    settings: Settings
    spec: Spec
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
    uploads: Uploads
    undownloadable: set[str] = field(default_factory=set)  # URLs whose download fails (POST /__mock/undownloadable)


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
                signer, settings.admin_token or secrets.token_urlsafe(16),
                uploads=Uploads(b"dashscope-mock-oss:" + secret, settings))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the content type the official SDK's aio client insists on."""
    return Response(orjson.dumps(body), status_code=status, media_type=JSON, headers=headers)


def error_response(err: DashScopeError, request_id: str, suffix: bool = False) -> Response:
    """The flat envelope `{request_id, code, message}`; `x-request-id` carries the same id."""
    headers = {"x-request-id": request_id, **err.headers}
    return json_response(error_body(err, request_id, suffix), err.status, headers)


Handler = Callable[[Request, Twin, str], Awaitable[Response]]


def endpoint(kind: str, twin: Twin) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a Starlette handler with what every DashScope endpoint gets (see gateway.Gateway.answer)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = twin.engine.ids.uuid()
            task_id = request.path_params.get("task_id")
            try:
                await draw_fault(twin, kind, task_id)
                response = await handler(request, twin, request_id)
            except DashScopeError as err:
                response = error_response(err, request_id, twin.settings.message_suffix)
            except Exception:  # never a traceback on the wire: a 500 in the documented envelope
                log.exception("internal error on %s %s", request.method, request.url.path)
                response = error_response(twin.catalog.error("InternalError"), request_id)
            log_request(twin, request.method, request.url.path, None, response.status_code, task_id)
            return response

        return run

    return wrap


async def serve_spec(request: Request) -> Response:
    """GET /openapi.json: the spec this mock runs on."""
    twin: Twin = request.app.state.twin
    return json_response(twin.spec.doc)


def create_app(settings: Settings | None = None) -> Gateway:
    """The ASGI app of one mock instance (its state is `app.state.twin`)."""
    from . import admin, results, uploads

    twin = build_twin(settings or Settings.for_profile("dev"))
    def ep(kind: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return endpoint(kind, twin)(handler)

    routes = [
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
    return Gateway(twin, app)
