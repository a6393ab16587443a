"""The flat DashScope error envelope `{request_id, code, message}` and the JSON content type."""

from __future__ import annotations

from typing import Any

from ..spec.catalog import DashScopeError

JSON = "application/json"


def error_body(err: DashScopeError, request_id: str, suffix: str = "") -> dict[str, Any]:
    """The envelope for `err`; `suffix` is the doc link newer deployments append (docs/behaviour.md §0.1)."""
    return {"request_id": request_id, "code": err.code, "message": err.message + suffix}
