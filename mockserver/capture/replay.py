"""Replay mode: recorded requests answered from a cassette, every other request by the twin as usual.

A recorded create (matched by route and body, ids, URLs and times normalised away) is put to the twin with a
poll-counted plan that follows the recorded statuses (or, replaying by time, a plan timed from the recorded
virtual times), so the twin holds a real task (board, journal, result files); each poll is then answered with the
recorded answer of the same poll number (by time: the next recorded answer with the twin's status now), its
task id, request id, times and result URLs the twin's own (or the recorded file, when the cassette kept it).
A recorded error (4xx, 429, ...) is answered as that error. Requests the cassette does not hold go to the twin
and are listed in `unmatched` (the handle's `unmatched_requests()`).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from contracts.normalize import normalize

from ..domain.state import Twin
from .cassette import RecordedTask, body_json, load, tasks
from .exchange import ASGIApp, Reply, Request, Scope, Send, call_app, classify, send_reply
from .scenarios import replay_plan, timed_plan
from .tracking import urls_in

MEDIA_PREFIX = "/__cassette/media/"
_MEDIA_NAME = re.compile(r"^media/[0-9a-f]{64}\.[a-z0-9]{1,8}$")
_TYPES = {"mp4": "video/mp4", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
          "mp3": "audio/mpeg", "wav": "audio/wav"}
_TIMES = ("submit_time", "scheduled_time", "end_time")
MAX_UNMATCHED = 10_000
# the twin's result file names: /<2hex>/<date>/<8hex>/<task_id>[-n].<ext> (http/results_api.py)
_RESULT_TASK = re.compile(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-[0-9]+)?\.[a-z0-9]+$")


def _result_task(path: str) -> str | None:
    """The task id a result file path of the twin names, or None."""
    found = _RESULT_TASK.search(path)
    return found.group(1) if found else None


def _key(request: Request) -> tuple[str, str]:
    """What a create is matched on: its route and its body with volatile values normalised."""
    try:
        body: Any = orjson.loads(request.body) if request.body else None
    except orjson.JSONDecodeError:
        body = request.body.decode("utf-8", "replace")
    return request.path.rstrip("/"), orjson.dumps(normalize(body), option=orjson.OPT_SORT_KEYS).decode()


def _recorded_key(entry: dict[str, Any]) -> tuple[str, str]:
    req = entry["request"]
    return req["path"].rstrip("/"), orjson.dumps(normalize(body_json(req)), option=orjson.OPT_SORT_KEYS).decode()


@dataclass
class Live:
    """A replayed task: what was recorded, the twin's task (if it took one), how many polls were answered."""

    recorded: RecordedTask
    twin_id: str | None
    polls: int = 0
    cancels: int = 0
    cursor: int = 0  # replay by time: the recorded poll answered last


