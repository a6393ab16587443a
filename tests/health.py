"""Waiting for a `dashscope-mock serve` subprocess to answer, with the standard library only.

Readiness probes use urllib rather than httpx: a probe must not depend on the state of the client library the
test under way is exercising.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable


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
