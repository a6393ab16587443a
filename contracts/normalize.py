"""Normalizers: replace what differs on every call (ids, timestamps, signatures, account ids, prompts)
with placeholders, so the responses of two targets can be compared field by field.

A value that does not have the expected format is left as it is, so a format change (say, a timestamp
with a zone) still shows up as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# docs/behaviour.md §0.4: "YYYY-MM-DD HH:MM:SS.mmm", UTC+8, no zone (legacy models drop the ms)
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?$")
_UPLOAD_DIR = re.compile(r"^dashscope-instant/[^/]+/\d{4}-\d{2}-\d{2}/[^/]+$")
_TEMPLATE_ID = re.compile(r"^AACT\.[0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+$")
_SIGNED = {"signature", "expires", "ossaccesskeyid"}
_EPOCH_MS_KEYS = {"gmt_create", "start_time", "end_time"}  # the list API's epoch milliseconds (docs/behaviour.md §3.2)
_ID_KEYS = {"caller_uid", "caller_parent_id", "api_key_id"}
_TEXT_KEYS = {"orig_prompt", "actual_prompt"}  # prompt rewriting is an LLM's output: never equal
_OPAQUE_KEYS = {"policy": "<base64>", "signature": "<signature>", "oss_access_key_id": "<access-key-id>"}


def _url(value: str) -> str:
    parts = urlsplit(value)
    ext = parts.path.rsplit(".", 1)[-1].lower() if "." in parts.path.rsplit("/", 1)[-1] else ""
    query = {k.lower() for k in parse_qs(parts.query, keep_blank_values=True)}
    kind = "signed-url" if query >= _SIGNED else "url"
    return f"<{kind}{':' + ext if ext else ''}>"


def normalize_string(value: str, key: str | None = None) -> str:
    """The placeholder for one string value, or the value itself when it carries meaning."""
    if key in _OPAQUE_KEYS:
        return _OPAQUE_KEYS[key]
    if key in _ID_KEYS:
        return "<account-id>"
    if key in _TEXT_KEYS:
        return "<text>"
    if _UUID.match(value):
        return "<uuid>"
    if _TIMESTAMP.match(value):
        return "<timestamp>"
    if value.startswith(("http://", "https://")):
        return _url(value)
    if _UPLOAD_DIR.match(value):
        return "dashscope-instant/<account>/<date>/<uuid>"
    if _TEMPLATE_ID.match(value):
        return "<template-id>"
    return value


def normalize(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON value with the volatile parts replaced by `<placeholders>`."""
    if isinstance(value, Mapping):
        return {str(k): normalize(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v, key) for v in value]
    if isinstance(value, str):
        return normalize_string(value, key)
    if isinstance(value, int) and not isinstance(value, bool) and key in _EPOCH_MS_KEYS and value > 10**12:
        return "<epoch-ms>"
    return value


def json_type(value: Any) -> str:
    """The JSON type of a normalized value; placeholders count as their own type (a format)."""
    if isinstance(value, str):
        return value if value.startswith("<") and value.endswith(">") else "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    return "object"
