"""One exchange as the answer sources see it: a whole request, a whole reply, and how to run either through ASGI.

Every source (the twin, the upstream, a cassette) takes a `Request` and gives a `Reply`; nothing here knows which
ingress brought the request (plain port, proxy, TLS listener, in-process transport).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

AIGC = "/api/v1/services/aigc/"
TASKS = "/api/v1/tasks"
UPLOADS = "/api/v1/uploads"
# what stays with the local twin in every mode: its control plane, its spec and its docs
LOCAL = ("/__mock", "/openapi.json", "/docs", "/__cassette/")


@dataclass(slots=True)
class Request:
    """A whole HTTP request: method, path, raw query, headers (lower-case names, in order), body."""

    method: str
    path: str
    query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    client: tuple[str, int] = ("127.0.0.1", 0)
    scheme: str = "http"

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower case), or None."""
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def with_path(self, path: str) -> Request:
        """The same request to another path."""
        return Request(self.method, path, self.query, list(self.headers), self.body, self.client, self.scheme)

    def with_header(self, name: str, value: str) -> Request:
        """The same request with header `name` set to `value` (replacing any)."""
        headers = [(k, v) for k, v in self.headers if k != name] + [(name, value)]
        return Request(self.method, self.path, self.query, headers, self.body, self.client, self.scheme)


@dataclass(slots=True)
class Reply:
    """A whole HTTP answer: status, headers (lower-case names), body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower case), or None."""
        for k, v in self.headers:
            if k == name:
                return v
        return None

    @property
    def content_type(self) -> str:
        """The content type, as sent ("" when none)."""
        return self.header("content-type") or ""

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        if "json" not in self.content_type or not self.body:
            return None
        import orjson

        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None


def classify(method: str, path: str) -> tuple[str, str | None]:
    """(kind, task id named in the path): create, query, cancel, list, upload_policy, upload or other."""
    if path.startswith(AIGC):
        return "create", None
    if path.startswith(TASKS):
        rest = path[len(TASKS):].strip("/")
        if not rest:
            return "list", None
        if method == "POST" and rest.endswith("/cancel"):
            return "cancel", rest[: -len("/cancel")]
        if "/" not in rest:
            return "query", rest
    if path.rstrip("/") == UPLOADS:
        return "upload_policy", None
    if method == "POST":
        return "upload", None
    if method in ("GET", "HEAD"):
        return "download", None
    return "other", None


def is_local(path: str) -> bool:
    """Whether the local twin answers `path` in every mode (control plane, spec, docs, kept media)."""
    return path == "/" or path.startswith(LOCAL)


async def read_request(scope: Scope, receive: Receive, limit: int | None = None) -> Request | None:
    """The whole request of an ASGI http scope (its body gathered from every message); None once the body
    passes `limit` bytes (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    client = scope.get("client") or ("127.0.0.1", 0)
    return Request(scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"),
                   [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]],
                   b"".join(chunks), (str(client[0]), int(client[1])), scope.get("scheme", "http"))


async def send_reply(send: Send, reply: Reply) -> None:
    """Send `reply` on an ASGI connection (its content-length set from the body)."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers if k != "content-length"]
    headers.append((b"content-length", str(len(reply.body)).encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


async def call_app(app: ASGIApp, request: Request) -> Reply:
    """Run `request` through the ASGI `app` in process and gather its whole reply."""
    scope: Scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
        "scheme": request.scheme, "path": request.path, "raw_path": request.path.encode(), "root_path": "",
        "query_string": request.query.encode("latin-1"), "client": request.client, "server": ("127.0.0.1", 80),
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": request.body, "more_body": False}

    reply = Reply(500)
    parts: list[bytes] = []

    async def collect(message: Message) -> None:
        if message["type"] == "http.response.start":
            reply.status = int(message["status"])
            reply.headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, collect)
    reply.body = b"".join(parts)
    return reply
