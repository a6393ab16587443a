"""Several uvicorn workers: the parent hands its settings to each worker through one environment variable, and
uvicorn builds each worker's app with `app_from_env` (an import string plus `factory=True`)."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

import orjson

from ..settings import Settings
from .serving import ASGIApp, freeze_heap, guarded, serve_gateway

ENV = "DASHSCOPE_MOCK_WORKER_SETTINGS"
FACTORY = "mockserver.http.workers:app_from_env"


def settings_to_env(settings: Settings) -> str:
    """`settings` as the JSON `app_from_env` reads back."""
    return orjson.dumps(dataclasses.asdict(settings), default=str).decode()


def settings_from_env(text: str) -> Settings:
    """Settings from `settings_to_env` output."""
    data: dict[str, Any] = orjson.loads(text)
    paths = {f.name for f in dataclasses.fields(Settings) if "Path" in str(f.type)}
    fields: dict[str, Any] = {k: Path(v) if k in paths and v is not None else v for k, v in data.items()}
    return Settings(**fields)


def app_from_env() -> ASGIApp:
    """The app of one worker, built from the settings the parent put in the environment."""
    from .app import create_app
    from .requestlog import RequestLog

    text = os.environ.get(ENV)
    if not text:
        raise RuntimeError(f"{ENV} is not set: start workers with `dashscope-mock serve --workers N`")
    settings = settings_from_env(text)
    # each worker writes its own request lines, as a single `serve` does (unless --quiet)
    app = guarded(serve_gateway(create_app(settings, RequestLog(sys.stderr) if settings.log_requests else None)))
    freeze_heap()
    return app
