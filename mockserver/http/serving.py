"""How the twin is served: uvicorn with header, body and idle timeouts (the CLI, its workers and the harness).

uvicorn times out idle keep-alive connections between requests (`timeout_keep_alive`) but nothing else: a
client that connects and never finishes its headers, or drips a body, held its connection forever. The
protocol below closes a connection whose request headers take longer than HEADER_TIMEOUT_S or grow past
MAX_HEADER_BYTES, and one whose body stalls for BODY_IDLE_TIMEOUT_S. A request only stamps the time it
entered a phase; one sweep per event loop, a few times a second, closes what is overdue. A loop timer armed
and cancelled per request cost more than the rest of the protocol's work on a poll.
"""

from __future__ import annotations

import asyncio
import gc
import os
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .gateway import Gateway

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER_TIMEOUT_S = 10.0  # from connect (or the end of the previous response) to the end of the headers
BODY_IDLE_TIMEOUT_S = 10.0  # the longest pause between two chunks of a request body
KEEP_ALIVE_S = 5  # an idle keep-alive connection (uvicorn's own timer)
MAX_HEADER_BYTES = 64 * 1024
_JOIN_BELOW = 64 * 1024  # a body this small is copied after the head; a larger one goes out beside it

_ANSWERING, _HEADERS, _BODY = 0, 1, 2  # what a connection waits for: the app, request headers, body bytes


def _sweep_period() -> float:
    """How often overdue connections are looked for: a quarter of the shortest timeout, at most a second."""
    return min(1.0, max(0.05, min(HEADER_TIMEOUT_S, BODY_IDLE_TIMEOUT_S) / 4))


