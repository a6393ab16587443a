"""How the twin is served: uvicorn with header, body and idle timeouts (the CLI and the harness runner).

uvicorn times out idle keep-alive connections between requests (`timeout_keep_alive`) but nothing else: a
client that connects and never finishes its headers, or drips a body, held its connection forever. The
protocol below closes a connection whose request headers take longer than HEADER_TIMEOUT_S or grow past
MAX_HEADER_BYTES, and one whose body stalls for BODY_IDLE_TIMEOUT_S. These are loop timers in the protocol,
armed and cancelled once per request: no per-request task or middleware on the hot path.
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
        """The headers arrived in time: stop their deadline, and start the body's (until the message is whole)."""
        self._in_headers = False
        self._disarm()
        super().on_headers_complete()
        self._header_timer = self.loop.call_later(BODY_IDLE_TIMEOUT_S, self._body_timeout)

    def on_body(self, body: bytes) -> None:
        """A piece of the body came: the next one gets a fresh BODY_IDLE_TIMEOUT_S."""
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = self.loop.call_later(BODY_IDLE_TIMEOUT_S, self._body_timeout)
        super().on_body(body)

    def on_message_complete(self) -> None:
        """The whole request arrived: no deadline while the app answers."""
        self._disarm()
        super().on_message_complete()

    def _body_timeout(self) -> None:
        """The body stalled: hand the app what came as the whole body (it answers the body error, as for any
        broken body), and close the connection after that answer, since the rest of the body never came."""
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            if not self.transport.is_closing():
                self.transport.close()
            return
        cycle.keep_alive = False
        cycle.more_body = False
        cycle.message_event.set()

    def on_response_complete(self) -> None:
        """A keep-alive connection's next request gets its own header deadline."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the timer with the connection."""
        self._disarm()
        super().connection_lost(exc)


def server_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """A uvicorn Config for `app` with the twin's timeouts (other options pass through)."""
    options.setdefault("log_level", "warning")
    options.setdefault("access_log", False)
    options.setdefault("lifespan", "off")
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
    return uvicorn.Config(app, http=TimedHttpProtocol, **options)
