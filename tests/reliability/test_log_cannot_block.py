"""Issue 19 finding 2: the request log never waits for its stream on the event loop. A harness that pipes `serve`'s
stderr and never reads it gets every answer; a stream that stalls loses lines, counted, never the server."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from mockserver.http.requestlog import RequestLog
from mockserver.testing import free_port
from tests.health import wait_healthy

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
REQUESTS = 2000  # each line is ~150 bytes: a 64 KiB pipe is full after ~450 of them (where serve used to freeze)


def _get_many(port: int, count: int) -> int:
    """`count` keep-alive GETs of unknown tasks on one connection (each answered before the next is sent); how
    many got a whole 200 answer within 5 s."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    answered = 0
    buffer = b""
    try:
        for i in range(count):
            sock.sendall(f"GET /api/v1/tasks/absent{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Authorization: Bearer sk-log-test\r\n\r\n".encode())
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end >= 0:
                    length = int(re.search(rb"content-length: *(\d+)", buffer[:end].lower()).group(1))  # type: ignore[union-attr]
                    if len(buffer) >= end + 4 + length:
                        assert buffer.startswith(b"HTTP/1.1 200"), buffer[:200]
                        buffer = buffer[end + 4 + length:]
                        answered += 1
                        break
                chunk = sock.recv(65536)  # a frozen server: TimeoutError fails the test
                if not chunk:
                    return answered
                buffer += chunk
    finally:
        sock.close()
    return answered


def test_serve_answers_every_request_while_nobody_reads_its_stderr() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")}
    proc = subprocess.Popen([COMMAND, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)  # piped, and not read until the end
    try:
        wait_healthy(base, lambda: proc.poll() is None, lambda: "(stderr is not read)")
        assert _get_many(port, REQUESTS) == REQUESTS
        counters = httpx.get(f"{base}/__mock/health").json()["request_log"]
        assert counters["queued"] > 0  # lines wait for the stream: the pipe is full, the server is not blocked
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=20)[1].decode()  # reading at last: the writer catches up
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    logged = len(re.findall(r"^.* GET /api/v1/tasks/absent\d+ model=- status=200 ", err, re.M))
    assert logged == REQUESTS, err[-2000:]  # within the queue's bound, nothing is dropped: only delayed


class _Stalled:
    """A stream whose writes block until released (a pipe nobody reads)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.text: list[str] = []

    def write(self, text: str) -> int:
        self.entered.set()
        self.release.wait()
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        """Nothing buffered here."""


def test_a_stalled_stream_drops_lines_counts_them_and_says_so_once_it_drains() -> None:
    stream = _Stalled()
    log = RequestLog(stream, batch=10, max_queued=100)  # type: ignore[arg-type]
    started = time.perf_counter()
    for i in range(10):  # the first batch: the writer takes it and blocks in write()
        log.line(f"r{i}", "GET", f"/api/v1/tasks/t{i}", None, 200, f"t{i}", started)
    assert stream.entered.wait(5)
    for i in range(10, 1000):  # 990 more lines, none waits: 90 fit in the queue, the rest are dropped
        log.line(f"r{i}", "GET", f"/api/v1/tasks/t{i}", None, 200, f"t{i}", started)
    assert log.counters() == {"queued": 100, "dropped": 900}
    stream.release.set()
    assert log.drain(5)
    log.close()
    lines = "".join(stream.text).splitlines()
    assert len([ln for ln in lines if "status=200" in ln]) == 100
    told = [ln for ln in lines if "dropped" in ln]  # once, after the backlog
    assert len(told) == 1 and lines[-1] == told[0]
    assert told[0].endswith("request log: 900 lines dropped (the stream was not read fast enough)")
    assert log.counters() == {"queued": 0, "dropped": 900}
