"""The cassette recorder: an observer that writes each answered exchange, scrubbed, to the run's cassette."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from ..domain.state import Twin
from . import scrub
from .cassette import CassetteWriter
from .exchange import Reply, Request
from .tracking import TaskTracker

log = logging.getLogger("dashscope_mock.capture")
_MEDIA_TYPES = ("video/", "image/", "audio/")


class CassetteRecorder:
    """Writes every exchange it is shown to `writer`, with the twin's virtual time and the wall time."""

    def __init__(self, twin: Twin, writer: CassetteWriter) -> None:
        self.twin = twin
        self.writer = writer
        self.tracker = TaskTracker()

    def seen(self, request: Request, reply: Reply, wall: float, virtual: float, elapsed_s: float) -> None:
        """Record one exchange (a failure to write is logged, never raised into the answer)."""
        try:
            self.writer.write(self.entry(request, reply, wall, virtual, elapsed_s))
        except OSError as exc:
            log.error("dashscope-mock: cannot write the cassette %s: %s", self.writer.path, exc)

    def entry(self, request: Request, reply: Reply, wall: float, virtual: float, elapsed_s: float) -> dict[str, Any]:
        """The cassette line of one exchange."""
        kind, task_id, model = self.tracker.place(request, reply)
        known = self.twin.secrets() | scrub.caller_secrets(request.headers)
        response: dict[str, Any] = {
            "status": reply.status, "headers": scrub.headers(reply.headers, known),
            "body": scrub.body(reply.body, reply.content_type, known)}
        if kind == "result" and reply.status == 200 and reply.content_type.startswith(_MEDIA_TYPES):
            name = urlsplit(request.path).path.rsplit("/", 1)[-1]
            kept = self.writer.keep(reply.body, name.rsplit(".", 1)[-1] if "." in name else "")
            if kept is not None:
                response["media"] = kept
        return {
            "kind": kind, "task_id": task_id, "model": model, "wall": wall, "virtual": virtual,
            "elapsed_ms": round(elapsed_s * 1000, 3),
            "request": {"method": request.method, "path": scrub.text(request.path, known),
                        "query": scrub.text(request.query, known),
                        "headers": scrub.headers(request.headers, known),
                        "body": scrub.body(request.body, request.header("content-type") or "", known)},
            "response": response,
        }
