"""What of an exchange may be written to a cassette: every secret masked with the log's own `redact`.

Headers and query strings go through `redact` (keys, Bearer credentials, OSS signatures and access key ids);
the Authorization and cookie headers are masked whole. JSON bodies are walked: a field whose name says it holds
a credential (the upload policy's `signature`, `policy`, `oss_access_key_id`, `x_oss_security_token`, ...) is
masked whole, and every other string goes through `redact` with the exchange's own key as a known secret.
Bodies that are not JSON (uploaded files, result media) are kept as size and SHA-256 only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import unquote

import orjson

from ..domain.redaction import MASK, redact

# field names (lower case, without "_" and "-") whose values are credentials whatever they look like
SECRET_FIELDS = frozenset({"signature", "policy", "ossaccesskeyid", "accesskeyid", "accesskeysecret",
                           "xosssecuritytoken", "securitytoken", "apikey", "authorization", "accesstoken",
                           "xmockadmintoken", "cookie", "setcookie"})
# OSS error XML names the key id and echoes what was signed (SignatureProvided, StringToSign...)
_XML_SECRET = re.compile(r"<(?P<tag>[A-Za-z]*(?:AccessKeyId|Signature[A-Za-z]*|StringToSign[A-Za-z]*|"
                         r"SecurityToken|Policy))>[^<]*</(?P=tag)>")
_WHOLE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-mock-admin-token", "proxy-authorization"})


def _secret_field(name: str) -> bool:
    return name.lower().replace("_", "").replace("-", "") in SECRET_FIELDS


def caller_secrets(headers: list[tuple[str, str]]) -> frozenset[str]:
    """The credentials a request carries (its Bearer key, any api key header), to mask wherever they appear."""
    found: set[str] = set()
    for name, value in headers:
        if name in ("authorization", "proxy-authorization"):
            found.add(value.split(None, 1)[-1].strip())
        elif _secret_field(name):
            found.add(value.strip())
    return frozenset(f for f in found if f)


def headers(pairs: list[tuple[str, str]], known: Collection[str]) -> dict[str, str]:
    """Headers as a dict (repeated names joined), credentials masked."""
    out: dict[str, str] = {}
    for name, value in pairs:
        shown = (f"{value.split(None, 1)[0]} {MASK}" if " " in value.strip() else MASK) \
            if name in _WHOLE_HEADERS else redact(value, known)
        out[name] = f"{out[name]}, {shown}" if name in out else shown
    return out


def text(value: str, known: Collection[str]) -> str:
    """A path or query string with credentials masked (also when they were URL-quoted)."""
    masked = redact(value, known)
    if "%" in masked and redact(unquote(masked), known) != unquote(masked):
        masked = redact(unquote(masked), known)
    return masked


def json_value(value: Any, known: Collection[str]) -> Any:
    """A JSON value with credential fields masked whole and every string redacted."""
    if isinstance(value, dict):
        return {k: (MASK if _secret_field(str(k)) and v not in (None, "") else json_value(v, known))
                for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v, known) for v in value]
    if isinstance(value, str):
        return text(value, known)
    return value


def body(raw: bytes, content_type: str, known: Collection[str]) -> Any:
    """A body as the cassette keeps it: JSON (scrubbed) when it is JSON, else its size, type and hash."""
    if raw and "json" in content_type.lower():
        try:
            return {"json": json_value(orjson.loads(raw), known)}
        except orjson.JSONDecodeError:
            pass
    if raw and content_type.lower().startswith(("text/", "application/xml")) and len(raw) <= 65536:
        shown = _XML_SECRET.sub(lambda m: f"<{m['tag']}>{MASK}</{m['tag']}>", raw.decode("utf-8", "replace"))
        return {"text": text(shown, known)}
    return {"bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()} if raw else None
