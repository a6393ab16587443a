"""Upload policy, the OSS-style PostObject receiver, and oss:// resolution (not built yet)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.routing import Route

if TYPE_CHECKING:
    from .app import Twin


def routes(twin: Twin, ep: Callable[[str, Any], Any]) -> list[Route]:
    """The upload routes."""
    return []
