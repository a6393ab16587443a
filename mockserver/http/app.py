"""The app factory: the raw-ASGI gateway in front of the task endpoints, Starlette for the rest.

The Starlette side serves the upload policy and PostObject receiver, result files, the spec, /docs, and the
control plane (the admin API and the board, a FastAPI app mounted at /__mock behind its gate, built on first
use: http/control.py).
Nothing in mockserver imports this module back: it is the top of the layers.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from ..domain.state import Twin, build_state
from ..settings import Settings
from ..spec.hosts import ServiceHosts
from ..wire.envelope import JSON, error_body
from ..wire.render import Renderer
from ..wire.signing import UrlSigner
from . import docs
from .access import Access, hostname
from .control import control_plane
from .gateway import Gateway
from .guard import Guard, Reply, Seen
from .requestlog import RequestLog
from .results_api import ResultsApi
from .results_api import routes as result_routes
from .tasks_api import TasksApi
from .uploads_api import UploadsApi

StarletteHandler = Callable[[Request, Seen, str], Awaitable[Reply]]


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the content type the official SDK's aio client insists on."""
    return Response(orjson.dumps(body), status_code=status, media_type=JSON, headers=headers)


def create_app(settings: Settings | None = None, request_log: RequestLog | None = None) -> Gateway:
    """The ASGI app of one twin (its state is `app.state.twin`); `request_log` gets a line per request."""
    twin = build_state(settings or Settings.for_profile("dev"))
    if request_log is not None:
        request_log.secrets = twin.secrets
    guard = Guard(twin, request_log)
    signer = UrlSigner(twin.url_secret)
    hosts = ServiceHosts.from_doc(twin.spec.doc)
    renderer = Renderer(twin.tasks, twin.catalog, signer, twin.settings, hosts)
    twin.reset_hooks.append(renderer.forget)  # a reset gives back what the answer cache held

    def wrap(kind: str, handler: StarletteHandler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            seen = Seen(task_id=request.path_params.get("task_id"))

            async def produce(request_id: str) -> Reply:
                return await handler(request, seen, request_id)

            status, payload, headers = await guard.run(kind, request.method, request.url.path, seen, produce)
            return Response(payload, status_code=status, media_type=JSON, headers=headers)

        return run

    async def serve_spec(request: Request) -> Response:
        """GET /openapi.json: the spec this twin runs on."""
        return _json(twin.spec.doc)

    names = frozenset({hostname(twin.settings.result_host.split("://", 1)[-1])} if twin.settings.result_host
                      else ())
    access = Access(twin.admin_token, secrets.token_urlsafe(24), names)
    routes = [
        Route("/openapi.json", serve_spec, methods=["GET"]),
        *docs.routes(access, twin.spec.doc),
        *UploadsApi(twin, hosts).routes(wrap),
        Mount("/__mock", app=control_plane(twin, renderer, access, guard.log)),
        *result_routes(ResultsApi(twin, signer)),
    ]
    app = Starlette(routes=routes)
    app.state.twin = twin

    async def not_found(request: Request, exc: Exception) -> Response:
        rid = twin.ids.request_id()
        status = getattr(exc, "status_code", 404)
        if status == 405:
            err = twin.catalog.error("InvalidParameter", like="Request method", values=(request.method,))
        else:
            err = twin.catalog.error("NotFound")
        return _json(error_body(err, rid), err.status, {"x-request-id": rid})

    async def unavailable(request: Request, exc: Exception) -> Response:
        rid = twin.ids.request_id()
        err = guard.unavailable(exc)
        return _json(error_body(err, rid), err.status, {"x-request-id": rid})

    app.add_exception_handler(404, not_found)
    app.add_exception_handler(405, not_found)
    for outage in twin.outages:
        app.add_exception_handler(outage, unavailable)
    return Gateway(TasksApi(twin, renderer), guard, app)


__all__ = ["Twin", "create_app"]
