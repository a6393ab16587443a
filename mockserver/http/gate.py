"""The FastAPI-free part of `/__mock`: the gate in front of the control plane, the refusal envelope, and health.

These answer without importing FastAPI, so a start-up probe of `/__mock/health` never waits for the admin app
(http/control.py builds that on first use).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..domain.state import Twin
from .access import Access
from .requestlog import RequestLog

log = logging.getLogger("dashscope_mock")
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def envelope(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A refusal in the DashScope envelope, with a fresh request id (not from the seeded id stream, so admin
    calls never shift a seeded run's task ids)."""
    rid = str(uuid.uuid4())
    return Response(orjson.dumps({"request_id": rid, "code": code, "message": message}), status_code=status,
                    media_type="application/json", headers={"x-request-id": rid, **(headers or {})})


def health(twin: Twin, request_log: RequestLog | None = None) -> dict[str, Any]:
    """GET /__mock/health: liveness plus a few counters (typed as the admin API's `Health`); with a request log,
    how many of its lines wait for the stream and how many were dropped (http/requestlog.py)."""
    clock = twin.clock.state()
    # the numbers as the admin API's pydantic model gives them: floats stay floats (scale 1 is 1.0)
    clock.update(now=float(cast(float, clock["now"])), scale=float(cast(float, clock["scale"])))
    answer = {"status": "ok", "profile": twin.settings.profile, "validation": twin.settings.validation,
              "tasks": len(twin.tasks.store), "models": len(twin.registry.models), "clock": clock}
    if request_log is not None:
        answer["request_log"] = request_log.counters()
    return answer


class Gate:
    """ASGI wrapper: the access check before the app, and an envelope for anything the app lets escape."""

    def __init__(self, app: Any, access: Access, internal_message: str) -> None:
        self.app = app
        self.access = access
        self.internal_message = internal_message
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request = Request(scope)
        client = scope["client"][0] if scope.get("client") else ""
        token = request.query_params.get("token") if scope["method"] == "GET" else None
        refusal = self.access.check(scope["method"], headers, request.cookies, client, token)
        if refusal is not None:
            await envelope(refusal.status, refusal.code, refusal.message)(scope, receive, send)
            return
        started = False

        async def tracking(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:  # never a traceback: the same 500 envelope as the task endpoints
            log.exception("admin error on %s %s", scope["method"], scope["path"])
            if not started:
                await envelope(500, "InternalError", self.internal_message)(scope, receive, send)