class Replayer:
    """Answer source for `--replay DIR`."""

    def __init__(self, directory: Path, app: ASGIApp, twin: Twin, *, by_time: bool = False) -> None:
        self.directory = directory
        self.by_time = by_time
        self.app = app
        self.twin = twin
        entries = load(directory)
        self.tasks = tasks(entries)
        self.creates: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.used: dict[tuple[str, str], int] = {}
        self.kinds = {e.get("kind") for e in entries}
        self.media = {urlsplit(e["request"]["path"]).path: e["response"]["media"] for e in entries
                      if e.get("kind") == "result" and _MEDIA_NAME.match(str(e["response"].get("media", "")))}
        for entry in entries:
            if entry.get("kind") == "create":
                self.creates.setdefault(_recorded_key(entry), []).append(entry)
        self.live: dict[str, Live] = {}
        self.unmatched: list[dict[str, str]] = []
        self._lock = asyncio.Lock()

    async def answer(self, request: Request) -> Reply:
        """The recorded answer when the cassette holds the request, else the twin's (noted as unmatched)."""
        kind, named = classify(request.method, request.path)
        if kind == "create":
            found = self._take(request)
            if found is not None:
                return await self._create(request, found)
        elif kind in ("query", "cancel") and named in self.live:
            return await self._task(request, kind, self.live[named])
        elif kind in ("upload_policy", "upload", "list") and kind in self.kinds:
            return await call_app(self.app, request)  # the twin's own policy and store: matched, not replayed
        elif kind == "download" and _result_task(request.path) in self.live:
            return await call_app(self.app, request)  # a result file of a replayed task
        if len(self.unmatched) < MAX_UNMATCHED:
            self.unmatched.append({"method": request.method, "path": self.twin.redact(request.path), "kind": kind})
        return await call_app(self.app, request)

    def _take(self, request: Request) -> dict[str, Any] | None:
        """The next recorded create for this request (the last one again once all were used), or None."""
        key = _key(request)
        found = self.creates.get(key)
        if not found:
            return None
        n = self.used.get(key, 0)
        self.used[key] = n + 1
        return found[min(n, len(found) - 1)]

    def _recorded(self, entry: dict[str, Any], request_id: str) -> tuple[int, str, Any]:
        response = entry["response"]
        body = body_json(response)
        if isinstance(body, dict) and "request_id" in body:
            body = {**body, "request_id": request_id}
        content_type = (response.get("headers") or {}).get("content-type", "application/json")
        return int(response["status"]), content_type, body

    def _reply(self, status: int, content_type: str, body: Any, request_id: str) -> Reply:
        return Reply(status, [("content-type", content_type), ("x-request-id", request_id)], orjson.dumps(body))

    async def _create(self, request: Request, entry: dict[str, Any]) -> Reply:
        recorded = self.tasks.get(str(entry.get("task_id")))
        if entry["response"]["status"] != 200 or recorded is None:
            request_id = self.twin.ids.request_id()
            return self._reply(*self._recorded(entry, request_id), request_id)
        plan = (timed_plan if self.by_time else replay_plan)(recorded, self.twin.catalog)
        twin_reply = await call_app(self.app, request.with_header("x-mock-scenario", plan))
        twin_body = twin_reply.json() or {}
        request_id = str(twin_body.get("request_id") or self.twin.ids.request_id())
        twin_id = (twin_body.get("output") or {}).get("task_id") if twin_reply.status == 200 else None
        served_id = twin_id if isinstance(twin_id, str) else recorded.task_id  # the twin refused: pure replay
        self.live[served_id] = Live(recorded, served_id if twin_id else None)
        status, content_type, body = self._recorded(entry, request_id)
        if isinstance(body, dict) and isinstance(body.get("output"), dict):
            body["output"] = {**body["output"], "task_id": served_id}
        return self._reply(status, content_type, body, request_id)

    async def _task(self, request: Request, kind: str, live: Live) -> Reply:
        twin_reply = await call_app(self.app, request) if live.twin_id else None
        twin_body = twin_reply.json() if twin_reply is not None else None
        request_id = str((twin_body or {}).get("request_id") or self.twin.ids.request_id())
        entries = live.recorded.polls if kind == "query" else live.recorded.cancels
        n = live.polls if kind == "query" else live.cancels
        if kind == "query":
            live.polls += 1
        else:
            live.cancels += 1
        if not entries:
            if twin_reply is not None:
                return twin_reply
            return self._reply(400, "application/json", {"request_id": request_id, "code": "InvalidParameter",
                                                         "message": "The cassette holds no such request."}, request_id)
        chosen = entries[min(n, len(entries) - 1)]
        if self.by_time and kind == "query":
            chosen = self._at_status(live, entries, ((twin_body or {}).get("output") or {}).get("task_status"), chosen)
        status, content_type, body = self._recorded(chosen, request_id)
        output = body.get("output") if isinstance(body, dict) else None
        if isinstance(output, dict):
            served = live.twin_id or live.recorded.task_id
            twin_output = (twin_body or {}).get("output") if isinstance(twin_body, dict) else None
            body["output"] = self._rewrite(output, served, twin_output if isinstance(twin_output, dict) else {})
        return self._reply(status, content_type, body, request_id)

    def _at_status(self, live: Live, entries: list[dict[str, Any]], status: Any,
                   fallback: dict[str, Any]) -> dict[str, Any]:
        """Replay by time: the next recorded poll that served the twin's status now (the last such one once the
        recording moved past it), else `fallback`."""
        statuses = live.recorded.statuses()
        for i in range(live.cursor, len(entries)):
            if statuses[i] == status:
                live.cursor = i
                return entries[i]
        for i in reversed(range(len(entries))):
            if statuses[i] == status:
                return entries[i]
        return fallback

    def _rewrite(self, output: dict[str, Any], task_id: str, twin_output: dict[str, Any]) -> dict[str, Any]:
        """A recorded output as this replay serves it: its id, times and result URLs the twin's (or kept media)."""
        theirs = list(urls_in(twin_output))
        recorded = list(urls_in(output))
        swap: dict[str, str] = {}
        for i, url in enumerate(recorded):
            kept = self.media.get(urlsplit(url).path)
            if kept is not None and self.twin.settings.result_host:
                swap[url] = f"{self.twin.settings.result_host.rstrip('/')}{MEDIA_PREFIX}{kept.removeprefix('media/')}"
            elif theirs:
                swap[url] = theirs[i % len(theirs)]
        out = _swap(output, swap)
        out["task_id"] = task_id
        for key in _TIMES:
            if key in out and key in twin_output:
                out[key] = twin_output[key]
        return out  # type: ignore[no-any-return]

    async def serve_media(self, scope: Scope, send: Send) -> bool:
        """Serve a result file the cassette kept (`/__cassette/media/<sha256>.<ext>`); False for other paths."""
        path: str = scope["path"]
        if not path.startswith(MEDIA_PREFIX):
            return False
        name = "media/" + path[len(MEDIA_PREFIX):]
        file = self.directory / name
        if not _MEDIA_NAME.match(name) or not file.is_file():
            await send_reply(send, Reply(404, [("content-type", "text/plain")], b"no such recorded file"))
            return True
        ext = name.rsplit(".", 1)[-1]
        await send_reply(send, Reply(200, [("content-type", _TYPES.get(ext, "application/octet-stream"))],
                                     await asyncio.to_thread(file.read_bytes)))
        return True


def _swap(value: Any, swap: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _swap(v, swap) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, swap) for v in value]
    if isinstance(value, str):
        return swap.get(value, value)
    return value
