"""The request log: one line per answered request, every value through the one redaction function."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("dashscope_mock")


def log_request(redact: Callable[[str], str], enabled: bool, method: str, path: str, model: str | None, status: int,
                task_id: str | None) -> None:
    """One line per request: method, path, model, status and task id (secrets masked, control chars escaped)."""
    if enabled:
        log.info("%s %s model=%s status=%s task=%s", redact(method), redact(path), redact(model or "-"), status,
                 redact(task_id or "-"))
