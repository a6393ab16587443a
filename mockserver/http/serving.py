"""How the twin is served: uvicorn with header, body and idle timeouts (the CLI and the harness runner).

uvicorn times out idle keep-alive connections between requests (`timeout_keep_alive`) but nothing else: a
client that connects and never finishes its headers, or drips a body, held its connection forever. The
protocol below closes a connection whose request headers take longer than HEADER_TIMEOUT_S or grow past
MAX_HEADER_BYTES; `BodyTimeout` ends a request whose body stalls for BODY_IDLE_TIMEOUT_S.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER_TIMEOUT_S = 10.0  # from connect (or the end of the previous response) to the end of the headers
BODY_IDLE_TIMEOUT_S = 10.0  # the longest pause between two chunks of a request body
KEEP_ALIVE_S = 5  # an idle keep-alive connection (uvicorn's own timer)
MAX_HEADER_BYTES = 64 * 1024


class TimedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size cap on request headers."""

    _header_timer: asyncio.TimerHandle | None = None
    _in_headers = True
    _header_bytes = 0

    def _arm(self) -> None:
        self._disarm()
        self._in_headers, self._header_bytes = True, 0
        self._header_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._header_timeout)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        if self._in_headers and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header deadline as the connection opens."""
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        """Count header bytes; close a connection whose headers pass MAX_HEADER_BYTES."""
        if self._in_headers:
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._disarm()
                self.transport.close()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        """The headers arrived in time: stop their deadline."""
        self._in_headers = False
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        """A keep-alive connection's next request gets its own header deadline."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the timer with the connection."""
        self._disarm()
        super().connection_lost(exc)


class BodyTimeout:
    """ASGI middleware: a request body that stalls for BODY_IDLE_TIMEOUT_S reads as a client disconnect."""

    def __init__(self, app: ASGIApp, timeout_s: float | None = None) -> None:
        self.app = app
        self.timeout_s = BODY_IDLE_TIMEOUT_S if timeout_s is None else timeout_s
        self.state = getattr(app, "state", None)  # `app.state.twin`, as on the wrapped app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        done = [False]

        async def timed() -> Message:
            if done[0]:  # after the body only a disconnect can come: no deadline on waiting for it
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout_s)
            except TimeoutError:
                done[0] = True
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                done[0] = True
            return message

        await self.app(scope, timed, send)


def server_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """A uvicorn Config for `app` with the twin's timeouts (other options pass through)."""
    options.setdefault("log_level", "warning")
    options.setdefault("access_log", False)
    options.setdefault("lifespan", "off")
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
    return uvicorn.Config(BodyTimeout(app), http=TimedHttpProtocol, **options)
