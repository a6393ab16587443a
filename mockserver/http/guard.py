"""What every DashScope endpoint gets, in one place: a request id, any injected fault, the flat error envelope
on failure (never a traceback), and one log line. The raw-ASGI gateway and the Starlette routes both use it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from ..domain.state import Twin
from ..spec.catalog import DashScopeError
from ..wire.envelope import error_body
from .requestlog import RequestLog

log = logging.getLogger("dashscope_mock")


@dataclass(slots=True)
class Reply:
    """A JSON answer: body, status, extra headers."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Seen:
    """What the log line names beyond method and path; handlers fill in what they learn (model, task id)."""

    task_id: str | None = None
    model: str | None = None
    minted: bool = False  # the task id was made here (a create), so the client wrote nothing in it


Produce = Callable[[str], Awaitable[Reply]]
Answer = tuple[int, bytes, dict[str, str]]  # status, JSON body, extra headers
T = TypeVar("T")


class Guard:
    """Runs a handler with the request id, faults, envelope, 500 fallback and log line every endpoint gets."""

    def __init__(self, twin: Twin, request_log: RequestLog | None = None) -> None:
        self.twin = twin
        self.log = request_log if twin.settings.log_requests else None
        self.suffix = twin.catalog.doc_link if twin.settings.message_suffix else ""

    async def _fault(self, kind: str, task_id: str | None) -> None:
        fault = self.twin.faults.draw(kind)
        if fault is None:
            return
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.code:
            if task_id:
                self.twin.tasks.note_fault(task_id, fault.code)
            raise self.twin.catalog.error(fault.code)

    async def run(self, kind: str, method: str, path: str, seen: Seen, produce: Produce) -> Answer:
        """(status, JSON bytes, headers) of one request; `produce(request_id)` builds the success reply."""
        started = time.perf_counter()
        request_id = self.twin.ids.request_id()
        try:
            if self.twin.faults.active:
                await self._fault(kind, seen.task_id)
            return self._answered(await produce(request_id), request_id, method, path, seen, started)
        except Exception as exc:
            return self._failed(exc, request_id, method, path, seen, started)

    def run_now(self, kind: str, method: str, path: str, seen: Seen, handler: Callable[[T, str], Reply],
                arg: T) -> Answer | None:
        """`run` for a handler that never waits, `handler(arg, request_id)`; None while a fault is armed (faults
        can delay: then use `run`). Polling takes this path: an await chain per request costs."""
        if self.twin.faults.active:
            return None
        started = time.perf_counter()
        request_id = self.twin.ids.request_id()
        try:
            return self._answered(handler(arg, request_id), request_id, method, path, seen, started)
        except Exception as exc:
            return self._failed(exc, request_id, method, path, seen, started)

    async def run_shared(self, ready: Awaitable[None], kind: str, method: str, path: str, seen: Seen,
                         handler: Callable[[T, str], Reply], arg: T) -> Answer:
        """`run_now` on a shared store whose reads are batched on the event loop: once `ready` (the request's
        refresh) is done, and answered only after the writes the handler queued are acknowledged."""
        started = time.perf_counter()
        request_id = self.twin.ids.request_id()
        try:
            await ready  # first: the fault plan it reads decides the fault below
            if self.twin.faults.active:
                await self._fault(kind, seen.task_id)
            reply = handler(arg, request_id)
            written = self.twin.settle()
            if written is not None:
                await written
            return self._answered(reply, request_id, method, path, seen, started)
        except Exception as exc:
            return self._failed(exc, request_id, method, path, seen, started)

    def unavailable(self, exc: Exception) -> DashScopeError:
        """The answer while the shared store cannot be reached: a 503, which the official SDK's poll retries, so
        a Redis restart passes; logged as one line, not a traceback."""
        log.warning("the shared store is unavailable: %s", exc)
        return self.twin.catalog.error("ModelServingError")

    def refused(self, exc: Exception, method: str, path: str) -> Answer:
        """The error answer (and log line) for a request that failed before it reached a handler."""
        return self._failed(exc, self.twin.ids.request_id(), method, path, Seen(), time.perf_counter())

    def _answered(self, reply: Reply, request_id: str, method: str, path: str, seen: Seen,
                  started: float) -> Answer:
        payload = orjson.dumps(reply.body)  # inside the caller's try: an unencodable body is a 500, not a drop
        if self.log is not None:
            self.log.line(request_id, method, path, seen.model, reply.status, seen.task_id, started, seen.minted)
        return reply.status, payload, reply.headers

    def _failed(self, exc: Exception, request_id: str, method: str, path: str, seen: Seen,
                started: float) -> Answer:
        if isinstance(exc, self.twin.outages):
            exc = self.unavailable(exc)
        if isinstance(exc, DashScopeError):
            status, headers = exc.status, {"x-request-id": request_id, **exc.headers}
            payload = orjson.dumps(error_body(exc, request_id, self.suffix))
        else:  # never a traceback (or a dropped connection): a 500 in the documented envelope
            log.error("internal error on %s %s", self.twin.redact(method), self.twin.redact(path), exc_info=exc)
            internal = self.twin.catalog.error("InternalError")
            status, headers = internal.status, {"x-request-id": request_id}
            payload = orjson.dumps(error_body(internal, request_id))
        if self.log is not None:
            self.log.line(request_id, method, path, seen.model, status, seen.task_id, started, seen.minted)
        return status, payload, headers
