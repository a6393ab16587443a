"""How the twin is served: uvicorn with header, body and idle deadlines (the CLI, its workers and the harness).

Each protection uses the most public means there is (docs/serving.md):
- idle keep-alive connections: uvicorn's `timeout_keep_alive`;
- request bodies that stall, and answers given before the body was read: ASGI middleware (http/body_guard.py);
- request heads that take too long or grow too large: uvicorn has no option for these on its httptools protocol,
  so http/protocol_hook.py (the one private hook) adds them. Without it (no httptools, another uvicorn) the twin
  is served over h11, whose `h11_max_incomplete_event_size` caps the head; only the head deadline is lost.
"""

from __future__ import annotations

import asyncio
import gc
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

import orjson
import uvicorn

from . import protocol_hook
from .body_guard import BodyGuard
from .gateway import Gateway

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER_TIMEOUT_S = 10.0  # from connect (or the end of the previous response) to the end of the headers
BODY_IDLE_TIMEOUT_S = 10.0  # the longest pause between two chunks of a request body
KEEP_ALIVE_S = 5  # an idle keep-alive connection (uvicorn's own timer)
MAX_HEADER_BYTES = 64 * 1024  # a request head: the request line and the headers, not the body
DRAIN_BYTES = 32 * 1024 * 1024  # what is read and dropped after an early answer, so that the answer arrives
DRAIN_S = 5.0

# what a head over MAX_HEADER_BYTES is answered when the app's catalogue is not at hand (its documented entry)
_TOO_LARGE = ("BadRequest.TooLarge", 400, "Payload Too Large.")


def _too_large_answer(app: Any) -> bytes:
    """The whole HTTP answer to a request head over MAX_HEADER_BYTES: the error envelope, then a close."""
    code, status, message = _TOO_LARGE
    twin = getattr(getattr(app, "guard", None), "twin", None)
    if twin is not None:
        entry = twin.catalog.get(code)
        status, message = entry.status, twin.catalog.message(code)
    body = orjson.dumps({"request_id": secrets.token_hex(16), "code": code, "message": message})
    return (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


def http_option() -> type[asyncio.Protocol] | str:
    """uvicorn's `http` option: the hooked httptools protocol when it can be hooked, else plain h11."""
    return protocol_hook.TimedHttpToolsProtocol or "h11"


def guarded(app: ASGIApp) -> ASGIApp:
    """`app` as it is served: body deadlines and early answers handled (body_guard.py), and the head limits
    this process's hooked connections check set to the module's values (with `app`'s error catalogue)."""
    protocol_hook.configure(protocol_hook.HeadLimits(HEADER_TIMEOUT_S, MAX_HEADER_BYTES, _too_large_answer(app)))
    return BodyGuard(app, BODY_IDLE_TIMEOUT_S, DRAIN_BYTES, DRAIN_S)


def freeze_heap() -> None:
    """Move what start-up built (the parsed spec, compiled validators, the apps: ~70,000 objects) out of the cyclic
    collector's sight. Every full collection walked them again while tasks piled up; they live until exit."""
    gc.collect()
    gc.freeze()


def trusted_proxies() -> str:
    """The proxies whose X-Forwarded-* headers count: uvicorn's own setting and default."""
    return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def server_options(**options: Any) -> dict[str, Any]:
    """uvicorn options with the twin's protocol and timeouts (given options pass through and win)."""
    options.setdefault("log_level", "warning")
    options.setdefault("access_log", False)
    options.setdefault("lifespan", "off")
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
    options.setdefault("http", http_option())
    if options["http"] == "h11":  # h11's own cap on a head still incomplete; httptools has the hook's
        options.setdefault("h11_max_incomplete_event_size", MAX_HEADER_BYTES)
    # the twin's app applies forwarded headers itself, off the task path (Gateway.trust_forwarded)
    options.setdefault("proxy_headers", False)
    return options


def serve_gateway(app: Gateway) -> Gateway:
    """`app` ready to be served over HTTP: forwarded headers from trusted proxies count on its control plane."""
    app.trust_forwarded(trusted_proxies())
    return app


def server_config(app: ASGIApp | str, **options: Any) -> uvicorn.Config:
    """A uvicorn Config for `app` with the twin's timeouts (other options pass through)."""
    if isinstance(app, Gateway):
        serve_gateway(app)
    else:  # any other app keeps uvicorn's own forwarded-header handling
        options.setdefault("proxy_headers", True)
    return uvicorn.Config(guarded(app) if not isinstance(app, str) else app, **server_options(**options))
