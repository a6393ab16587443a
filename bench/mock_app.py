"""The mock as the benchmark serves it: dev profile, no limits, no request log (uvicorn --factory)."""

from __future__ import annotations

from starlette.applications import Starlette

from mockserver import Settings, create_app


def app() -> Starlette:
    """The mock as `dashscope-mock serve` runs it (dev profile, no seed), with the request log off."""
    return create_app(Settings.for_profile("dev", log_requests=False))
