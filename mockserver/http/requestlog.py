"""The request log: one line per answered request, with secrets redacted."""

from __future__ import annotations

import logging

from ..domain.accounts import redact

log = logging.getLogger("dashscope_mock")


def log_request(enabled: bool, method: str, path: str, model: str | None, status: int, task_id: str | None) -> None:
    """One line per request: method, path, model, status and task id (keys redacted)."""
    if enabled:
        log.info("%s %s model=%s status=%s task=%s", method, redact(path), model or "-", status, task_id or "-")
