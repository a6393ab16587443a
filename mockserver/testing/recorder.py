"""The request recorder: ASGI middleware that keeps a `WireRecord` of every HTTP request the twin answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.redaction import redact
from .runner import ASGIApp, Message, Receive, Scope, Send

_BODY_CAP = 1 << 20


@dataclass(frozen=True, slots=True)
class WireRecord:
    """One HTTP request the twin answered (path, query and headers redacted; JSON bodies kept, others dropped)."""

    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]
    body: bytes
    response_type: str

    def json(self) -> Any:
        """The request body parsed as JSON (None when it was empty)."""
        import orjson

        return orjson.loads(self.body) if self.body else None


class Recorder:
    """ASGI middleware around `app` that appends a `WireRecord` to `records` per HTTP request."""

    def __init__(self, app: ASGIApp, records: list[WireRecord]) -> None:
        self.app = app
        self.records = records

    @property
    def state(self) -> Any:
        """The wrapped app's state, so code that finds the twin at `app.state.twin` works on a recorded app."""
        return getattr(self.app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        twin = getattr(self.state, "twin", None)
        known: frozenset[str] = twin.secrets() if twin is not None else frozenset()
        headers = {k.decode("latin-1").lower(): redact(v.decode("latin-1"), known) for k, v in scope["headers"]}
        body = b""
        replay: list[Message] = []
        if "json" in headers.get("content-type", ""):
            # read the body now (handlers that ignore it, like cancel, never would) and replay it
            parts: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    replay.append(message)
                    break
                parts.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body = b"".join(parts)
            replay.insert(0, {"type": "http.request", "body": body, "more_body": False})
        status: list[int] = [0]
        content_type: list[str] = [""]

        async def receive_replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                for k, v in message.get("headers", []):
                    if k.lower() == b"content-type":
                        content_type[0] = v.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive_replayed, send_and_note)
        finally:
            self.records.append(WireRecord(
                scope["method"], redact(scope["path"], known),
                redact(scope.get("query_string", b"").decode("latin-1"), known),
                status[0], headers, body[:_BODY_CAP], content_type[0]))
