"""Who may use the control plane (`/__mock/*`): the admin token, or loopback on the twin's own host name.

Loopback alone is ambient authority a web page in the user's browser also has, so it counts only for requests
that are provably not cross-site: the `Host` is the twin's own (no DNS rebinding), any `Origin` or
`Sec-Fetch-Site` says same-origin, a body is JSON (no HTML form can send that without CORS), and a browser's
write carries the board's per-process token (a header no other origin can read or set). docs/admin-api.md.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

ADMIN_HEADER = "x-mock-admin-token"
BOARD_HEADER = "x-mock-board-token"
COOKIE = "mock_admin_token"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOCAL_NAMES = frozenset({"localhost", "mock", "testserver"})  # the in-process transports' base URLs


def is_loopback(host: str) -> bool:
    """Whether a peer address is this machine."""
    if host in ("testclient", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def hostname(netloc: str) -> str:
    """The host part of a `Host` header or an origin's netloc, lower case, without port or brackets."""
    try:
        return (urlsplit("//" + netloc).hostname or "").lower()
    except ValueError:
        return ""


def own_host(name: str, extra: frozenset[str]) -> bool:
    """Whether `name` (from `Host`) names this twin: an IP literal (nothing to rebind), localhost, or a name the
    twin was started under (its result host)."""
    if name in LOCAL_NAMES or name in extra or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is refused: HTTP status, envelope code and message."""

    status: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Access:
    """The control plane's door: the admin token, the board's per-process token and the twin's own names."""

    admin_token: str
    board_token: str
    names: frozenset[str] = frozenset()

    def _token_ok(self, given: str | None, expected: str) -> bool:
        return bool(given) and hmac.compare_digest((given or "").encode(), expected.encode())

    def is_admin_token(self, given: str | None) -> bool:
        """Whether `given` is the admin token (compared in constant time)."""
        return self._token_ok(given, self.admin_token)

    def authenticated(self, headers: Mapping[str, str], cookies: Mapping[str, str], query_token: str | None,
                      client: str) -> tuple[bool, str]:
        """(allowed, how): the admin token ("header", "query" or the board's "cookie"), or "loopback"."""
        if self._token_ok(headers.get(ADMIN_HEADER), self.admin_token):
            return True, "header"
        if self._token_ok(query_token, self.admin_token):
            return True, "query"
        if self._token_ok(cookies.get(COOKIE), self.admin_token):
            return True, "cookie"
        return is_loopback(client), "loopback"

    def check(self, method: str, headers: Mapping[str, str], cookies: Mapping[str, str], client: str,
              query_token: str | None = None) -> Refusal | None:
        """None when the request may go on, else why not. `headers` have lower-case names."""
        allowed, how = self.authenticated(headers, cookies, query_token, client)
        if not allowed:
            return Refusal(403, "AccessDenied", "The admin API answers loopback callers or the admin token "
                           "(X-Mock-Admin-Token; GET /__mock/token from loopback shows it).")
        host = hostname(headers.get("host", ""))
        # a rebinding page has no token (and no cookie: that belongs to the twin's own name), so a token lets
        # in any Host: a twin reached as `http://twin:8089` from another container, say
        if how == "loopback" and not own_host(host, self.names):
            return Refusal(403, "AccessDenied", f"Host {host or '(none)'!r} is not this twin's own name.")
        origin = headers.get("origin")
        if origin is not None and (origin == "null" or hostname(urlsplit(origin).netloc) != host
                                   or urlsplit(origin).netloc.lower() != headers.get("host", "").lower()):
            return Refusal(403, "AccessDenied", "Cross-origin requests to the admin API are refused.")
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return Refusal(403, "AccessDenied", "Cross-site requests to the admin API are refused.")
        if method in WRITES:
            if _has_body(headers) and not _is_json(headers.get("content-type", "")):
                return Refusal(415, "InvalidParameter", "The admin API takes application/json bodies only.")
            browser = how == "cookie" or "origin" in headers or "sec-fetch-mode" in headers
            if browser and how != "header" and not self._token_ok(headers.get(BOARD_HEADER), self.board_token):
                return Refusal(403, "AccessDenied", "A browser's admin write must carry X-Mock-Board-Token "
                               "(the board and /docs send it).")
        return None


def _has_body(headers: Mapping[str, str]) -> bool:
    if "transfer-encoding" in headers or "content-type" in headers:
        return True
    return headers.get("content-length", "0").strip() not in ("", "0")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
