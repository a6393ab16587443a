"""Which task an exchange belongs to: the id a create answered, the id a poll or cancel names, and for a result
download the task whose answer handed out that URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .exchange import Reply, Request, classify

MAX_URLS = 100_000  # result URL paths remembered; the map starts over when full


def urls_in(value: Any) -> Iterator[str]:
    """Every http(s) URL string inside a JSON value, in document order."""
    if isinstance(value, dict):
        for v in value.values():
            yield from urls_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from urls_in(v)
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        yield value


def model_of(request: Request) -> str | None:
    """The `model` of a create's JSON body, if any."""
    if not request.body or not request.body.lstrip().startswith(b"{"):
        return None
    import orjson

    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        return None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else None


class TaskTracker:
    """Ties exchanges to tasks and remembers each task's model."""

    def __init__(self) -> None:
        self.models: dict[str, str | None] = {}
        self._by_path: dict[str, str] = {}

    def place(self, request: Request, reply: Reply) -> tuple[str, str | None, str | None]:
        """(kind, task id, model) of an answered exchange; learns the result URLs the answer hands out."""
        kind, task_id = classify(request.method, request.path)
        model = None
        body = reply.json()
        if kind == "create":
            model = model_of(request)
            output = body.get("output") if isinstance(body, dict) else None
            task_id = output.get("task_id") if isinstance(output, dict) else None
            if isinstance(task_id, str):
                self.models[task_id] = model
            else:
                task_id = None
        elif kind == "download":
            task_id = self._by_path.get(request.path)
        if task_id is not None:
            model = model or self.models.get(task_id)
            if body is not None and kind in ("query", "create"):
                for url in urls_in(body.get("output") if isinstance(body, dict) else None):
                    if len(self._by_path) >= MAX_URLS:
                        self._by_path = {}
                    self._by_path[urlsplit(url).path] = task_id
        if task_id is not None and kind == "download":
            return "result", task_id, model
        return kind, task_id, model
