"""Request bodies on the served twin: a deadline between body chunks, and an answer that reaches its client
even when it was given before the body was read whole. Plain ASGI around the app (http/serving.py adds it).

- A body that stalls for `idle_s` ends there: the app gets what came as the whole body (and answers the
  body error it answers any broken body), and the connection closes after that answer.
- An app that answers before reading the whole body (a create over its size bound, an upload over its
  limit, an auth error) has its answer held until the rest of the body is read and dropped, up to `drain_bytes`
  and `drain_s`. Closing at once would make the kernel reset the connection with unread bytes in it, and a
  client still sending (requests, httpx, curl: head and body in one go) would see the reset, not the answer.
  Past the budget the answer goes out with `connection: close`. A client that sent `Expect: 100-continue` and
  was answered before its body was asked for is not asked for it: the answer closes the connection instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})
_CLOSE = (b"connection", b"close")


class BodyGuard:
    """ASGI middleware: the body deadline and the drain-before-answer rule above, for methods with a body."""

    def __init__(self, app: ASGIApp, idle_s: float, drain_bytes: int, drain_s: float) -> None:
        self.app = app
        self.idle_s = idle_s
        self.drain_bytes = drain_bytes
        self.drain_s = drain_s
        self.state = getattr(app, "state", None)  # `app.state.twin`, as on the app underneath

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:  # a poll passes straight through
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(self, scope, receive, send)
        await self.app(scope, exchange.receive, exchange.send)


class _Exchange:
    """One request with a body: what of it was read, and the response start held until it was."""

    __slots__ = ("_receive", "_send", "asked", "done", "guard", "held", "read", "scope", "timed_out")

    def __init__(self, guard: BodyGuard, scope: Scope, receive: Receive, send: Send) -> None:
        self.guard = guard
        self.scope = scope
        self._receive = receive
        self._send = send
        self.asked = False  # the app asked for the body (uvicorn then sends `100 Continue` if it was expected)
        self.done = False  # the body was read to its end (or ended by the deadline, or the client left)
        self.timed_out = False
        self.read = 0
        self.held: Message | None = None

    async def receive(self) -> Message:
        """The next body chunk, or the end of the body once it stalled for `idle_s`."""
        if self.timed_out:
            return {"type": "http.disconnect"}
        if self.done:
            return await self._receive()
        self.asked = True
        try:
            async with asyncio.timeout(self.guard.idle_s):
                message = await self._receive()
        except TimeoutError:
            self.timed_out = self.done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            self.done = not message.get("more_body", False)
        else:
            self.done = True
        return message

    async def send(self, message: Message) -> None:
        """Pass the response on; hold its start while the body is unread, and drain or close before it goes."""
        if self.held is None and message["type"] == "http.response.start":
            if self.done and not self.timed_out:
                await self._send(message)
            else:
                self.held = message
            return
        held, self.held = self.held, None
        if held is not None:
            if self.timed_out or not await self._drained():
                held = {**held, "headers": [*held.get("headers", []), _CLOSE]}
            await self._send(held)
        await self._send(message)

    async def _drained(self) -> bool:
        """Read and drop the rest of the body within the budget: whether it all came (keep-alive is safe)."""
        guard = self.guard
        headers = dict(self.scope["headers"])
        if not self.asked and headers.get(b"expect", b"").lower() == b"100-continue":
            return False  # the client waits for `100 Continue` before sending: it never will be asked
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) - self.read > guard.drain_bytes:
            return False
        loop = asyncio.get_running_loop()
        deadline, dropped = loop.time() + guard.drain_s, 0
        while not self.done:
            left = min(guard.idle_s, deadline - loop.time())
            if left <= 0:
                return False
            try:
                async with asyncio.timeout(left):
                    message = await self._receive()
            except TimeoutError:
                return False
            if message["type"] != "http.request":
                return False  # the client left
            dropped += len(message.get("body", b""))
            self.done = not message.get("more_body", False)
            if dropped > guard.drain_bytes and not self.done:
                return False
        return True
