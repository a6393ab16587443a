"""The error catalogue (the spec's `x-dashscope-errors`) and the one exception the mock answers with.

Every message the service sends is looked up here by code and a fragment of its documented wording, so the
words live in the spec, not in Python. A fragment that matches no documented message is a bug in the mock and
raises KeyError (the tests catch it), never a silent fallback.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = "xxx"  # how the catalogue marks the variable part of a documented message


class DashScopeError(Exception):
    """An error the mock answers with the flat envelope `{request_id, code, message}`."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class OssError(Exception):
    """An error the OSS side answers with an XML body (`<Error><Code>...`)."""

    def __init__(self, status: int, code: str, message: str, **extra: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


@dataclass(frozen=True, slots=True)
class ErrorDef:
    """One catalogue entry: the code, its HTTP status, and its documented messages."""

    code: str
    status: int
    messages: tuple[str, ...]


def fill(template: str, values: tuple[str, ...]) -> str:
    """Put `values` into the `xxx` placeholders of a documented message, in order."""
    for value in values:
        template = template.replace(PLACEHOLDER, value, 1)
    return template


class _Identity:
    """A spec document as a cache key: by identity (documents are plain dicts, never edited once loaded)."""

    __slots__ = ("doc",)

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc

    def __hash__(self) -> int:
        return id(self.doc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.doc is self.doc


@functools.lru_cache(maxsize=8)
def _catalog_of(key: _Identity) -> ErrorCatalog:
    return ErrorCatalog.build(key.doc)


class ErrorCatalog:
    """Look up documented codes and messages; every error the mock raises goes through here."""

    def __init__(self, entries: Mapping[str, Mapping[str, Any]], doc_link: str = "",
                 oss: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._defs = {
            code: ErrorDef(code, int(e["status"]), tuple(str(m) for m in e.get("messages", [])))
            for code, e in entries.items()
        }
        self.doc_link = doc_link
        self._oss = {name: (int(e["status"]), str(e["code"]), str(e["message"])) for name, e in (oss or {}).items()}

    @classmethod
    def from_spec(cls, doc: Mapping[str, Any]) -> ErrorCatalog:
        """The catalogue of a spec document (`x-dashscope-errors`, `x-dashscope-doc-link`, `x-oss-errors`)."""
        return _catalog_of(_Identity(doc))

    @classmethod
    def build(cls, doc: Mapping[str, Any]) -> ErrorCatalog:
        """A new catalogue of a spec document (from_spec keeps one per document)."""
        return cls(doc.get("x-dashscope-errors", {}), str(doc.get("x-dashscope-doc-link", {}).get("suffix", "")),
                   doc.get("x-oss-errors", {}))

    def oss(self, name: str, *values: str, **extra: str) -> OssError:
        """The OSS error `name` of the spec's `x-oss-errors` (KeyError for an unknown name: a bug)."""
        status, code, message = self._oss[name]
        return OssError(status, code, fill(message, values), **extra)

    def __contains__(self, code: object) -> bool:
        return code in self._defs

    def __iter__(self) -> Iterator[ErrorDef]:
        return iter(self._defs.values())

    def get(self, code: str) -> ErrorDef:
        """The catalogue entry for `code` (KeyError for an undocumented code: a bug in the mock)."""
        return self._defs[code]

    def message(self, code: str, like: str = "", *values: str) -> str:
        """The first documented message of `code` containing `like`, with `values` in its placeholders."""
        d = self._defs[code]
        if not like:
            return fill(d.messages[0], values) if d.messages else code
        low = like.lower()
        found = [m for m in d.messages if low in m.lower()]
        found.sort(key=lambda m: not m.lower().startswith(low))  # a message that starts with `like` first
        if found:
            return fill(found[0], values)
        raise KeyError(f"the catalogue has no {code} message like {like!r}")

    def error(self, code: str, message: str | None = None, *, like: str = "", values: tuple[str, ...] = (),
              detail: str | None = None) -> DashScopeError:
        """The exception for `code`: `message` as given, else the documented one `like` (with `values`)."""
        d = self._defs[code]
        text = message if message is not None else self.message(code, like, *values)
        if detail:
            text = f"{text} {detail}"
        return DashScopeError(d.status, code, text)
