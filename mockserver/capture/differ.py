"""Diff mode: the upstream answers the client, and the twin is asked the same request to compare with.

The twin is the serving twin itself (same account state, same clock). Its task for an upstream task follows the
upstream's plan: before each poll is put to it, the twin's task is steered to the status the upstream just
served (when the twin knows that status for the model), so what is compared is the shape of the same moment of
the same task. The comparison is the contract suite's (contracts/drift.py): status, error code and message,
field set and types at every path, values after ids, times, URLs and signatures are normalised away; plus the
content type, each task's status sequence, and the upstream answer checked against the spec (schema and
documented codes). A task the upstream created and the twin refused is compared at its create only. A result
download is compared with the twin's file at the same place of the same task's answer (status, content type).
Differences accumulate in `twin.diffs` (GET /__mock/diff).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from contracts.drift import Drift, compare, compare_status
from contracts.validation import ResponseValidator

from ..domain.state import Twin
from ..domain.task import Task
from .exchange import ASGIApp, Reply, Request, call_app, classify
from .tracking import TaskTracker, urls_in
from .upstream import Upstream

log = logging.getLogger("dashscope_mock.capture")
COMPARED = frozenset({"create", "query", "cancel", "list", "upload_policy", "result"})
_ENDS = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
MAX_TASKS = 100_000  # upstream tasks followed; the map starts over when full


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _status_of(body: Any) -> str | None:
    output = body.get("output") if isinstance(body, dict) else None
    status = output.get("task_status") if isinstance(output, dict) else None
    return status if isinstance(status, str) else None


def _code_of(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    output = body.get("output")
    code = body.get("code") or (output.get("code") if isinstance(output, dict) else None)
    return code if isinstance(code, str) and code else None


def _opaque(body: Any, keys: frozenset[str]) -> Any:
    """`body` with the output's token fields replaced by `<token>` placeholders (lists keep their length)."""
    output = body.get("output") if isinstance(body, dict) and keys else None
    if not isinstance(output, dict) or not keys & output.keys():
        return body
    hidden = {k: ["<token>" for _ in v] if isinstance(v, list) else "<token>" for k, v in output.items() if k in keys}
    return {**body, "output": {**output, **hidden}}