class _Sweeper:
    """The one timer of an event loop that closes its connections past their deadline."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.connections: set[TimedHttpProtocol] = set()
        self.timer: asyncio.TimerHandle | None = None

    def watch(self, connection: TimedHttpProtocol) -> None:
        """Look after `connection` until `forget`."""
        self.connections.add(connection)
        if self.timer is None:
            self.timer = self.loop.call_later(_sweep_period(), self.sweep)

    def forget(self, connection: TimedHttpProtocol) -> None:
        """`connection` closed."""
        self.connections.discard(connection)

    def sweep(self) -> None:
        """Close every overdue connection; run again while any is open."""
        now = self.loop.time()
        for connection in list(self.connections):
            connection.check(now)
        self.timer = self.loop.call_later(_sweep_period(), self.sweep) if self.connections else None


_sweepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = weakref.WeakKeyDictionary()


class _OneWrite:
    """What one request's cycle writes to: it holds the response head until the first body bytes, so an answer
    leaves in one write (one syscall, one TCP segment) instead of two. uvicorn writes the head as soon as the
    app starts the response, and a write cost more than any other step of answering a poll."""

    __slots__ = ("cycle", "head", "through", "transport")

    def __init__(self, transport: asyncio.Transport, cycle: Any) -> None:
        self.transport = transport
        self.cycle: Any = cycle  # uvicorn's RequestResponseCycle (untyped there); let go once it is answered
        self.head: bytes | None = None
        self.through = False  # the head is out: everything else passes straight through

    def write(self, data: bytes) -> None:
        """Hold the response head; send it with the first body bytes."""
        if self.through:
            self.transport.write(data)
        elif self.head is None:
            if self.cycle is not None and self.cycle.response_started:  # the head (a `100 Continue` comes first)
                self.head = data
            else:
                self.transport.write(data)
        else:
            head, self.head, self.through = self.head, None, True
            if len(data) < _JOIN_BELOW:
                self.transport.write(head + data)
            else:
                self.transport.writelines((head, data))

    def flush(self) -> None:
        """Send a held head now (a HEAD answer has no body; a connection about to close)."""
        if self.head is not None:
            head, self.head, self.through = self.head, None, True
            self.transport.write(head)

    def close(self) -> None:
        """Flush, then close the connection."""
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        """Whether the connection is closing."""
        return self.transport.is_closing()


class TimedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines for request headers and body, and a cap on header size."""

    _phase = _HEADERS
    _since = 0.0  # loop time the phase began (or the body's last chunk came)
    _header_bytes = 0
    _sweeper: _Sweeper | None = None

    def _expect_headers(self) -> None:
        self._phase, self._since, self._header_bytes = _HEADERS, self.loop.time(), 0

    def check(self, now: float) -> None:
        """Close the connection if its headers or body are overdue at loop time `now` (the sweeper calls it)."""
        if self._phase == _HEADERS and now - self._since > HEADER_TIMEOUT_S:
            self._phase = _ANSWERING
            if not self.transport.is_closing():
                self.transport.close()
        elif self._phase == _BODY and now - self._since > BODY_IDLE_TIMEOUT_S:
            self._phase = _ANSWERING
            self._body_timeout()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header deadline as the connection opens."""
        super().connection_made(transport)
        self._expect_headers()
        sweeper = _sweepers.get(self.loop)
        if sweeper is None:
            sweeper = _sweepers[self.loop] = _Sweeper(self.loop)
        self._sweeper = sweeper
        sweeper.watch(self)

    def data_received(self, data: bytes) -> None:
        """Count header bytes; close a connection whose headers pass MAX_HEADER_BYTES."""
        if self._phase == _HEADERS:
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._phase = _ANSWERING
                self.transport.close()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        """The headers arrived in time: the body's deadline starts (until the message is whole)."""
        self._phase, self._since = _BODY, self.loop.time()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:  # a new request's cycle (not an upgrade)
            cycle.transport = _OneWrite(self.transport, cycle)  # type: ignore[assignment]

    def on_body(self, body: bytes) -> None:
        """A piece of the body came: the next one gets a fresh BODY_IDLE_TIMEOUT_S."""
        self._since = self.loop.time()
        super().on_body(body)

    def on_message_complete(self) -> None:
        """The whole request arrived: no deadline while the app answers."""
        self._phase = _ANSWERING
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
        """Send a head still held (a HEAD answer); a keep-alive connection's next request gets its own header
        deadline."""
        cycle = self.cycle
        if cycle is not None and isinstance(cycle.transport, _OneWrite):
            cycle.transport.flush()
            cycle.transport.cycle = None  # no cycle <-> writer loop left for the collector (it ran every ~70 polls)
        super().on_response_complete()
        if not self.transport.is_closing():
            self._expect_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop watching the connection."""
        if self._sweeper is not None:
            self._sweeper.forget(self)
        super().connection_lost(exc)


def freeze_heap() -> None:
    """Move what start-up built (the parsed spec, compiled validators, the apps: ~70,000 objects) out of the cyclic
    collector's sight. Every full collection walked them again while tasks piled up; they live until exit."""
    gc.collect()
    gc.freeze()


def trusted_proxies() -> str:
    """The proxies whose X-Forwarded-* headers count: uvicorn's own setting and default."""
    return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def server_options(**options: Any) -> dict[str, Any]:
    """uvicorn options with the twin's protocol and timeouts (given options pass through and win)."""
    options.setdefault("log_level", "warning")
    options.setdefault("access_log", False)
    options.setdefault("lifespan", "off")
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
    options.setdefault("http", TimedHttpProtocol)
    # the twin's app applies forwarded headers itself, off the task path (Gateway.trust_forwarded)
    options.setdefault("proxy_headers", False)
    return options


def serve_gateway(app: Gateway) -> Gateway:
    """`app` ready to be served over HTTP: forwarded headers from trusted proxies count on its control plane."""
    app.trust_forwarded(trusted_proxies())
    return app


def server_config(app: ASGIApp | str, **options: Any) -> uvicorn.Config:
    """A uvicorn Config for `app` with the twin's timeouts (other options pass through)."""
    if isinstance(app, Gateway):
        serve_gateway(app)
    else:  # any other app keeps uvicorn's own forwarded-header handling
        options.setdefault("proxy_headers", True)
    return uvicorn.Config(app, **server_options(**options))
