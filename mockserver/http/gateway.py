"""The ASGI front door: the DashScope task endpoints run on raw ASGI, everything else goes to Starlette.

Polling is the hot path (a client polls a task dozens of times), so it skips the framework: bench/ measures it
against a bare ASGI app. Every answer still goes through the one request wrapper (http/guard.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..domain.bounds import MAX_CREATE_BYTES
from ..spec.document import AIGC_PREFIX
from .guard import Answer, Guard, Reply, Seen
from .tasks_api import Call, TasksApi

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[[Call, str], Reply]

_TASKS = "/api/v1/tasks"
_JSON = (b"content-type", b"application/json")
# the query, list and cancel answers were captured with the Java-style type, the create with the plain one
# (docs/behaviour.md §5.2, §3.1); errors keep the type of their endpoint
_JSON_UTF8 = (b"content-type", b"application/json;charset=UTF-8")
_TYPES = {"query": _JSON_UTF8, "list": _JSON_UTF8, "cancel": _JSON_UTF8}


def _match(api: TasksApi, method: str, path: str) -> tuple[str, Handler, Call] | None:
    """(kind, handler, call) for a task endpoint, or None to let Starlette route it."""
    if path.startswith(AIGC_PREFIX):
        handler = api.create if method == "POST" else api.wrong_method
        return "create", handler, Call(method, path, {}, Seen(), route=path[len(AIGC_PREFIX):].strip("/"))
    if not path.startswith(_TASKS):
        return None
    rest = path[len(_TASKS):]
    if rest in ("", "/"):
        return ("list", api.list_tasks, Call(method, path, {}, Seen())) if method == "GET" else None
    task = rest[1:].removesuffix("/")  # the SDK's aio client adds a trailing slash (docs/sdk-wire.md §0)
    if method == "GET" and "/" not in task:
        return "query", api.get_task, Call(method, path, {}, Seen(task_id=task))
    if method == "POST" and task.endswith("/cancel") and "/" not in task[: -len("/cancel")]:
        return "cancel", api.cancel_task, Call(method, path, {}, Seen(task_id=task[: -len("/cancel")]))
    return None


async def read_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole request body, gathered from as many ASGI messages as it came in; None once it passes `limit`
    (reading stops there: an oversized body is never held whole)."""
    message = await receive()
    body: bytes = message.get("body", b"")
    if limit is not None and len(body) > limit:
        return None
    if not message.get("more_body", False):
        return body
    chunks, size = [body], len(body)
    while message.get("more_body", False):
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class Gateway:
    """ASGI app: task endpoints here, the rest (admin, uploads, results, spec) in the fallback app."""

    def __init__(self, api: TasksApi, guard: Guard, fallback: Any) -> None:
        self.api = api
        self.guard = guard
        self.fallback: ASGIApp = fallback
        self.state = fallback.state  # `app.state.twin`, as with any Starlette app
        self.refresh = guard.twin.refresh

    def trust_forwarded(self, proxies: str) -> None:
        """Take the client address and scheme from X-Forwarded-For/-Proto sent by `proxies` (uvicorn's
        middleware), for every route but the task endpoints: those read neither, and the control plane's
        loopback check is what needs the real client. Served this way, a poll skips the middleware."""
        if not isinstance(self.fallback, ProxyHeadersMiddleware):
            # uvicorn types its middleware with its own ASGI TypedDicts; the app underneath is plain ASGI
            wrapped: Any = ProxyHeadersMiddleware(self.fallback, trusted_hosts=proxies)  # type: ignore[arg-type]
            self.fallback = wrapped

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        # shared state, with the task a GET names (a shared store reads it in the same round trip)
        ready = self.refresh(scope["path"].partition(_TASKS + "/")[2].removesuffix("/"))
        matched = _match(self.api, scope["method"], scope["path"])
        if matched is None:
            if ready is not None:
                try:
                    await ready
                except self.guard.twin.outages as exc:
                    await _answer(send, "", self.guard.refused(exc, scope["method"], scope["path"]))
                    return
            await self.fallback(scope, receive, send)
            return
        kind, handler, call = matched
        call.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        call.query = scope.get("query_string", b"").decode("latin-1")
        if call.method == "POST":
            body = await read_body(receive, MAX_CREATE_BYTES)
            call.body, call.oversize = (b"", True) if body is None else (body, False)

        answer: Answer | None
        if ready is not None:  # a shared store, batching its reads and writes on this loop
            answer = await self.guard.run_shared(ready, kind, call.method, call.path, call.seen, handler, call)
        else:
            answer = self.guard.run_now(kind, call.method, call.path, call.seen, handler, call)
            if answer is None:  # a fault is armed (it may delay the answer)
                async def produce(request_id: str) -> Reply:
                    return handler(call, request_id)

                answer = await self.guard.run(kind, call.method, call.path, call.seen, produce)
        assert answer is not None
        await _answer(send, kind, answer)


async def _answer(send: Send, kind: str, answer: Answer) -> None:
    status, payload, headers = answer
    raw = [_TYPES.get(kind, _JSON), (b"content-length", str(len(payload)).encode())]
    if headers:  # a poll has none
        raw.extend([(k.encode(), v.encode()) for k, v in headers.items()])
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})
