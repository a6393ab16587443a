"""OSS-style signed, expiring result URLs (docs/behaviour.md §2.4)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote, urlencode

from ..domain.clock import utc_date
from ..domain.oss import ACCESS_KEY_ID

_MAX_EXPIRES_DIGITS = 12  # epoch seconds stay below 10**12 until the year 33658


def parse_expires(text: str | None) -> int | None:
    """An `Expires` value as epoch seconds; None unless it is plain ASCII digits of a plausible length (`"²"` and
    `"1" * 5000` look numeric to str.isdigit, but int() refuses them)."""
    if not text or len(text) > _MAX_EXPIRES_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


class UrlSigner:
    """Sign and check result URLs: path `/<2hex>/<YYYYMMDD>/<8hex>/<task_id>.<ext>` + Expires/Signature."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, path: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"GET\n\n\n{expires}\n{path}".encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def path_for(self, task_id: str, end: float, name: str) -> str:
        """The object path of a result file of `task_id`."""
        h = hashlib.sha256(task_id.encode()).hexdigest()
        return f"/{h[:2]}/{utc_date(end).strftime('%Y%m%d')}/{h[2:10]}/{name}"

    def sign(self, host: str, path: str, expires: int) -> str:
        """The full URL with `Expires`, `OSSAccessKeyId` and `Signature` query parameters."""
        query = urlencode({"Expires": expires, "OSSAccessKeyId": ACCESS_KEY_ID,
                           "Signature": self._signature(path, expires)}, quote_via=quote)
        return f"{host.rstrip('/')}{path}?{query}"

    def check(self, path: str, expires: str | None, signature: str | None, now: float) -> str | None:
        """None when the URL is good; otherwise the OSS error code (AccessDenied or SignatureDoesNotMatch)."""
        seconds = parse_expires(expires)
        if seconds is None or not signature:
            return "AccessDenied"
        if not hmac.compare_digest(self._signature(path, seconds), signature):
            return "SignatureDoesNotMatch"
        if now > seconds:
            return "AccessDenied"
        return None
