"""The ASGI front door: the DashScope task endpoints run on raw ASGI, everything else goes to Starlette.

Every answer gets a request id, any injected fault, the flat error envelope on failure (never a traceback)
and one log line with keys redacted. Polling is the hot path (a client polls a task dozens of times), so it
skips the framework: bench/ measures it against a bare ASGI app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import orjson

from . import api
from .accounts import redact
from .errors import DashScopeError
from .spec import AIGC_PREFIX

if TYPE_CHECKING:
    from .app import Twin

log = logging.getLogger("dashscope_mock")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[[api.Call, "Twin", str], api.Reply]

_TASKS = "/api/v1/tasks"
_JSON = (b"content-type", b"application/json")
_DOC_LINK = " For details, see: https://help.aliyun.com/zh/model-studio/error-code"


def error_body(err: DashScopeError, request_id: str, suffix: bool = False) -> dict[str, Any]:
    """The flat envelope `{request_id, code, message}`; newer messages carry a doc link (§0.1)."""
    return {"request_id": request_id, "code": err.code, "message": err.message + (_DOC_LINK if suffix else "")}


async def draw_fault(twin: Twin, kind: str, task_id: str | None) -> None:
    """Apply a seeded fault for this request: wait, and/or raise the drawn catalogue error."""
    fault = twin.faults.draw(kind)
    if fault is None:
        return
    if fault.delay_s:
        await asyncio.sleep(fault.delay_s)
    if fault.code:
        if task_id:
            twin.engine.note_fault(task_id, fault.code)
        raise twin.catalog.error(fault.code)


def log_request(twin: Twin, method: str, path: str, model: str | None, status: int, task_id: str | None) -> None:
    """One line per request: method, path, model, status and task id (keys redacted)."""
    if twin.settings.log_requests:
        log.info("%s %s model=%s status=%s task=%s", method, redact(path), model or "-", status, task_id or "-")


def _match(method: str, path: str) -> tuple[str, Handler, api.Call] | None:
    """(kind, handler, call) for a task endpoint, or None to let Starlette route it."""
    if path.startswith(AIGC_PREFIX):
        handler = api.create if method == "POST" else api.wrong_method
        return "create", handler, api.Call(method, path, {}, route=path[len(AIGC_PREFIX):].strip("/"))
    if not path.startswith(_TASKS):
        return None
    rest = path[len(_TASKS):]
    if rest in ("", "/"):
        return ("list", api.list_tasks, api.Call(method, path, {})) if method == "GET" else None
    task = rest[1:].removesuffix("/")  # the SDK's aio client adds a trailing slash (wire protocol §0)
    if method == "GET" and "/" not in task:
        return "query", api.get_task, api.Call(method, path, {}, task_id=task)
    if method == "POST" and task.endswith("/cancel") and "/" not in task[: -len("/cancel")]:
        return "cancel", api.cancel_task, api.Call(method, path, {}, task_id=task[: -len("/cancel")])
    return None


class Gateway:
    """ASGI app: task endpoints here, the rest (admin, uploads, results, spec) in the fallback app."""

    def __init__(self, twin: Twin, fallback: Any) -> None:
        self.twin = twin
        self.fallback: ASGIApp = fallback
        self.state = fallback.state  # `app.state.twin`, as with any Starlette app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        matched = _match(scope["method"], scope["path"])
        if matched is None:
            await self.fallback(scope, receive, send)
            return
        kind, handler, call = matched
        call.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        call.query = scope.get("query_string", b"").decode("latin-1")
        if call.method == "POST":
            message = await receive()
            call.body = message.get("body", b"")
            if message.get("more_body", False):  # a body in several pieces: gather the rest
                chunks = [call.body]
                while message.get("more_body", False):
                    message = await receive()
                    chunks.append(message.get("body", b""))
                call.body = b"".join(chunks)
        status, payload, headers = await self.answer(kind, handler, call)
        raw = [_JSON, (b"content-length", str(len(payload)).encode())]
        raw.extend((k.encode(), v.encode()) for k, v in headers.items())
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})

    async def answer(self, kind: str, handler: Handler, call: api.Call) -> tuple[int, bytes, dict[str, str]]:
        """Run `handler` with the request id, faults, envelope and log line every endpoint gets."""
        twin = self.twin
        request_id = twin.engine.ids.uuid()
        try:
            if twin.faults.active:
                await draw_fault(twin, kind, call.task_id)
            reply = handler(call, twin, request_id)
            status, payload, headers = reply.status, orjson.dumps(reply.body), reply.headers
        except DashScopeError as err:
            status, headers = err.status, {"x-request-id": request_id, **err.headers}
            payload = orjson.dumps(error_body(err, request_id, twin.settings.message_suffix))
        except Exception:  # never a traceback (or a dropped connection): a 500 in the documented envelope
            log.exception("internal error on %s %s", call.method, call.path)
            internal = twin.catalog.error("InternalError")
            status, headers = internal.status, {"x-request-id": request_id}
            payload = orjson.dumps(error_body(internal, request_id))
        log_request(twin, call.method, call.path, call.model, status, call.task_id)
        return status, payload, headers
