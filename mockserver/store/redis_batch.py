"""Concurrent requests' Redis commands, sent together on the serving event loop (auto-pipelining).

A request's refresh (one MGET: the clock, the fault plan and the task's row) and a poll's journal entry go on one
connection per process that lives on the event loop. Whatever the requests of one turn of the loop queue leaves
in one write, and the replies come back in one read. On loopback the write and the read of a round trip cost more
than the commands in it, on both sides (bench/replicas.py): sending N requests' commands together divides that
cost by N, where the blocking link (redis_link.py) paid it per request with the loop stopped.

A write is acknowledged before the request that made it is answered: `settled()` is a future that the replies of
the write's batch resolve, so a poll's journal entry is in Redis (and seen by every replica) before the poll's
answer leaves.

Off the loop it is bound to (a worker thread, another event loop) or for a TLS URL, `here()` says no and callers
take the blocking link.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, cast

import hiredis
import redis
from redis.connection import UnixDomainSocketConnection, parse_url

from .base import StoreUnavailable
from .redis_errors import is_outage
from .redis_link import Command, pack

log = logging.getLogger("dashscope_mock")

# the blocking link's socket_timeout and socket_connect_timeout (redis_tasks.connect)
REPLY_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0

# the acknowledgement of the writes the current request posted (a context variable: each request its own)
_POSTED: ContextVar[asyncio.Future[None] | None] = ContextVar("dsm_redis_posted", default=None)


class _Batch:
    """The replies one caller waits for: a read's, or the writes of one turn (counted as they are queued)."""

    __slots__ = ("count", "failed", "future", "replies", "writes")

    def __init__(self, future: asyncio.Future[Any], count: int = 0, writes: bool = False) -> None:
        self.future, self.count, self.writes = future, count, writes
        self.replies: list[Any] = []
        self.failed: Exception | None = None

    def take(self, reply: Any) -> None:
        if isinstance(reply, hiredis.ReplyError):
            if is_outage(str(reply)):  # LOADING, BUSY...: the store cannot serve now (503), read or write
                self.failed = self.failed or StoreUnavailable(f"Redis cannot serve now: {reply}")
            elif self.writes:  # nobody reads a write's reply: say so, and still acknowledge the batch
                log.error("a Redis write of a request failed: %s", reply)
            else:
                self.failed = self.failed or redis.ResponseError(str(reply))
        self.replies.append(reply)
        if len(self.replies) == self.count and not self.future.done():
            if self.failed is not None:
                self.future.set_exception(self.failed)
            else:
                self.future.set_result(None if self.writes else self.replies)

    def fail(self, err: Exception) -> None:
        if not self.future.done():
            self.future.set_exception(err)


def _observed(future: asyncio.Future[Any]) -> None:
    """Mark a write batch's failure as seen: a caller off the request path (an admin route) may post and never
    wait, and asyncio would log the unretrieved exception with a traceback."""
    if not future.cancelled():
        future.exception()


class _Wire(asyncio.Protocol):
    """One connection: replies parsed by hiredis and handed out in the order their commands were written."""

    def __init__(self) -> None:
        self.reader = hiredis.Reader()
        self.waiting: deque[_Batch] = deque()  # one entry per command written and not yet answered
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.written = self.answered = 0  # commands, for the reply timeout

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        try:
            while (reply := self.reader.gets()) is not False:
                self.answered += 1
                self.waiting.popleft().take(reply)
        except hiredis.ProtocolError as err:
            self.abort(f"Redis sent something that is not its protocol: {err}")

    def send(self, data: bytes, slots: list[_Batch]) -> None:
        """Write commands whose replies go, in order, to `slots` (one per command)."""
        assert self.transport is not None
        self.waiting.extend(slots)
        self.written += len(slots)
        self.transport.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail_all(f"the connection to Redis closed ({exc or 'by the server'})")

    def abort(self, why: str) -> None:
        """Close the connection, failing every command still waiting with `why`."""
        self._fail_all(why)
        if self.transport is not None:
            self.transport.abort()

    def _fail_all(self, why: str) -> None:
        self.closed = True
        err = StoreUnavailable(why)
        while self.waiting:
            self.waiting.popleft().fail(err)


