"""The one redaction function: every log line, journal entry and recorded request goes through `redact`.

It hides every secret form the twin knows of: any `sk-` token (whatever characters follow), the value of a
`Bearer` credential, `api_key` / `Signature` / `policy` / `security_token` / `OSSAccessKeyId` query and form
values, and any exact secret handed in `known` (keys from a keys file without the `sk-` prefix, the admin
token). It also escapes control characters, so a `%0a` in a path cannot forge a log line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from urllib.parse import quote

MASK = "***"
_MIN_KNOWN = 4  # shorter "secrets" would blank ordinary words; keys that short are refused by no one
# every form in one alternation, so a line is scanned once (this runs on every request-log line: the hot path)
_FORMS = (r"(?P<token>sk-[^\s\"'&,;<>()\[\]{}]+)"
          r"|(?i:\b(?P<bearer>bearer)(?P<gap>\s+)(?!sk-\*\*\*)[^\s\"',;]+)"
          r"|(?i:\b(?P<param>api_?key|signature|policy|security_?token|access_?token|(?:oss_?)?access_?key_?id"
          r"|x-mock-admin-token)"
          r"(?P<sep>=|\"?\s*:\s*\"?)[^&\s\"',;]+)"
          r"|(?P<control>[\x00-\x1f\x7f-\x9f\u2028\u2029])")


# words that start a secret form (lower case); a line with none of them, no `sk-`, no known secret and only
# printable characters has nothing to mask, and skips the regex scan
_WORDS = ("bearer", "api_key", "apikey", "signature", "policy", "token", "keyid", "key_id")


@functools.lru_cache(maxsize=64)
def _pattern(known: frozenset[str]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The static forms plus the exact `known` secrets (and their URL-quoted forms), longest first; and those."""
    forms = {form for secret in known if len(secret) >= _MIN_KNOWN for form in (secret, quote(secret, safe=""))}
    exact = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(f"(?P<known>{exact})|{_FORMS}" if exact else _FORMS), tuple(forms)


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "control":
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    if kind == "token":
        return "sk-" + MASK
    if match.group("bearer") is not None:
        credential = match.group()[match.end("gap") - match.start():]
        kept = "sk-" if credential.startswith("sk-") else ""  # a key keeps its visible prefix, as `token` does
        return f"{match.group('bearer')}{match.group('gap')}{kept}{MASK}"
    if match.group("param") is not None:
        return f"{match.group('param')}{match.group('sep')}{MASK}"
    return MASK  # an exact known secret


def redact(text: str, known: Collection[str] = ()) -> str:
    """`text` with every secret masked and control characters escaped (safe to log on one line)."""
    pattern, forms = _pattern(known if isinstance(known, frozenset) else frozenset(known))
    if _plain(text, forms):
        return text
    return pattern.sub(_replace, text)


def _plain(text: str, forms: tuple[str, ...]) -> bool:
    """Whether `text` certainly holds nothing to mask or escape (plain loops: cheaper than a regex scan here)."""
    if not text.isprintable() or "sk-" in text:
        return False
    for form in forms:
        if form in text:
            return False
    low = text.lower()
    return all(word not in low for word in _WORDS)
