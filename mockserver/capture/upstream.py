"""The upstream as an answer source: every request forwarded, with the caller's own credentials, to `--upstream`.

This is the only outbound connection the twin ever makes, and it goes to that one service. When `--upstream` is one
of the real service's API hosts, a request that reached the twin (through its proxy or TLS listener) addressed to
one of that service's own result or upload hosts (`x-dashscope-hosts`) goes to that host, since the real service
hands out those URLs and only that host can answer them; every other request goes to the `--upstream` root.
Nothing else in an answer makes the twin contact another host. A request the upstream cannot be asked
(connection refused, timeout) is answered 502 `UpstreamUnreachable` in the DashScope envelope.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import httpx
import orjson

from ..spec.hosts import ServiceHosts, bare_host
from .exchange import Reply, Request

# hop-by-hop headers (RFC 9110 §7.6.1) and what httpx sets itself for the new connection
_NOT_FORWARDED = frozenset({"host", "connection", "keep-alive", "proxy-connection", "te", "trailer",
                            "transfer-encoding", "upgrade", "content-length", "accept-encoding",
                            "proxy-authorization", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"})
_NOT_RETURNED = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
                           "date", "server"})
TIMEOUT_S = 120.0


def upstream_root(url: str) -> str:
    """The root of an `--upstream` URL (a trailing /api/v1 is dropped: the client's paths carry it); ValueError
    when it is not an http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"{url!r} is not an http(s) URL such as https://dashscope.aliyuncs.com")
    path = parts.path.rstrip("/").removesuffix("/api/v1")
    return f"{parts.scheme}://{parts.netloc}{path}"


class Upstream:
    """Forwards requests to one root URL with `client` (made here unless given: tests pass an in-process one)."""

    def __init__(self, root: str, client: httpx.AsyncClient | None = None, hosts: ServiceHosts | None = None) -> None:
        self.root = upstream_root(root)
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False, trust_env=False)
        hosts = hosts or ServiceHosts()
        # the real service's own file hosts, reachable only when the upstream is that service
        self.file_hosts = hosts.results | hosts.uploads if bare_host(urlsplit(self.root).netloc) in hosts.api \
            else frozenset()

    def target(self, request: Request) -> str:
        """The root `request` is forwarded to: its own Host when that is one of the real service's file hosts,
        else the `--upstream` root."""
        host = bare_host(request.header("host") or "")
        return f"https://{host}" if host in self.file_hosts else self.root

    async def answer(self, request: Request) -> Reply:
        """The upstream's answer to `request` (502 UpstreamUnreachable when it cannot be reached)."""
        url = self.target(request) + request.path + (f"?{request.query}" if request.query else "")
        headers = [(k, v) for k, v in request.headers if k not in _NOT_FORWARDED]
        try:
            response = await self.client.request(request.method, url, headers=headers, content=request.body)
        except httpx.HTTPError as exc:
            body = {"request_id": str(uuid.uuid4()), "code": "UpstreamUnreachable",
                    "message": f"The upstream {self.root} could not be reached: {type(exc).__name__}."}
            return Reply(502, [("content-type", "application/json")], orjson.dumps(body))
        kept = [(k.lower(), v) for k, v in response.headers.multi_items() if k.lower() not in _NOT_RETURNED]
        return Reply(response.status_code, kept, response.content)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()
