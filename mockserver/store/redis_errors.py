"""Which Redis error replies mean "cannot serve now" (an outage, answered 503 and retried by clients) rather
than a mistake in a command (a bug, never hidden).

`LOADING` (a restarted server replaying its data), `BUSY` (a script running past its time limit), `MASTERDOWN`
and `READONLY` (a replica without its primary, or one promoted late) pass once the server is itself again.
redis-py maps `LOADING` to a connection error already; the others it raises as plain `ResponseError`s. The one
hook into redis-py for them is its parser's public table of error prefixes (`EXCEPTION_CLASSES`), extended in a
subclass given to the connection pool through the documented `parser_class` option. Where a redis-py release has
no such table, `parser_class()` returns its default parser and those replies stay `ResponseError`s: answered
500 instead of 503, nothing else lost (the batched path, redis_batch.py, checks the prefixes itself).
"""

from __future__ import annotations

from typing import Any

import redis
from redis.connection import DefaultParser

OUTAGE_PREFIXES = ("LOADING", "BUSY", "MASTERDOWN", "READONLY")


class RedisBusy(redis.ConnectionError):
    """Redis answered that it cannot serve now (`BUSY`, `MASTERDOWN`, `READONLY`): an outage, as a connection
    error is, so every path that answers 503 for one (and retries on one) does for this too."""


def is_outage(message: str) -> bool:
    """Whether an error reply's text starts with an outage prefix."""
    return message.startswith(OUTAGE_PREFIXES)


def parser_class() -> Any:
    """redis-py's default reply parser with the outage replies raised as `RedisBusy` (or the default parser
    itself when it has no table to extend)."""
    table = getattr(DefaultParser, "EXCEPTION_CLASSES", None)
    if not isinstance(table, dict):
        return DefaultParser
    extended = {**table, **{prefix: RedisBusy for prefix in OUTAGE_PREFIXES if prefix != "LOADING"}}
    return type("OutageParser", (DefaultParser,), {"EXCEPTION_CLASSES": extended})