class Compared:
    """Answer source: the upstream's answer, compared with what the twin answers to the same request."""

    def __init__(self, upstream: Upstream, app: ASGIApp, twin: Twin) -> None:
        self.upstream = upstream
        self.app = app
        self.twin = twin
        self.tracker = TaskTracker()
        self.validator = ResponseValidator(twin.spec, twin.registry)
        self.ids: dict[str, str] = {}  # upstream task id -> the twin's
        self.seen: dict[str, tuple[list[str], list[str]]] = {}  # upstream task id -> (its statuses, the twin's)
        self.done: set[str] = set()  # upstream tasks whose sequences were compared
        self.orphans: set[str] = set()  # upstream tasks the twin refused to create: their create said it all
        self.results: dict[str, str] = {}  # an upstream result URL's path -> the twin's URL in the same place

    async def answer(self, request: Request) -> Reply:
        """The upstream's answer; the twin's answer to the same request is compared on the way."""
        reply = await self.upstream.answer(request)
        try:
            await self.compare(request, reply)
        except Exception:  # a comparison must never cost the client its answer
            log.exception("dashscope-mock: diff of %s %s failed", request.method, request.path)
        return reply

    async def compare(self, request: Request, reply: Reply) -> None:
        """Ask the twin `request` (its task ids mapped and its task steered) and note every difference."""
        kind, upstream_id, model = self.tracker.place(request, reply)
        if kind not in COMPARED:
            return
        ours = request
        named = classify(request.method, request.path)[1]
        if named is not None and named in self.orphans:
            return
        if kind == "result":  # the twin's own file at the same place of the same task's answer
            twin_url = self.results.get(request.path)
            if twin_url is None:
                return
            where = urlsplit(twin_url)
            ours = Request(request.method, where.path, where.query, request.headers, b"", request.client)
        if named is not None:
            mine = self.ids.get(named, named)
            ours = request.with_path(request.path.replace(named, mine, 1))
            self._steer(mine, kind, reply)
        twin_reply = await call_app(self.app, ours)
        theirs, mine_body = reply.json(), twin_reply.json()
        if kind == "create" and upstream_id is not None:
            twin_id = ((mine_body or {}).get("output") or {}).get("task_id")
            if len(self.ids) >= MAX_TASKS:
                self.ids, self.seen, self.done, self.orphans = {}, {}, set(), set()
            if isinstance(twin_id, str):
                self.ids[upstream_id] = twin_id
            else:
                self.orphans.add(upstream_id)
        step = f"{request.method} {kind}"
        check = upstream_id or "-"
        drifts = compare_status(check, step, reply.status, twin_reply.status)
        if _media_type(reply.content_type) != _media_type(twin_reply.content_type):
            drifts.append(Drift(check, step, "value", "(content-type)", _media_type(twin_reply.content_type),
                                _media_type(reply.content_type), "mock"))
        if theirs is not None or mine_body is not None:
            tokens = self._tokens(model)
            drifts += compare(check, step, _opaque(theirs, tokens), _opaque(mine_body, tokens))
        drifts += self._against_spec(request, reply, theirs, model, check, step)
        if kind == "query" and upstream_id is not None:
            drifts += self._sequence(upstream_id, theirs, mine_body, step)
            self._pair_results(theirs, mine_body)
        self.twin.diffs.compared()
        for d in drifts:
            self.twin.diffs.add({"endpoint": kind, "model": model, "kind": d.kind, "field": d.field,
                                 "expected": d.expected, "actual": d.actual,
                                 "against": "spec" if d.kind == "spec" else "twin",
                                 "task_id": upstream_id, "step": d.step})

    def _pair_results(self, theirs: Any, mine: Any) -> None:
        """Remember which of the twin's result URLs stands where each upstream one does (downloads are compared
        by status and content type)."""
        theirs_out = theirs.get("output") if isinstance(theirs, dict) else None
        mine_out = mine.get("output") if isinstance(mine, dict) else None
        if len(self.results) >= MAX_TASKS:
            self.results = {}
        for upstream_url, twin_url in zip(urls_in(theirs_out), urls_in(mine_out), strict=False):
            self.results[urlsplit(upstream_url).path] = twin_url

    def _tokens(self, model: str | None) -> frozenset[str]:
        """The output fields the spec says hold opaque generated tokens for `model` (`output.extra: token[]`):
        new on every task, so compared by shape only."""
        profile = self.twin.registry.model(model) if model else None
        extra = profile.output.extra if profile is not None else None
        return frozenset(str(k) for k, v in (extra or {}).items() if v in ("token", "token[]"))

    def _against_spec(self, request: Request, reply: Reply, body: Any, model: str | None, check: str,
                      step: str) -> list[Drift]:
        """The upstream's answer held against the spec: its schema, and its error code in the catalogue."""
        if body is None:
            return []
        out = [Drift(check, step, "spec", where, problem, value, "spec")
               for where, problem, value in self.validator.errors(request.method, request.path, reply.status,
                                                                  body, model)]
        code = _code_of(body)
        if code is not None and code not in self.twin.catalog:
            out.append(Drift(check, step, "spec", "code", "a code of the error catalogue", code, "spec"))
        return out

    def _sequence(self, upstream_id: str, theirs: Any, mine: Any, step: str) -> list[Drift]:
        """Each task's status sequence (repeats folded), compared once the upstream's reaches a terminal."""
        seq = self.seen.setdefault(upstream_id, ([], []))
        for statuses, body in zip(seq, (theirs, mine), strict=True):
            status = _status_of(body)
            if status is not None and (not statuses or statuses[-1] != status):
                statuses.append(status)
        if upstream_id in self.done or not seq[0] or seq[0][-1] not in _ENDS:
            return []
        self.done.add(upstream_id)
        if seq[0] == seq[1]:
            return []
        return [Drift(upstream_id, step, "task_status", "(status sequence)", " > ".join(seq[1]),
                      " > ".join(seq[0]), "mock")]

    def _steer(self, twin_id: str, kind: str, reply: Reply) -> None:
        """Put the twin's task where the upstream's is, for the poll or cancel about to be asked of the twin."""
        task = self.twin.tasks.find(twin_id)
        if task is None:
            return
        if kind == "cancel":
            status = "PENDING" if reply.status == 200 else "RUNNING"
        elif kind == "query":
            status = _status_of(reply.json()) or ""
        else:
            return
        middle = {"PENDING", *self.twin.tasks.profile_of(task).timing.phases}
        if status not in middle and status not in _ENDS:
            status = "RUNNING"  # a status the twin does not know for this model: some phase of the run
        ending = status in ("SUCCEEDED", "FAILED")
        if not ending and status not in middle:
            return

        def change(stored: Task) -> None:
            # an ended upstream task: every further poll serves the twin's own end (its final, code, message)
            stored.poll_plan = (("PENDING", 0),) if ending else ((status, stored.polls + 1),)

        self.twin.tasks.store.modify(twin_id, change)
