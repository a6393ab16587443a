"""dashscope-mock: an offline, spec-driven twin of DashScope's asynchronous AIGC API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .domain.state import Twin
from .http.app import create_app
from .settings import Settings

if TYPE_CHECKING:
    from .testing.runner import free_port
    from .testing.server import MockServer

__all__ = ["MockServer", "Settings", "Twin", "create_app", "free_port"]


def __getattr__(name: str) -> Any:
    # the test harness (httpx, the runner) loads on first use, so `import mockserver` and `serve` stay light
    if name == "MockServer":
        from .testing.server import MockServer

        return MockServer
    if name == "free_port":
        from .testing.runner import free_port

        return free_port
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
