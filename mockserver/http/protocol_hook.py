"""The one private hook on uvicorn: a header deadline and a header-size cap on its httptools protocol.

uvicorn has no public option for either on its httptools protocol: a client that connects and never finishes
its request head (or drips it byte by byte) holds a connection for ever, and a head has no size limit. This
module subclasses `HttpToolsProtocol` for these two things only: it overrides the connection and parser
callbacks (each calls uvicorn's own first) and never touches a request cycle. Everything else is public
(uvicorn's options, the ASGI layer: http/body_guard.py).

`TimedHttpToolsProtocol` is None when uvicorn's class is missing or not the one this was written against
(another uvicorn, no httptools): serving.py then serves with plain uvicorn over h11, whose
`h11_max_incomplete_event_size` caps the head, and only the header deadline is lost (docs/serving.md).
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from typing import Any

_HOOKED = ("connection_made", "connection_lost", "data_received", "on_headers_complete", "on_response_complete",
           "send_400_response")
_EXPECTED_INIT = ["self", "config", "server_state", "app_state", "_loop"]


class HeadLimits:
    """How long a request head may take and how large it may be, and what a too-large head is answered."""

    def __init__(self, timeout_s: float, max_bytes: int, too_large: bytes) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.too_large = too_large  # a whole HTTP/1.1 response, `connection: close`

    def sweep_period(self) -> float:
        """How often overdue heads are looked for: a quarter of the deadline, between 50 ms and a second."""
        return min(1.0, max(0.05, self.timeout_s / 4))


class _Sweeper:
    """The one timer of an event loop that closes its connections whose head is overdue (a loop timer armed
    and cancelled per request cost more than the rest of the protocol's work on a poll)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.connections: set[Any] = set()
        self.timer: asyncio.TimerHandle | None = None

    def watch(self, connection: Any) -> None:
        """Look after `connection` until `forget`."""
        self.connections.add(connection)
        if self.timer is None:
            self.timer = self.loop.call_later(_limits.sweep_period(), self.sweep)

    def forget(self, connection: Any) -> None:
        """`connection` closed."""
        self.connections.discard(connection)

    def sweep(self) -> None:
        """Close every overdue connection; run again while any is open."""
        now = self.loop.time()
        for connection in list(self.connections):
            connection.check_head(now)
        self.timer = self.loop.call_later(_limits.sweep_period(), self.sweep) if self.connections else None


_sweepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = weakref.WeakKeyDictionary()


def _base() -> type[Any] | None:
    """uvicorn's httptools protocol class, if it is there and shaped as this module expects."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # no httptools (PyPy, a minimal install) or a uvicorn that moved it
        return None
    if not all(callable(getattr(HttpToolsProtocol, name, None)) for name in _HOOKED):
        return None
    try:
        params = list(inspect.signature(HttpToolsProtocol.__init__).parameters)
    except (TypeError, ValueError):
        return None
    return HttpToolsProtocol if params == _EXPECTED_INIT else None


_limits = HeadLimits(10.0, 64 * 1024, b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")


def configure(limits: HeadLimits) -> None:
    """The limits every hooked connection opened from now on in this process checks (serving.py sets them)."""
    global _limits
    _limits = limits


def _build(base: type[Any]) -> type[asyncio.Protocol]:
    class TimedHttpToolsProtocol(base):  # type: ignore[misc]
        """A head must come whole within the limit's time of the connection opening or the previous answer,
        and its bytes (counted to the end of the head, never the body that came in the same read) stay under
        the limit's size."""

        _waiting = True  # for a request head (not answering one)
        _since = 0.0
        _head_bytes = 0
        _too_large = False
        _sweeper: _Sweeper | None = None
        _limits: HeadLimits

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._limits = _limits
            self._waiting, self._since, self._head_bytes = True, self.loop.time(), 0
            sweeper = _sweepers.get(self.loop)
            if sweeper is None:
                sweeper = _sweepers[self.loop] = _Sweeper(self.loop)
            self._sweeper = sweeper
            sweeper.watch(self)

        def check_head(self, now: float) -> None:
            """Close the connection if its request head is overdue (the client stopped sending: no answer)."""
            if self._waiting and now - self._since > self._limits.timeout_s and not self.transport.is_closing():
                self._waiting = False
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            waiting = self._waiting
            super().data_received(data)
            # a read that completed the head counts for nothing here (on_headers_complete measures the head);
            # one that left it incomplete was all head
            if waiting and self._waiting and not self.transport.is_closing():
                self._head_bytes += len(data)
                if self._head_bytes > self._limits.max_bytes:
                    self._refuse_head()

        def on_headers_complete(self) -> None:
            size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
            if size > self._limits.max_bytes:
                self._too_large = True
                raise ValueError("request head too large")  # the parser stops; uvicorn calls send_400_response
            self._waiting = False
            super().on_headers_complete()

        def send_400_response(self, msg: str) -> None:
            if self._too_large:
                self._refuse_head()
            else:
                super().send_400_response(msg)

        def _refuse_head(self) -> None:
            self._waiting = False
            self.transport.write(self._limits.too_large)
            self.transport.close()

        def on_response_complete(self) -> None:
            pipelined = bool(self.pipeline)  # a whole head already waits: uvicorn starts it now
            super().on_response_complete()
            if not pipelined and not self.transport.is_closing():  # the next request's head gets its own deadline
                self._waiting, self._since, self._head_bytes = True, self.loop.time(), 0

        def connection_lost(self, exc: Exception | None) -> None:
            if self._sweeper is not None:
                self._sweeper.forget(self)
            super().connection_lost(exc)

    return TimedHttpToolsProtocol


_found = _base()
# uvicorn's `http` option for the hooked protocol, or None. A class rather than an import string: uvicorn before
# 0.3x takes only its own protocol names as strings. Named as this module's attribute, so that pickle finds it by
# reference when uvicorn spawns `--workers` processes.
TimedHttpToolsProtocol: type[asyncio.Protocol] | None = _build(_found) if _found is not None else None
if TimedHttpToolsProtocol is not None:
    TimedHttpToolsProtocol.__module__, TimedHttpToolsProtocol.__qualname__ = __name__, "TimedHttpToolsProtocol"
