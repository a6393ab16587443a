"""Replay: an httpx transport that answers from a check's snapshot, in the order the answers were recorded.

A check is deterministic given its answers (the poll loop stops at the recorded terminal status), so the
requests come in the recorded order; a request that does not match the next recorded one is a divergence
and fails the check with both requests named.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from .snapshots import load_snapshot

REPLAY_HOST = "replay.invalid"
REPLAY_BASE_PATH = "/api/v1"


class ReplayDiverged(Exception):
    """The check sent a request the recording does not have at this point."""


class NoSnapshot(Exception):
    """The recording has no snapshot for this check (it was skipped or not run when recording)."""


class ReplayTransport(httpx.BaseTransport):
    """Serve one check's recorded target responses; `begin(check)` selects the check."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._queue: list[dict[str, Any]] = []
        self._check = ""

    def begin(self, check: str) -> None:
        """Load the snapshot of `check` (NoSnapshot when there is none)."""
        snapshot = load_snapshot(self.directory, check)
        if snapshot is None:
            raise NoSnapshot(f"no snapshot of this check in {self.directory}")
        self._check = check
        self._queue = list(snapshot["exchanges"])

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """The next recorded response, if the request matches the next recorded request."""
        method = request.method
        # API calls are recorded relative to the base URL, downloads with their absolute URL
        path = request.url.path.removeprefix(REPLAY_BASE_PATH) if request.url.host == REPLAY_HOST else None
        seen = path if path is not None else request.url.path
        if not self._queue:
            raise ReplayDiverged(f"{self._check}: {method} {seen} was not recorded (the recording ended)")
        recorded = self._queue.pop(0)
        want = recorded["request"]
        want_path = want["path"] if path is not None else urlsplit(want.get("url", "")).path
        if (want["method"], want_path) != (method, seen):
            raise ReplayDiverged(f"{self._check}: expected {want['method']} {want.get('path') or want_path}, "
                                 f"got {method} {seen}")
        answer = recorded["response"]
        if "body_b64" in answer:
            content = base64.b64decode(answer["body_b64"])
        elif "body" in answer:
            content = orjson.dumps(answer["body"])
        else:
            content = str(answer.get("text", "")).encode()
        return httpx.Response(answer["status"], headers=answer.get("headers", {}), content=content,
                              request=request)
