"""dashscope-mock: an offline, spec-driven twin of DashScope's asynchronous AIGC API."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .domain.state import Twin
    from .http.app import create_app
    from .settings import Settings
    from .testing.runner import free_port
    from .testing.server import MockServer

__all__ = ["MockServer", "Settings", "Twin", "create_app", "free_port"]

# every name loads on first use: the pytest plugin (entry point `pytest11`) imports this package in every pytest
# run of a project that installed it, and `serve` needs none of the test harness (httpx, the runner)
_WHERE = {"MockServer": ".testing.server", "Settings": ".settings", "Twin": ".domain.state",
          "create_app": ".http.app", "free_port": ".testing.runner"}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value
