"""The request log: one line per answered request (request id and latency included), with secrets redacted.

A `logging` record per request cost about 40 % of the GET throughput, so lines are plain f-strings kept in a
list and written to the stream in batches: when the batch is full, or a moment after its first line (a timer
on the event loop), and at exit. This is the only place a request line is built.

Only the fields a client controls (path, model, task id) can carry a secret or a control character, so only
they are redacted, and each distinct value once: a client polls one task id dozens of times, and redacting the
whole line cost half of the line's time.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import time
from collections.abc import Callable
from typing import TextIO

from ..domain.redaction import redact

_CLEAN_MAX = 4096  # distinct field values remembered redacted; the memo starts over when full


class RequestLog:
    """Batched request lines on `stream`: at most `batch` lines or `interval` seconds behind the traffic."""

    def __init__(self, stream: TextIO, *, interval: float = 0.2, batch: int = 512) -> None:
        self.stream = stream
        self.interval = interval
        self.batch = batch
        self._lines: list[str] = []
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._next_second = 0.0
        self._stamp = ""
        # the twin's secrets (keys-file keys, admin token): one object while they stay the same (domain/state.py)
        self.secrets: Callable[[], frozenset[str]] = frozenset
        self._known: frozenset[str] | None = None
        self._clean: dict[str, str] = {}
        atexit.register(self.flush)

    def _cleaned(self, text: str) -> str:
        """`text` with secrets masked and control characters escaped, remembered for the next line."""
        out = redact(text, self._known or ())
        if len(self._clean) >= _CLEAN_MAX:
            self._clean = {}
        self._clean[text] = out
        return out

    def line(self, request_id: str, method: str, path: str, model: str | None, status: int, task_id: str | None,
             started: float, minted: bool = False) -> None:
        """Record one answered request; `started` is its `time.perf_counter()` at arrival; `minted` says the
        task id was made by the twin (nothing in it to redact)."""
        now = time.time()
        if now >= self._next_second:  # strftime once a second, not once a request
            second = int(now)
            self._next_second = second + 1.0
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        elapsed_us = int((time.perf_counter() - started) * 1e6)
        known = self.secrets()
        if known is not self._known:  # a keys file reloaded: what was clean may not be any more
            self._known, self._clean = known, {}
        clean = self._clean
        path = clean.get(path) or self._cleaned(path)
        model = "-" if not model else clean.get(model) or self._cleaned(model)
        task_id = "-" if not task_id else task_id if minted else clean.get(task_id) or self._cleaned(task_id)
        self._lines.append(f"{self._stamp}.{int(now * 1000) % 1000:03d} {method} {path} model={model} "
                           f"status={status} task={task_id} request_id={request_id} {elapsed_us}us")
        if len(self._lines) >= self.batch:
            self.flush()
        elif self._timer is None:
            self._schedule()
        elif self._loop is not None and self._loop.is_closed():  # the loop that held the timer is gone
            self.flush()

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop here: write at once
            self.flush()
            return
        self._loop = loop
        self._timer = loop.call_later(self.interval, self.flush)

    def flush(self) -> None:
        """Write every pending line now."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            lines, self._lines = self._lines, []
            if not lines:
                return
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # a closed or broken stream must not take the server down
                pass

    def close(self) -> None:
        """Flush and stop flushing at exit (the stream stays open: it belongs to the caller)."""
        self.flush()
        atexit.unregister(self.flush)