class Batcher:
    """One process's batched connection to Redis, bound to the first event loop that uses it."""

    def __init__(self, url: str, reply_timeout_s: float = REPLY_TIMEOUT_S) -> None:
        self.params: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        # TLS would need redis-py's certificate options carried over: rediss:// keeps the blocking link
        self.usable = self.params.get("connection_class", UnixDomainSocketConnection) is UnixDomainSocketConnection
        self.reply_timeout_s = reply_timeout_s
        self._bind(None)

    def _bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Serve `loop` from scratch: nothing of another loop's connection or queue carries over."""
        self.loop, self.pid = loop, os.getpid()
        self.wire: _Wire | None = None
        self.connecting: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.out: list[bytes] = []
        self.slots: list[_Batch] = []
        self.writes: _Batch | None = None  # the current turn's writes
        self.scheduled = False

    def here(self) -> bool:
        """Whether the caller runs on this batcher's event loop (the first loop to ask binds it)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if loop is self.loop:
            return True
        if not self.usable:
            return False
        if self.loop is None or self.loop.is_closed() or self.pid != os.getpid():  # unbound, or its loop is gone
            self._bind(loop)
            return True
        return False

    async def read(self, *commands: Command) -> list[Any]:
        """The replies of `commands`, sent with the rest of this turn's; once more on a new connection if the
        connection was lost (a Redis restart, an idle timeout), as redis-py's client does."""
        replies: list[Any]
        try:
            replies = await self._queue(commands, _Batch(self._future(), len(commands)))
        except StoreUnavailable:
            replies = await self._queue(commands, _Batch(self._future(), len(commands)))
        return replies

    def post(self, *commands: Command) -> None:
        """Queue writes with this turn's; the request that posts them is answered after they are acknowledged
        (`settled`)."""
        if self.writes is None:
            self.writes = _Batch(self._future(), writes=True)
            self.writes.future.add_done_callback(_observed)
        self.writes.count += len(commands)
        _POSTED.set(self._queue(commands, self.writes))

    def settled(self) -> asyncio.Future[None] | None:
        """What the current request must wait for before it is answered: the acknowledgement of the writes it
        posted, or None when it posted none."""
        posted = _POSTED.get()
        if posted is not None:
            _POSTED.set(None)
        return posted

    def _future(self) -> asyncio.Future[Any]:
        assert self.loop is not None, "here() binds the loop first"
        return self.loop.create_future()

    def _queue(self, commands: Sequence[Command], batch: _Batch) -> asyncio.Future[Any]:
        self.out.extend(pack(commands))
        self.slots.extend([batch] * len(commands))
        if not self.scheduled:
            self.scheduled = True
            assert self.loop is not None
            self.loop.call_soon(self._flush)
        return batch.future

    def _flush(self) -> None:
        self.scheduled = False
        wire = self.wire
        if wire is None or wire.closed or wire.transport is None:
            if self.connecting is None:
                assert self.loop is not None
                self.connecting = self.loop.create_task(self._connect())
            return  # written once connected
        wire.send(b"".join(self.out), self.slots)
        self.out, self.slots, self.writes = [], [], None
        if self.timer is None:
            self._arm(wire)

    def _arm(self, wire: _Wire) -> None:
        assert self.loop is not None
        self.timer = self.loop.call_later(self.reply_timeout_s, self._overdue, wire, wire.written)

    def _overdue(self, wire: _Wire, due: int) -> None:
        """Replies to commands written a whole timeout ago are missing: the server hangs; give up on it."""
        self.timer = None
        if not wire.closed and wire.answered < due:
            wire.abort(f"Redis did not answer within {self.reply_timeout_s:g} s")
        current = self.wire  # the same connection, or the one that replaced it meanwhile
        if current is not None and not current.closed and current.answered < current.written:
            self._arm(current)

    async def _connect(self) -> None:
        assert self.loop is not None
        wire, p = _Wire(), self.params
        try:
            if "path" in p:
                opening = self.loop.create_unix_connection(lambda: wire, p["path"])
            else:
                opening = self.loop.create_connection(lambda: wire, p.get("host", "localhost"), p.get("port", 6379))
            await asyncio.wait_for(opening, CONNECT_TIMEOUT_S)
            hello: list[Command] = []
            if p.get("password"):
                hello.append(("AUTH", p["username"], p["password"]) if p.get("username") else ("AUTH", p["password"]))
            if p.get("db"):
                hello.append(("SELECT", p["db"]))
            if hello:
                done = _Batch(self.loop.create_future(), len(hello))
                wire.send(b"".join(pack(hello)), [done] * len(hello))
                await asyncio.wait_for(done.future, self.reply_timeout_s)
        except (TimeoutError, OSError, redis.RedisError, StoreUnavailable) as err:
            why = err if isinstance(err, StoreUnavailable) else StoreUnavailable(f"cannot reach Redis: {err!r}")
            wire.abort(str(why))
            slots, self.out, self.slots, self.writes = self.slots, [], [], None
            for batch in slots:
                batch.fail(why)
            return
        finally:
            self.connecting = None
        self.wire = wire
        if self.out:
            self._flush()

    def close(self) -> None:
        """Close the connection (from any thread)."""
        wire, loop = self.wire, self.loop
        self.wire = None
        if wire is None or wire.transport is None or loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wire.transport.close()
        else:
            loop.call_soon_threadsafe(wire.transport.close)
