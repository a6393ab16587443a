"""The request log: one line per answered request (request id and latency included), with secrets redacted.

A `logging` record per request cost about 40 % of the GET throughput. Here a request only notes its fields
(a tuple on a list); the lines are formatted and written to the stream in batches: when the batch is full, or
a moment after its first entry (a timer on the event loop), and at exit. Formatting in a batch, with the
twin's secrets looked up once per batch, cost a third of formatting each line as its request ended. This is
the only place a request line is built.

Only the fields a client controls (path, model, task id) can carry a secret or a control character, so only
they are redacted, and each distinct value once: a client polls one task id dozens of times, and redacting the
whole line cost half of the line's time.

Nothing here waits for the stream on the event loop. A flush hands its batch to a writer thread through a bounded
queue; the thread formats and writes it. A harness that pipes stderr and stops reading blocks only that thread:
the queue fills, and further batches are dropped and counted (`dropped`, shown by /__mock/health) instead of
freezing the server; once the stream takes lines again and the queue is empty, one line says how many were
dropped. docs/board.md covers the counters.
"""

from __future__ import annotations

import asyncio
import atexit
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

from ..domain.redaction import redact

MAX_QUEUED = 32_768  # lines waiting for the writer thread (a few MB); past that, new batches are dropped
CLOSE_WAIT_S = 2.0  # how long close() waits for a stalled stream to take the last lines
_CLEAN_MAX = 4096  # distinct field values remembered redacted; the memo starts over when full
_MILLIS = tuple(f".{ms:03d} " for ms in range(1000))  # a table, not a format spec: ":03d" was a tenth of a line

# perf_counter at the end and at the start, method, path, model, status, task id, whether the twin minted that
# id, request id
Entry = tuple[float, float, str, str, "str | None", int, "str | None", bool, str]


