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

from ..domain.state import Twin
from .exchange import ASGIApp, Receive, Reply, Request, Scope, Send, is_local, read_request, send_reply

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
                 *, local: Any = None) -> None:
        self.app = app
        self.twin = twin
        self.source = source
        self.observers = list(observers or [])
        self.local = local  # an ASGI app for paths only this layer serves (kept media), or None

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
        request = await read_request(scope, receive)
        wall, virtual, started = time.time(), self.twin.clock.now(), time.perf_counter()
        reply = await self.source.answer(request)
        await send_reply(send, reply)
        elapsed = time.perf_counter() - started
        for observer in self.observers:
            try:
                observer.seen(request, reply, wall, virtual, elapsed)
            except Exception:  # an observer must never break the traffic it watches
                log.exception("dashscope-mock: an exchange observer failed")
