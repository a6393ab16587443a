"""dashscope-mock: an offline, spec-driven twin of DashScope's asynchronous AIGC API."""

from __future__ import annotations

from .domain.state import Twin
from .http.app import create_app
from .server import MockServer
from .settings import Settings

__all__ = ["MockServer", "Settings", "Twin", "create_app"]
