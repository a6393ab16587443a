"""The one redaction function: every log line, journal entry and recorded request goes through `redact`.

It hides every secret form the twin knows of: any `sk-` token (whatever characters follow), the value of a
`Bearer` credential, `api_key` / `Signature` / `policy` / `security_token` query and form values, and any
exact secret handed in `known` (keys from a keys file without the `sk-` prefix, the admin token). It also
escapes control characters, so a `%0a` in a path cannot forge a log line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from urllib.parse import quote

MASK = "***"
_MIN_KNOWN = 4  # shorter "secrets" would blank ordinary words; keys that short are refused by no one
_TOKEN = re.compile(r"sk-[^\s\"'&,;<>()\[\]{}]+")
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)(?!sk-\*\*\*)[^\s\"',;]+")
_PARAM = re.compile(r"(?i)\b(api_?key|signature|policy|security_?token|access_?token|x-mock-admin-token)"
                    r"(=|\"?\s*:\s*\"?)[^&\s\"',;]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@functools.lru_cache(maxsize=64)
def _known_pattern(known: frozenset[str]) -> re.Pattern[str] | None:
    forms = {form for secret in known if len(secret) >= _MIN_KNOWN for form in (secret, quote(secret, safe=""))}
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def redact(text: str, known: Collection[str] = ()) -> str:
    """`text` with every secret masked and control characters escaped (safe to log on one line)."""
    if known:
        pattern = _known_pattern(known if isinstance(known, frozenset) else frozenset(known))
        if pattern is not None:
            text = pattern.sub(MASK, text)
    text = _TOKEN.sub("sk-" + MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return _CONTROL.sub(_escape, text)
