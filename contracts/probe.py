"""The probe: what a check uses to talk to the target. Every call is also sent to the reference mock (when
the target is not the mock itself), validated against the spec, compared, and recorded.

    reply = probe.call("GET", "/tasks/{task}", task=task, step="query")

`{task}` in a path becomes each side's own task id. A response that breaks the spec fails the check at
once; differences from the mock are recorded for the drift report.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest

from .drift import Drift, compare, compare_status
from .redact import redact, redact_headers
from .spend import SpendCapReached, SpendLedger
from .target import API_PREFIX, Endpoint
from .validation import ResponseValidator

TERMINAL = {"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"}
_RETRY = {429, 500, 502, 503, 504}  # a poll answered with these is tried again (the SDK retries 503/504)
_INVALID_KEY = "not-a-dashscope-key"
_MAGIC = [(b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"RIFF", "webp"), (b"GIF8", "gif")]


def media_kind(content: bytes) -> str:
    """What a downloaded file is, by its first bytes."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[4:8] == b"ftyp":
        return "mp4"
    return "unknown"


class ContractViolation(AssertionError):
    """The target answered something the spec does not allow."""


@dataclass
class Reply:
    """One response: status, parsed JSON body (None when not JSON), headers, raw bytes."""

    status: int
    body: Any
    headers: Mapping[str, str]
    content: bytes = b""

    def get(self, dotted: str, default: Any = None) -> Any:
        """A value inside the body by dotted path (`output.task_status`, `output.results.0.url`)."""
        node = self.body
        for part in dotted.split("."):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return default
        return node

    def describe(self) -> str:
        """A short, redacted rendering for assertion messages."""
        body = redact(self.body) if self.body is not None else f"<{len(self.content)} bytes>"
        return f"HTTP {self.status} {body}"


@dataclass
class TaskRef:
    """A task created by a check, with its id on each side."""

    model: str
    ids: dict[str, str | None] = field(default_factory=dict)


@dataclass
class _Sent:
    endpoint: Endpoint
    reply: Reply
    record: dict[str, Any]


