"""The baseline: a bare ASGI app that answers every request with one fixed JSON body."""

from __future__ import annotations

from typing import Any

BODY = (b'{"request_id":"00000000-0000-4000-8000-000000000000","output":{"task_id":'
        b'"00000000-0000-4000-8000-000000000001","task_status":"PENDING"}}')
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Drain the request body, answer 200 with the fixed body."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
