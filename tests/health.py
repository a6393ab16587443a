"""Waiting for a `dashscope-mock serve` subprocess to answer, with the standard library only.

Readiness probes use urllib rather than httpx: a probe must not depend on the state of the client library the
test under way is exercising.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def wait_healthy(base: str, alive: Callable[[], bool], log: Callable[[], str], timeout: float = 30.0) -> None:
    """Return once GET {base}/__mock/health answers 200; fail with the server's log if it dies or times out."""
    deadline = time.monotonic() + timeout
    while True:
        assert alive(), f"the server exited:\n{log()}"
        try:
            with urllib.request.urlopen(f"{base}/__mock/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        assert time.monotonic() < deadline, f"no health answer in {timeout:.0f} s:\n{log()}"
        time.sleep(0.05)


@contextlib.contextmanager
def served(argv: list[str], base: str, log: Path, **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """Run a `dashscope-mock serve` command (output to `log`) until it is healthy; at the end SIGTERM it and
    expect a clean exit (killed instead if the body failed first)."""
    with log.open("w") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        wait_healthy(base, lambda: proc.poll() is None, log.read_text)
        yield proc
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