class Probe:
    """One check's connection to the target (and the reference); collects exchanges and drift."""

    def __init__(self, check: str, kind: str, target: Endpoint, reference: Endpoint | None,
                 validator: ResponseValidator, ledger: SpendLedger, poll_timeout: float) -> None:
        self.check = check
        self.kind = kind
        self.target = target
        self.reference = reference
        self.validator = validator
        self.ledger = ledger
        self.poll_timeout = poll_timeout
        self.exchanges: list[dict[str, Any]] = []  # the target's, in order: what a snapshot holds
        self.drifts: list[Drift] = []
        self.steps: list[str] = []
        self.notes: list[str] = []

    # ---- sending ---------------------------------------------------------------------------------

    def _headers(self, ep: Endpoint, auth: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if auth == "valid":
            headers["Authorization"] = f"Bearer {ep.key_for(self.check)}"
        elif auth == "invalid":
            headers["Authorization"] = f"Bearer {_INVALID_KEY}"
        elif auth != "none":
            raise ValueError(f"auth must be valid, invalid or none, not {auth!r}")
        headers.update(extra or {})
        return headers

    def _send(self, ep: Endpoint, step: str, method: str, path: str, *, auth: str = "valid",
              headers: Mapping[str, str] | None = None, json: Any = None, content: bytes | None = None,
              params: Mapping[str, str] | None = None) -> _Sent:
        hdrs = self._headers(ep, auth, headers)
        if json is not None:
            hdrs.setdefault("Content-Type", "application/json")
            content = orjson.dumps(json)
        response = ep.client.request(method, ep.url(path), headers=hdrs, content=content, params=params)
        raw = response.content
        body: Any = None
        if "json" in response.headers.get("content-type", ""):
            try:
                body = response.json()
            except ValueError:
                body = None
        reply = Reply(response.status_code, body, dict(response.headers), raw)
        request: dict[str, Any] = {"method": method, "headers": redact_headers(hdrs, request=True)}
        if "://" in path:
            request["url"], request["path"] = path, None
        else:
            request["path"] = urlsplit(path).path
            if params:
                request["query"] = dict(params)
        if json is not None:
            request["body"] = json
        elif content:
            request["text"] = content.decode("utf-8", "replace")[:2000]
        answer: dict[str, Any] = {"status": reply.status, "headers": redact_headers(reply.headers, request=False)}
        if body is not None:
            answer["body"] = body
        elif "://" in path:  # a downloaded file: its first bytes are enough to tell what it is
            answer["body_b64"] = base64.b64encode(raw[:512]).decode()
            answer["length"] = len(raw)
        else:
            answer["text"] = raw.decode("utf-8", "replace")[:2000]
        return _Sent(ep, reply, {"step": step, "request": request, "response": answer})

    def _path_for(self, path: str, task: TaskRef | None, role: str) -> str | None:
        if task is None or "{task}" not in path:
            return path
        task_id = task.ids.get(role)
        return None if task_id is None else path.replace("{task}", task_id)

    # ---- checking --------------------------------------------------------------------------------

    def _check_spec(self, sent: _Sent, step: str, model: str | None) -> list[Drift]:
        request = sent.record["request"]
        if request.get("path") is None:
            return []  # result files are not API responses
        reply = sent.reply
        found: list[Drift] = []
        if "json" not in reply.headers.get("content-type", ""):
            found.append(Drift(self.check, step, "spec", "content-type", "application/json",
                               reply.headers.get("content-type"), "spec"))
        for where, problem, value in self.validator.errors(request["method"], API_PREFIX + request["path"],
                                                           reply.status, reply.body, model):
            found.append(Drift(self.check, step, "spec", where, problem, value, "spec"))
        return found

    def _record(self, step: str, target: _Sent, reference: _Sent | None, model: str | None,
                compare_bodies: bool = True) -> ContractViolation | None:
        """Record one exchange and its drift; the spec violation, if any, for the caller to raise."""
        self.steps.append(f"{step} -> {target.reply.status}")
        self.exchanges.append(target.record)
        violations = self._check_spec(target, step, model)
        self.drifts.extend(violations)
        if reference is not None:
            self.drifts.extend(compare_status(self.check, step, target.reply.status, reference.reply.status))
            if compare_bodies:
                self.drifts.extend(compare(self.check, step, target.reply.body, reference.reply.body))
        if not violations:
            return None
        lines = "\n".join(f"  {d.field}: {d.expected}" for d in violations)
        return ContractViolation(f"{step}: the response breaks the spec\n{lines}\n{target.reply.describe()}")

    def call(self, method: str, path: str, *, step: str, task: TaskRef | None = None, auth: str = "valid",
             headers: Mapping[str, str] | None = None, json: Any = None, content: bytes | None = None,
             params: Mapping[str, str] | None = None, model: str | None = None) -> Reply:
        """Send one request to the target (and the reference); validate, compare, record; the target's reply."""
        return self.both(method, path, step=step, task=task, auth=auth, headers=headers, json=json,
                         content=content, params=params, model=model)[0]

    def both(self, method: str, path: str, *, step: str, task: TaskRef | None = None, auth: str = "valid",
             headers: Mapping[str, str] | None = None, json: Any = None, content: bytes | None = None,
             params: Mapping[str, str] | None = None, model: str | None = None) -> tuple[Reply, Reply | None]:
        """Like `call`, returning the reference's reply too (None when there is no reference)."""
        target, ref, violation = self._both(method, path, step=step, task=task, auth=auth, headers=headers,
                                            json=json, content=content, params=params, model=model)
        if violation is not None:
            raise violation
        return target, ref

    def _both(self, method: str, path: str, *, step: str, task: TaskRef | None, model: str | None,
              **kw: Any) -> tuple[Reply, Reply | None, ContractViolation | None]:
        model = model or (task.model if task else None)
        target_path = self._path_for(path, task, "target")
        if target_path is None:
            raise ValueError(f"{step}: the task was not created on the target")
        sent = self._send(self.target, step, method, target_path, **kw)
        ref = None
        ref_path = self._path_for(path, task, "reference")
        if self.reference is not None and ref_path is not None:
            ref = self._send(self.reference, step, method, ref_path, **kw)
        violation = self._record(step, sent, ref, model)
        return sent.reply, ref.reply if ref else None, violation

    # ---- tasks -----------------------------------------------------------------------------------

    def create(self, model: str, body: Mapping[str, Any], *, route: str, billable: bool,
               expect_task: bool = True, step: str = "create", headers: Mapping[str, str] | None = None,
               ) -> tuple[Reply, TaskRef]:
        """POST a create, counted by the spend ledger first (a billable one may be refused: the check skips).

        A create whose answer never came stays counted (the task may exist). `expect_task=False` says the
        create should be rejected; if the target creates a task anyway, the suite cancels it at once and
        notes it, so a contract change cannot quietly spend money.
        """
        try:
            charge = self.ledger.reserve(self.check, model, billable=billable)
        except SpendCapReached as exc:
            pytest.skip(str(exc))
        hdrs = {"X-DashScope-Async": "enable", **(headers or {})}
        target, ref, violation = self._both("POST", route, step=step, task=None, model=model, json=dict(body),
                                            headers=hdrs, auth="valid", content=None, params=None)
        task_id = target.get("output.task_id") if target.status == 200 else None
        if task_id:
            self.ledger.created(charge, str(task_id))
        elif target.status < 500:
            self.ledger.release(charge)  # refused: no task exists; after a 5xx one may, so it stays counted
        task = TaskRef(model, {"target": task_id,
                               "reference": ref.get("output.task_id") if ref and ref.status == 200 else None})
        if task_id and not expect_task:
            self.notes.append(f"{step}: the target created task {task_id} where a rejection was expected; "
                              "the suite cancelled it")
            cancel = self._send(self.target, f"{step}: cancel the unexpected task", "POST", f"/tasks/{task_id}/cancel")
            self.exchanges.append(cancel.record)  # recorded, so a replay of this check sees the same requests
        if violation is not None:
            raise violation
        return target, task

    def wait(self, task: TaskRef, *, step: str = "poll") -> Reply:
        """Poll until a terminal status; the target's last answer (see `wait_both`)."""
        return self.wait_both(task, step=step)[0]

    def wait_both(self, task: TaskRef, *, step: str = "poll") -> tuple[Reply, Reply | None]:
        """Poll until a terminal status (moving a mock's clock, or sleeping like the SDK on a real service).

        Every target poll is validated and recorded; the first answer in each status is compared with the
        reference's answer in the same status. Returns the target's last answer.
        """
        target_polls = self._poll(self.target, task, "target", step)
        if not target_polls:
            raise ValueError(f"{step}: the task was not created on the target")
        ref_polls = self._poll(self.reference, task, "reference", step) if self.reference else []
        first_ref: dict[Any, _Sent] = {}
        for sent in ref_polls:
            first_ref.setdefault(sent.reply.get("output.task_status"), sent)
        seen: set[Any] = set()
        violation = None
        for sent in target_polls:
            status = sent.reply.get("output.task_status")
            ref = first_ref.get(status) if status not in seen else None
            seen.add(status)
            violation = self._record(f"{step} ({status})", sent, ref, task.model) or violation
        last, ref_last = target_polls[-1].reply, (ref_polls[-1].reply if ref_polls else None)
        if ref_last is not None and ref_last.get("output.task_status") != last.get("output.task_status"):
            self.drifts.append(Drift(self.check, f"{step} (terminal)", "task_status", "output.task_status",
                                     ref_last.get("output.task_status"), last.get("output.task_status"),
                                     "mock"))
        if violation is not None:
            raise violation
        return last, ref_last

    def _poll(self, ep: Endpoint | None, task: TaskRef, role: str, step: str) -> list[_Sent]:
        task_id = task.ids.get(role)
        if ep is None or task_id is None:
            return []
        polls: list[_Sent] = []
        deadline = time.monotonic() + self.poll_timeout
        virtual_step, interval = 1.0, 1.0
        for n in range(1, 10_000):
            sent = self._send(ep, step, "GET", f"/tasks/{task_id}")
            polls.append(sent)
            status = sent.reply.get("output.task_status")
            if sent.reply.status == 200 and status in TERMINAL:
                break
            if sent.reply.status != 200 and sent.reply.status not in _RETRY:
                break
            if ep.is_mock:
                ep.advance(virtual_step)
                virtual_step = min(virtual_step * 2, 120.0)
                if n >= 40:  # about an hour of virtual time: the mock will not finish this task
                    break
            else:
                if time.monotonic() + interval > deadline:
                    break
                ep.sleep(interval)
                # the official SDK's schedule: 1 s, doubling every 3 polls, at most 5 s (docs/sdk-wire.md §3.1)
                if n % 3 == 0:
                    interval = min(interval * 2, 5.0)
        return polls

    def download(self, step: str, target_url: str, reference_url: str | None) -> Reply:
        """GET a result file on each side (no Authorization: result URLs are signed) and compare kinds."""
        sent = self._send(self.target, step, "GET", target_url, auth="none")
        ref = self._send(self.reference, step, "GET", reference_url, auth="none") \
            if self.reference is not None and reference_url else None
        violation = self._record(step, sent, ref, None, compare_bodies=False)
        if violation is not None:
            raise violation
        if ref is not None and ref.reply.status == 200 == sent.reply.status:
            t_kind, r_kind = media_kind(sent.reply.content), media_kind(ref.reply.content)
            if t_kind != r_kind:
                self.drifts.append(Drift(self.check, step, "type", "file", r_kind, t_kind, "mock"))
            t_type = sent.reply.headers.get("content-type", "").split(";")[0]
            r_type = ref.reply.headers.get("content-type", "").split(";")[0]
            if t_type != r_type:
                self.drifts.append(Drift(self.check, step, "value", "content-type", r_type, t_type, "mock"))
        return sent.reply

    # ---- what the report needs -------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The check's record for the drift report (JSON-safe, redacted: it travels between xdist workers)."""
        runs: list[list[Any]] = []
        for step in self.steps:  # consecutive identical polls collapse into one line
            if runs and runs[-1][0] == step:
                runs[-1][1] += 1
            else:
                runs.append([step, 1])
        steps = [step if n == 1 else f"{step} x{n}" for step, n in runs]
        record: dict[str, Any] = redact({"exchanges": len(self.exchanges), "steps": steps, "notes": self.notes,
                                         "drifts": [d.to_dict() for d in self.drifts]})
        return record