class RequestLog:
    """Batched request lines on `stream`: at most `batch` lines or `interval` seconds behind the traffic."""

    def __init__(self, stream: TextIO, *, interval: float = 0.2, batch: int = 512,
                 max_queued: int = MAX_QUEUED) -> None:
        self.stream = stream
        self.interval = interval
        self.batch = batch
        self.max_queued = max_queued
        self._entries: list[Entry] = []
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._due = math.inf  # perf_counter time the timer should fire by
        self._lock = threading.Lock()
        self._second = -1
        self._stamp = ""
        # the twin's secrets (keys-file keys, admin token): one object while they stay the same (domain/state.py)
        self.secrets: Callable[[], frozenset[str]] = frozenset
        self._known: frozenset[str] | None = None
        self._clean: dict[str, str] = {}
        # the hand-off to the writer thread: batches of entries, how many lines they hold, and the counters
        self._queue: deque[tuple[list[Entry], frozenset[str]]] = deque()  # a batch, the secrets at its flush
        self._queued = 0
        self._writing = 0  # lines the writer took off the queue and has not written yet
        self._wake = threading.Condition(threading.Lock())
        self._writer: threading.Thread | None = None
        self.dropped = 0  # lines dropped since start because the stream did not keep up
        self._unreported = 0  # dropped lines no "lines dropped" line has told of yet
        atexit.register(self.close)

    def line(self, request_id: str, method: str, path: str, model: str | None, status: int, task_id: str | None,
             started: float, minted: bool = False) -> None:
        """Record one answered request; `started` is its `time.perf_counter()` at arrival; `minted` says the
        task id was made by the twin (nothing in it to redact)."""
        entries = self._entries
        # one clock read: the wall time is placed from the batch's own (wall, perf) anchor at flush
        now = time.perf_counter()
        entries.append((now, started, method, path, model, status, task_id, minted, request_id))
        if len(entries) >= self.batch:
            self.flush()
        elif self._timer is None:
            self._schedule(now)
        # the timer is overdue: a busy loop, or one that closed with the timer on it (asked only then: is_closed
        # on every line was a tenth of the log's cost)
        elif now > self._due and self._loop is not None and self._loop.is_closed():
            self.flush()

    def _cleaned(self, text: str) -> str:
        """`text` with secrets masked and control characters escaped, remembered for the next line."""
        out = redact(text, self._known or ())
        if len(self._clean) >= _CLEAN_MAX:
            self._clean = {}
        self._clean[text] = out
        return out

    def _format(self, entries: list[Entry], known: frozenset[str]) -> str:
        if known is not self._known:  # a keys file reloaded: what was clean may not be any more
            self._known, self._clean = known, {}
        clean, cleaned, millis, floor = self._clean, self._cleaned, _MILLIS, math.floor
        offset = time.time() - time.perf_counter()  # wall = perf + offset, anchored at this flush
        second_shown, stamp = self._second, self._stamp
        since, until = float(second_shown), second_shown + 1.0  # floats: comparing a float with an int is slow
        # polls repeat: the part between the time and the request id is built once per batch, looked up by path (a
        # string hashes once; a tuple key hashed four fields a line) and checked against the rest; a create's task
        # id is new every time, so only the part before it is reused then
        heads: dict[str, tuple[int, str | None, str, str | None, str, str]] = {}
        lines: list[str] = []
        append = lines.append
        for ended, started, method, path, model, status, task_id, minted, request_id in entries:
            now = ended + offset
            if not since <= now < until:  # strftime once a second, not once a line
                second_shown = floor(now)
                since, until = float(second_shown), second_shown + 1.0
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second_shown))
            seen = heads.get(path)
            if seen is None or seen[0] != status or seen[1] != model or seen[2] != method:
                shown_path = clean.get(path) or cleaned(path)
                shown_model = "-" if not model else clean.get(model) or cleaned(model)
                seen = (status, model, method, None, f"{method} {shown_path} model={shown_model} status={status} task=",
                        "")
            if seen[5] and seen[3] == task_id:
                head = seen[5]
            else:
                task = task_id if minted else "-" if not task_id else clean.get(task_id) or cleaned(task_id)
                head = f"{seen[4]}{task} request_id="
                heads[path] = (status, model, method, task_id, seen[4], head)
            # math.floor, not int(): a call of the int type costs twice as much
            append(f"{stamp}{millis[floor((now - since) * 1000)]}{head}{request_id} "
                   f"{floor((ended - started) * 1e6)}us\n")
        self._second, self._stamp = second_shown, stamp
        return "".join(lines)

    def _schedule(self, now: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop here: write at once
            self.flush()
            return
        self._loop = loop
        self._timer = loop.call_later(self.interval, self.flush)
        self._due = now + self.interval

    def counters(self) -> dict[str, int]:
        """How many lines wait for the stream, and how many were dropped because it did not keep up."""
        with self._wake:
            return {"queued": self._queued + self._writing + len(self._entries), "dropped": self.dropped}

    def flush(self) -> None:
        """Hand every pending line to the writer thread; never waits for the stream. Lines that do not fit in its
        bounded queue are dropped and counted."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            entries, self._entries = self._entries, []
        if not entries:
            return
        with self._wake:
            if self._queued + self._writing + len(entries) > self.max_queued:
                self.dropped += len(entries)
                self._unreported += len(entries)
                return
            self._queue.append((entries, self.secrets()))
            self._queued += len(entries)
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_all, name="dashscope-mock-request-log",
                                                daemon=True)
                self._writer.start()
            self._wake.notify_all()  # the writer, not only a drain() that may be waiting too

    def _write_all(self) -> None:
        """The writer thread: format and write batches as they come; report drops once the queue is empty."""
        while True:
            with self._wake:
                while not self._queue:
                    if not self._wake.wait(timeout=5.0) and not self._queue:
                        self._writer = None  # idle: a later flush starts another thread
                        return
                entries, known = self._queue.popleft()
                self._queued -= len(entries)
                self._writing = len(entries)
            written = self._write(self._format(entries, known))
            with self._wake:
                self._writing = 0
                if not written:
                    self.dropped += len(entries)
                report = self._unreported if not self._queue else 0
                self._unreported -= report
                self._wake.notify_all()
            if report:
                self._write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} request log: {report} lines dropped "
                            "(the stream was not read fast enough)\n")

    def _write(self, text: str) -> bool:
        try:
            self.stream.write(text)
            self.stream.flush()
            return True
        except (OSError, ValueError):  # a closed or broken stream must not take the server down
            return False

    def drain(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds until every handed-off line is written; whether they all were."""
        self.flush()
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._queued or self._writing:
                left = deadline - time.monotonic()
                if left <= 0 or not self._wake.wait(timeout=left):
                    return not (self._queued or self._writing)
            return True

    def close(self) -> None:
        """Write what is pending (waiting at most CLOSE_WAIT_S for a stalled stream) and stop flushing at exit
        (the stream stays open: it belongs to the caller)."""
        self.drain(CLOSE_WAIT_S)
        atexit.unregister(self.close)
