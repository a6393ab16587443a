"""The answer-source layer: an ASGI app in front of the twin that takes every DashScope request to the source
chosen at start-up, and shows each answered exchange to its observers (the cassette recorder).

Whatever brought the request (plain port, proxy, TLS listener, in-process transport) hands this layer the same
ASGI request, so every ingress captures, replays and compares alike. The twin's own control plane, spec and docs
(`/__mock`, `/openapi.json`, `/docs`) are always the local twin's.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import orjson

from ..domain.state import Twin
from ..http.requestlog import RequestLog
from .exchange import ASGIApp, Receive, Reply, Request, Scope, Send, is_local, read_request, send_reply
from .tracking import model_of

log = logging.getLogger("dashscope_mock.capture")


class Source(Protocol):
    """Where answers come from: the upstream, the upstream compared with the twin, or a cassette."""

    async def answer(self, request: Request) -> Reply:
        """The answer to one whole request."""


class Observer(Protocol):
    """Something shown every answered exchange (the cassette recorder)."""

    def seen(self, request: Request, reply: Reply, wall: float, virtual: float, elapsed_s: float) -> None:
        """One exchange, with the wall and virtual times it arrived at and how long it took."""


class AnswerLayer:
    """ASGI app: local paths to the twin's app, every other request to `source`, then to the observers."""

    def __init__(self, app: ASGIApp, twin: Twin, source: Source, observers: list[Observer] | None = None,
                 *, local: Any = None, request_log: RequestLog | None = None) -> None:
        self.app = app
        self.twin = twin
        self.source = source
        self.observers = list(observers or [])
        self.local = local  # an ASGI app for paths only this layer serves (kept media), or None
        self.request_log = request_log
        # bodies past this are refused, not held: the largest upload the policy allows, and a margin for the form
        self.max_body = (twin.settings.upload_max_mb + 1) * 1024 * 1024

    @property
    def state(self) -> Any:
        """The twin app's state, so code that finds the twin at `app.state.twin` works on this layer."""
        return getattr(self.app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_local(scope["path"]):
            if self.local is not None and scope["type"] == "http" and await self.local(scope, send):
                return
            await self.app(scope, receive, send)
            return
        wall, virtual, started = time.time(), self.twin.clock.now(), time.perf_counter()
        request = await read_request(scope, receive, self.max_body)
        if request is None:
            await send_reply(send, self._too_large())
            return
        reply = await self.source.answer(request)
        await send_reply(send, reply)
        elapsed = time.perf_counter() - started
        if self.request_log is not None:
            self._log(request, reply, started)
        for observer in self.observers:
            try:
                observer.seen(request, reply, wall, virtual, elapsed)
            except Exception:  # an observer must never break the traffic it watches
                log.exception("dashscope-mock: an exchange observer failed")

    def _too_large(self) -> Reply:
        request_id = self.twin.ids.request_id()
        body = {"request_id": request_id, "code": "RequestTooLarge",
                "message": f"The request body is larger than {self.max_body} bytes."}
        return Reply(413, [("content-type", "application/json"), ("connection", "close")], orjson.dumps(body))

    def _log(self, request: Request, reply: Reply, started: float) -> None:
        """One request-log line for the answer the client got (its request id as the source gave it)."""
        assert self.request_log is not None
        body = reply.json()
        request_id = reply.header("x-request-id") or (body.get("request_id") if isinstance(body, dict) else None)
        output = body.get("output") if isinstance(body, dict) else None
        task_id = output.get("task_id") if isinstance(output, dict) else None
        self.request_log.line(str(request_id or "-"), request.method, request.path, model_of(request), reply.status,
                              task_id if isinstance(task_id, str) else None, started)
