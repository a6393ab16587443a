"""The Redis hot path: commands sent on one held connection, several per round trip, without redis-py's
per-command machinery (pool checkout, retry wrapper, reply callbacks), which costs more than the round trip
itself on loopback (bench/replicas.py). The commands are encoded by hiredis (redis-py's Python wrapper around
it cost three times as much per batch) and the replies parsed by redis-py's connection: only the batching and
the held connection are ours.

Requests on the serving event loop send their refresh and journal entries through redis_batch.py instead; the
link carries what must be decided while the request waits (a compare-and-set, a lane slot, a scenario take) and
everything off the loop. It holds one connection of the client's pool, used by one thread at a time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

import hiredis
import redis

from .base import StoreUnavailable

log = logging.getLogger("dashscope_mock")

Arg = bytes | str | int | float
Command = Sequence[Arg]


def pack(commands: Sequence[Command]) -> list[bytes]:
    """`commands` in the Redis protocol, one buffer for one write."""
    # hiredis's stub says a 1-tuple where it takes any length
    return [b"".join([hiredis.pack_command(tuple(command)) for command in commands])]  # type: ignore[arg-type]


class Script:
    """A Lua script and its SHA-1 digest (what EVALSHA names it by)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()


class Link:
    """Pipelined round trips on one held connection; every reply is read before an error reply is raised."""

    def __init__(self, client: redis.Redis) -> None:
        self.pool = client.connection_pool
        self.lock = threading.Lock()  # one batch on the wire at a time: replies come back in the order sent
        self.conn: Any = None  # a redis.connection.Connection (whose methods redis-py leaves untyped)
        self.pid = os.getpid()

    def _held(self) -> Any:
        if self.conn is None or self.pid != os.getpid():  # a forked worker makes its own
            self.conn, self.pid = self.pool.make_connection(), os.getpid()
        return self.conn

    def call(self, *commands: Command) -> list[Any]:
        """Send `commands` in one write and return their replies in order (one round trip)."""
        packed = pack(commands)
        with self.lock:
            conn = self._held()
            try:
                try:
                    return self._run(conn, packed, len(commands))
                except redis.ConnectionError:
                    # a connection the server dropped (a restart, an idle timeout): one retry on a new one, as the
                    # redis-py client does by default
                    return self._run(conn, packed, len(commands))
            except (redis.ConnectionError, redis.TimeoutError) as err:
                raise StoreUnavailable(f"cannot reach Redis: {err}") from err

    def _run(self, conn: Any, packed: list[bytes], count: int) -> list[Any]:
        try:
            conn.send_packed_command(packed, check_health=False)
            replies: list[Any] = []
            failed: redis.ResponseError | None = None
            for _ in range(count):
                try:
                    replies.append(conn.read_response())
                except redis.ResponseError as err:  # an error reply: the other replies are still to be read
                    failed = failed or err
                    replies.append(err)
        except BaseException:
            conn.disconnect()  # replies may be left unread: never reuse this connection as it is
            raise
        if failed is not None:
            raise failed
        return replies

    def script(self, script: Script, keys: Sequence[Arg], args: Sequence[Arg]) -> Any:
        """Run a Lua script by its digest (one round trip); its source goes along only when the server has
        not seen it (after a restart of the server, say)."""
        try:
            return self.call(("EVALSHA", script.sha, len(keys), *keys, *args))[0]
        except redis.exceptions.NoScriptError:
            return self.call(("EVAL", script.source, len(keys), *keys, *args))[0]

    def close(self) -> None:
        """Drop the held connection."""
        with self.lock:
            if self.conn is not None:
                self.conn.disconnect()
                self.conn = None
