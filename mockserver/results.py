"""Serving result files behind signed, expiring URLs (not built yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

if TYPE_CHECKING:
    from .app import Twin


def routes(twin: Twin) -> list[Route]:
    """The result-file routes."""
    return []
