"""Redaction of recorded exchanges: no API keys, no OSS signatures, no account ids leave the run.

`redact` rewrites values but keeps every key and every JSON type, so a redacted response still validates
against the spec and still compares against the mock. `find_secrets` is the independent check the
snapshot writer and the tests run on the result: it must find nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

# OSS signed-URL credentials (docs/behaviour.md §2.4: Expires, OSSAccessKeyId, Signature) and the
# STS / V4 variants OSS also uses.
_SECRET_QUERY = {"signature", "expires", "ossaccesskeyid", "security-token", "x-oss-security-token",
                 "x-oss-signature", "x-oss-credential", "x-oss-date", "x-oss-expires"}
# Upload-policy secrets (docs/behaviour.md §4.1) and the account ids the task list shows (§3.2).
_SECRET_KEYS = {"signature", "policy", "oss_access_key_id", "security_token", "x_oss_security_token",
                "caller_uid", "caller_parent_id", "api_key_id"}
_KEEP_REQUEST_HEADERS = {"content-type", "x-dashscope-async", "x-dashscope-ossresourceresolve"}
_KEEP_RESPONSE_HEADERS = {"content-type", "x-request-id"}

_KEY = re.compile(r"sk-[A-Za-z0-9_\-]{3,}")
_BEARER = re.compile(r"(?i)\bbearer\s+(?!<redacted>)[^\s\"',]+")
_ACCESS_KEY_ID = re.compile(r"LTAI[0-9A-Za-z]{8,}")
_UPLOAD_DIR = re.compile(r"^(dashscope-instant/)[0-9a-f]{32}(/)")
_URL = re.compile(r"^https?://", re.I)


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, REDACTED if k.lower() in _SECRET_QUERY else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, quote_via=quote, safe="")))


def redact_text(text: str) -> str:
    """Hide keys, bearer tokens, access-key ids and signed-URL credentials inside one string."""
    if _URL.match(text):
        text = _redact_url(text)
    text = _KEY.sub("<redacted-key>", text)
    text = _BEARER.sub("Bearer <redacted>", text)
    text = _ACCESS_KEY_ID.sub("<redacted-access-key-id>", text)
    return _UPLOAD_DIR.sub(rf"\g<1>{REDACTED}\g<2>", text)


def redact(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON value with every secret replaced; keys and types are kept."""
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key) for v in value]
    if isinstance(value, str):
        if key is not None and key.lower() in _SECRET_KEYS:
            return REDACTED
        return redact_text(value)
    return value


def redact_headers(headers: Mapping[str, str], *, request: bool) -> dict[str, str]:
    """Only the headers the contract is about; `Authorization` keeps its presence, never its value."""
    keep = _KEEP_REQUEST_HEADERS if request else _KEEP_RESPONSE_HEADERS
    out = {k.lower(): v for k, v in headers.items() if k.lower() in keep}
    if request and any(k.lower() == "authorization" for k in headers):
        out["authorization"] = "Bearer <redacted>"
    return out


_LEFTOVERS = [
    ("API key", re.compile(r"sk-[A-Za-z0-9]{3,}")),
    ("bearer token", re.compile(r"(?i)bearer\s+(?!<redacted>)[^\s\"',]+")),
    ("Alibaba Cloud access key id", _ACCESS_KEY_ID),
    ("signed-URL credential",
     re.compile(r"(?i)[?&](signature|expires|ossaccesskeyid|security-token|x-oss-[a-z-]+)=(?!REDACTED)[^&\s\"]")),
    ("upload-policy secret",
     re.compile(r"\"(signature|policy|oss_access_key_id|security_token)\"\s*:\s*\"(?!REDACTED\")[^\"]*\"")),
    ("account id", re.compile(r"\"(caller_uid|caller_parent_id|api_key_id)\"\s*:\s*\"(?!REDACTED\")[^\"]*\"")),
]


def find_secrets(value: Any, known: Iterable[str] = ()) -> list[str]:
    """Every secret left in a JSON value (or text): known literals first, then the generic patterns."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # the messages show where a secret is, never the secret itself
    found = [f"a known secret ({len(s)} characters) at offset {text.index(s)}"
             for s in known if len(s) >= 6 and s in text]
    for label, pattern in _LEFTOVERS:
        match = pattern.search(text)
        if match:
            found.append(f"{label} after …{text[max(0, match.start() - 30):match.start()]}")
    return found
