"""The error catalogue (from the spec's `x-dashscope-errors`) and the one exception the mock raises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class DashScopeError(Exception):
    """An error the mock answers with the flat envelope `{request_id, code, message}`."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class ErrorDef:
    """One catalogue entry: the code, its HTTP status, and its documented messages."""

    code: str
    status: int
    messages: tuple[str, ...]


class ErrorCatalog:
    """Look up documented codes; every error the mock raises goes through here."""

    def __init__(self, entries: Mapping[str, Mapping[str, Any]]) -> None:
        self._defs = {
            code: ErrorDef(code, int(e["status"]), tuple(str(m) for m in e.get("messages", [])))
            for code, e in entries.items()
        }

    def __contains__(self, code: object) -> bool:
        return code in self._defs

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._defs.values())

    def get(self, code: str) -> ErrorDef:
        """The catalogue entry for `code` (KeyError for an undocumented code: a bug in the mock)."""
        return self._defs[code]

    def error(self, code: str, message: str | None = None, *, detail: str | None = None) -> DashScopeError:
        """Build the exception for `code`, with its first documented message unless one is given."""
        d = self._defs[code]
        text = message if message is not None else (d.messages[0] if d.messages else code)
        if detail:
            text = f"{text} {detail}"
        return DashScopeError(d.status, code, text)

    def message(self, code: str, contains: str = "") -> str:
        """The first documented message of `code` that contains `contains`."""
        d = self._defs[code]
        for m in d.messages:
            if contains.lower() in m.lower():
                return m
        return d.messages[0] if d.messages else code
