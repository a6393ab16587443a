"""The task engine: create -> plan; a task's state is a pure function of its plan and the virtual clock.

Nothing here knows about HTTP. Routes call `create`, `query`, `cancel`, `list` and `detect`, and render
what they return.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from typing import Any

import orjson

from . import media, outputs
from .clock import VirtualClock, format_cst, parse_list_time
from .errors import DashScopeError, ErrorCatalog
from .lanes import Lanes
from .registry import ModelProfile, Registry
from .scenarios import Scenario
from .settings import Settings
from .signing import UrlSigner
from .spec import Spec
from .store import TaskStore
from .task import TERMINAL, Task
from .validation import RequestValidator

_MAX_PAGE_NO = 2**31 - 1  # a Java int on the real service; larger ones broke the JSON encoder (Schemathesis)
_STATUSES = frozenset({"PENDING", "RUNNING", *TERMINAL})  # the list API's `status` filter values (§3.2)
_JOURNAL_MAX = 500  # polls remembered per task
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))  # version nibble and variant bits
_V4_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant
_TASK_FIELDS = frozenset({"task_id", "task_status", "submit_time", "scheduled_time", "end_time", "task_metrics"})
_TERMINAL_CACHE = 20_000  # rendered terminal answers kept (a few MB)


def _compact(body: Mapping[str, Any]) -> bytes:
    """The body as compact JSON in an exact-size buffer (orjson's own buffer keeps ~4 KB of slack)."""
    return bytes(memoryview(orjson.dumps(body)))


class Ids:
    """Task and request ids: UUID-shaped, reproducible under `--seed`."""

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed) if seed is not None else None
        self._lock = threading.Lock()

    def uuid(self) -> str:
        """A fresh lowercase 8-4-4-4-12 id, UUID version 4 (formatted by hand: it is on every request)."""
        if self._rng is None:
            bits = int.from_bytes(os.urandom(16))
        else:
            with self._lock:
                bits = self._rng.getrandbits(128)
        h = f"{(bits & _V4_CLEAR) | _V4_SET:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def jitter(self, low: float, high: float) -> float:
        """A reproducible random factor in [low, high]."""
        if self._rng is None:
            return random.uniform(low, high)
        with self._lock:
            return self._rng.uniform(low, high)


class Engine:
    """Plans tasks, answers queries from plans, and applies the few mutations (cancel, polls)."""

    def __init__(self, spec: Spec, registry: Registry, store: TaskStore, clock: VirtualClock,
                 settings: Settings, catalog: ErrorCatalog, signer: UrlSigner) -> None:
        self.spec = spec
        self.registry = registry
        self.store = store
        self.clock = clock
        self.settings = settings
        self.catalog = catalog
        self.signer = signer
        self.validator = RequestValidator(spec)
        self.lanes = Lanes()
        self.ids = Ids(settings.seed)
        self.journal: dict[str, deque[dict[str, Any]]] = {}
        self.result_host = settings.result_host or "http://127.0.0.1"
        self._terminal: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._last_expiry = 0.0

    # ---- create ---------------------------------------------------------------------------------

    def validate_at_submit(self, profile: ModelProfile, body: Mapping[str, Any]) -> str | None:
        """The parameter error to report at submit (HTTP 400), per validation mode and the model's spec."""
        if self.settings.validation == "faithful" and profile.validation == "deferred":
            return None
        return self.validator.first_error(profile, body)

    def create(self, *, account: str, key_id: str, profile: ModelProfile, body: Mapping[str, Any],
               request_id: str, scenario: Scenario | None = None,
               input_duration: float | None = None, deferred_error: tuple[str, str] | None = None,
               raw: bytes | None = None) -> Task:
        """Plan a new task and store it before the create is acknowledged.

        `deferred_error` is a (code, message) the task fails with shortly after submit (an input problem the
        real service reports on the task, inputs.py); a deferred schema error takes precedence over it.
        `raw` is the body as the client sent it (valid JSON of `body`), kept instead of re-encoding `body`.
        """
        now = self.clock.now()
        self._expire(now)
        code = message = None
        final = "SUCCEEDED"
        failure = deferred_error
        if self.settings.validation == "faithful" and profile.validation == "deferred":
            schema_error = self.validator.first_error(profile, body)
            if schema_error is not None:
                failure = ("InvalidParameter", schema_error)
        queue_s, run_s = self._timing(profile)
        poll_plan = None
        failed_items = 0
        if failure is not None:
            # real-service-behavior.md §1.4: submit 200, then FAILED InvalidParameter 0.1-3 s later
            final, (code, message) = "FAILED", failure
            queue_s, run_s = 0.05, self.ids.jitter(0.1, 1.0)
        elif scenario is not None:
            if scenario.steps:  # a time-based scenario says how long each phase lasts (0 when it skips one)
                queue_s = scenario.seconds("PENDING") or 0.0
                run_s = scenario.seconds("RUNNING") or 0.0
            final = scenario.final
            failed_items = scenario.failed_items
            if final == "FAILED":
                code = scenario.code or "InternalError"
                message = scenario.message or (self.catalog.get(code).messages[0]
                                               if code in self.catalog and self.catalog.get(code).messages
                                               else code)
            if scenario.poll_counted:
                poll_plan = scenario.poll_steps
        ready = now + queue_s
        if self.settings.limits and poll_plan is None and failure is None:
            scheduled = self.lanes.schedule((account, profile.name), profile.concurrency, ready, run_s)
        else:
            scheduled = ready
        task = Task(
            task_id=self.ids.uuid(), account=account, key_id=key_id, model=profile.name,
            request_id=request_id, body=raw if raw is not None else _compact(body), submit=now, scheduled=scheduled,
            end=scheduled + run_s, final=final, code=code, message=message, failed_items=failed_items,
            poll_plan=poll_plan, extra={"input_duration": input_duration} if input_duration else None,
        )
        self.store.put(task)
        return task

    def _timing(self, profile: ModelProfile) -> tuple[float, float]:
        if self.settings.timings == "fast":
            return self.ids.jitter(0.05, 0.2), self.ids.jitter(0.4, 0.8)
        return (profile.queue_s * self.ids.jitter(0.8, 1.2), max(0.1, profile.run_s * self.ids.jitter(0.8, 1.2)))

    # ---- state ----------------------------------------------------------------------------------

    def status_at(self, task: Task, now: float, poll: int | None = None) -> str:
        """The task's status at virtual time `now` (and, for poll-counted plans, at poll number `poll`)."""
        if now >= task.submit + self.settings.task_ttl_s:
            return "UNKNOWN"
        if task.canceled_at is not None:
            return "CANCELED"
        if task.poll_plan is not None:
            n = task.polls if poll is None else poll
            seen = 0
            for status, count in task.poll_plan:
                seen += count
                if n <= seen:
                    return status
            return task.final
        if now < task.scheduled:
            return "PENDING"
        if now < task.end:
            return "RUNNING"
        return task.final

    def _times(self, task: Task) -> tuple[float, float]:
        """(scheduled, end) as served: poll-counted plans take them from when the polls saw them."""
        if task.poll_plan is None:
            return task.scheduled, task.end
        marks = task.marks or {}
        end = marks.get(task.final, task.end)
        return marks.get("RUNNING", end), end

    def get(self, account: str, task_id: str) -> Task | None:
        """The task if it exists, belongs to `account` and has not expired."""
        task = self.store.get(task_id)
        if task is None or task.account != account:
            return None
        if self.clock.now() >= task.submit + self.settings.task_ttl_s:
            return None
        return task

    def query(self, account: str, task_id: str, *, fault: str | None = None) -> dict[str, Any]:
        """The query body (without request_id) for `task_id` as `account` sees it; counts the poll."""
        task = self.get(account, task_id)
        if task is None:
            return {"output": {"task_id": task_id, "task_status": "UNKNOWN"}}
        now = self.clock.now()
        if task.poll_plan is not None and (task.marks is None or task.final not in task.marks):
            task.polls += 1
            status = self.status_at(task, now)
            task.marks = dict(task.marks or {})
            task.marks.setdefault(status, now)
            self.store.update(task)
        else:
            status = self.status_at(task, now)
        self._journal(task.task_id, now, status, fault)
        if status not in TERMINAL:
            return self.render(task, status)
        # a terminal answer never changes until expiry: render it once (polling stays O(1) and cheap)
        cached = self._terminal.get(task.task_id)
        if cached is None:
            cached = self._terminal[task.task_id] = self.render(task, status)
            if len(self._terminal) > _TERMINAL_CACHE:
                self._terminal.popitem(last=False)
        return cached

    def _journal(self, task_id: str, now: float, status: str, fault: str | None) -> None:
        entries = self.journal.get(task_id)
        if entries is None:
            entries = self.journal[task_id] = deque(maxlen=_JOURNAL_MAX)
        entries.append({"t": now, "real": time.time(), "status": status, "fault": fault})

    def note_fault(self, task_id: str, fault: str) -> None:
        """Record a fault injected instead of answering a poll."""
        now = self.clock.now()
        self._journal(task_id, now, "-", fault)

    # ---- rendering ------------------------------------------------------------------------------

    def render(self, task: Task, status: str) -> dict[str, Any]:
        """The `output` (and `usage`) for `task` in `status`: exactly the fields the real service shows."""
        out: dict[str, Any] = {"task_id": task.task_id, "task_status": status}
        if status == "UNKNOWN":
            return {"output": out}
        profile = self.registry.model(task.model)
        assert profile is not None, task.model
        out["submit_time"] = format_cst(task.submit)
        scheduled, end = self._times(task)
        body: dict[str, Any] = {"output": out}
        if status == "CANCELED":
            out["end_time"] = format_cst(task.canceled_at or task.submit)
        if status in ("RUNNING", "SUCCEEDED", "FAILED"):
            out["scheduled_time"] = format_cst(scheduled)
        if status in ("SUCCEEDED", "FAILED"):
            # some legacy models drop the milliseconds (real-service-behavior.md §0.4)
            out["end_time"] = format_cst(end) if profile.output.get("end_time_ms", True) else format_cst(end)[:19]
        facts = None
        if profile.output.get("task_metrics") or status == "SUCCEEDED":
            facts = self.facts(task, profile)
        if status == "FAILED":
            out["code"] = task.code
            out["message"] = task.message
        if status == "SUCCEEDED" and facts is not None:
            ok = self._fill_result(out, task, profile, facts, end)
            usage = media.usage(profile, facts, ok, task.request())
            if usage:
                body["usage"] = usage
        if profile.output.get("task_metrics") and facts is not None:
            total = facts.output_count
            failed = min(task.failed_items, total) if status == "SUCCEEDED" else (total if status == "FAILED" else 0)
            succeeded = total - failed if status == "SUCCEEDED" else 0
            out["task_metrics"] = {"TOTAL": total, "SUCCEEDED": succeeded, "FAILED": failed}
        return body

    def facts(self, task: Task, profile: ModelProfile) -> media.Facts:
        """The task's output media facts (size, fps, duration, count)."""
        extra = task.extra or {}
        return media.facts(profile, task.request(), self.spec.resolutions, extra.get("input_duration"))

    def _fill_result(self, out: dict[str, Any], task: Task, profile: ModelProfile,
                     facts: media.Facts, end: float) -> int:
        """Put the family's result field(s) into `out`; return how many results succeeded."""
        spec_out = profile.output
        request = task.request()
        count = facts.output_count
        failed = min(task.failed_items, count)
        values = [self.result_value(task, profile.output_kind, i, count, end) for i in range(count)]
        beside = outputs.prompts(request) if spec_out.get("prompts") else {}
        out.update(outputs.shape_results(str(spec_out.get("field", "video_url")), values, failed, beside,
                                         spec_out.get("constants")))
        if spec_out.get("extra"):
            digest = hashlib.sha256(task.task_id.encode()).hexdigest()
            out.update(outputs.extras(
                spec_out["extra"], request, count, self._times(task)[0],
                url=lambda i: self.result_value(task, "image", 1000 + i, 2, end),
                token=lambda i: f"{digest[:16]}-{i}"))
        return count - failed

    def result_value(self, task: Task, kind: str, index: int, count: int, end: float) -> str:
        """The signed URL (or template id) of result `index` of `task`."""
        if kind == "template":
            digest = hashlib.sha256(task.task_id.encode()).hexdigest()
            return f"AACT.{digest[:8]}.{digest[8:16]}.{digest[16:24]}"
        ext = "png" if kind == "image" else "mp4"
        name = f"{task.task_id}.{ext}" if count == 1 else f"{task.task_id}-{index + 1}.{ext}"
        path = self.signer.path_for(task.task_id, end, name)
        return self.signer.sign(self.result_host, path, int(end + self.settings.url_ttl_s))

    # ---- cancel, list, detect ------------------------------------------------------------------

    def cancel(self, account: str, task_id: str) -> None:
        """Cancel a PENDING task of `account`; anything else is 400 UnsupportedOperation (§3.1)."""
        task = self.get(account, task_id)
        now = self.clock.now()
        if task is None or self.status_at(task, now, task.polls + 1 if task.poll_plan else None) != "PENDING":
            raise self.catalog.error("UnsupportedOperation", self.catalog.message("UnsupportedOperation", "cancel"))
        task.canceled_at = now
        self.store.update(task)
        self._terminal.pop(task_id, None)

    def list(self, account: str, params: Mapping[str, str], region: str) -> dict[str, Any]:
        """One page of the account's tasks, in the real list shape plus `tasks` for the SDK's v2 client."""
        now = self.clock.now()
        try:
            # a parameter sent empty is invalid, not absent: the spec types these (Schemathesis found `page_size=`)
            page_no = int(params["page_no"]) if "page_no" in params else 1
            page_size = int(params["page_size"]) if "page_size" in params else 10
            until = parse_list_time(params["end_time"]) if "end_time" in params else now
            since = parse_list_time(params["start_time"]) if "start_time" in params else until - 86400
            if params.get("status", "PENDING") not in _STATUSES:
                raise ValueError(f"status {params['status']!r} is not a task status")
        except (ValueError, KeyError) as exc:
            raise self.catalog.error("InvalidParameter", detail=f"({exc})") from exc
        if not 1 <= page_no <= _MAX_PAGE_NO or not 1 <= page_size <= 100:
            raise self.catalog.error("InvalidParameter", "page_no must be >= 1 and page_size in [1, 100].")
        if until - since > 86400 or until < since:
            raise self.catalog.error("InvalidParameter", "The time range must be within 24 hours.")
        since = max(since, now - self.settings.task_ttl_s)
        status_filter = params.get("status")
        model_filter = params.get("model_name")
        id_filter = params.get("task_id")
        rows = []
        for task in self.store.by_account(account, since, until):
            if task.extra and task.extra.get("sync"):
                continue  # a synchronous generation is not a task to its caller
            if id_filter and task.task_id != id_filter:
                continue
            if model_filter and task.model != model_filter:
                continue
            status = self.status_at(task, now)
            if status_filter and status != status_filter:
                continue
            rows.append((task, status))
        total = len(rows)
        page = rows[(page_no - 1) * page_size: page_no * page_size]
        items = [self._list_item(t, s, region) for t, s in page]
        # `tasks` is for the official SDK's v2 JobList, whose Job types end_time as a string
        # (dashscope/v2/resources/_jobs.py:125): same items, times as CST strings instead of epoch ms
        tasks = [{**i, **{k: format_cst(i[k] / 1000) for k in ("start_time", "end_time") if k in i}}
                 for i in items]
        return {"total": total, "data": items, "total_page": math.ceil(total / page_size),
                "page_no": page_no, "page_size": page_size, "tasks": tasks}

    def _list_item(self, task: Task, status: str, region: str) -> dict[str, Any]:
        profile = self.registry.model(task.model)
        route = profile.route.replace("/", ":") if profile else "unknown"
        scheduled, end = self._times(task)
        item: dict[str, Any] = {
            "api_key_id": task.key_id, "caller_parent_id": task.account, "caller_uid": task.account,
            "gmt_create": int(task.submit * 1000), "model_name": task.model, "region": region,
            "request_id": task.request_id, "status": status, "task_id": task.task_id,
            "task_status": status, "submit_time": format_cst(task.submit),
            "user_api_unique_key": f"apikey:v1:aigc:{route}:{task.model}",
        }
        if status != "PENDING":
            item["start_time"] = int(scheduled * 1000)
        if status in TERMINAL:
            stop = task.canceled_at if status == "CANCELED" and task.canceled_at else end
            item["end_time"] = int(stop * 1000)
        return item

    def generate_now(self, *, account: str, key_id: str, profile: ModelProfile, body: Mapping[str, Any],
                     request_id: str, input_duration: float | None = None) -> dict[str, Any]:
        """A synchronous generation: validated up front, finished at once, answered with its results.

        The task is stored (its result URLs serve files like any task's) but hidden from the task list:
        a synchronous call is not a task to the caller.
        """
        error = self.validator.first_error(profile, body)
        if error:
            raise self.catalog.error("InvalidParameter", error)
        now = self.clock.now()
        task = Task(task_id=self.ids.uuid(), account=account, key_id=key_id, model=profile.name,
                    request_id=request_id, body=_compact(body), submit=now, scheduled=now, end=now,
                    final="SUCCEEDED", extra={"sync": True, "input_duration": input_duration})
        self.store.put(task)
        rendered = self.render(task, "SUCCEEDED")
        output = {k: v for k, v in rendered["output"].items() if k not in _TASK_FIELDS}
        return {"output": output, "usage": rendered.get("usage", {})}

    def detect(self, profile: ModelProfile, body: Mapping[str, Any]) -> dict[str, Any]:
        """A synchronous detect answer: the spec's documented output (and usage)."""
        error = self.validator.first_error(profile, body)
        if error:
            raise self.catalog.error("InvalidParameter", error)
        answer: dict[str, Any] = {"output": dict(profile.output.get("value") or {})}
        if profile.usage:
            answer["usage"] = {k: v for k, v in profile.usage.items()}
        return answer

    def _expire(self, now: float) -> None:
        """Drop expired tasks at most once a virtual minute (amortized; never a scan per request)."""
        if now - self._last_expiry < 60:
            return
        self._last_expiry = now
        gone_before = now - self.settings.task_ttl_s
        self.store.expire(gone_before)
        # journals sit in first-poll order, and a task first polled before the cut-off was submitted before
        # it: drop from the front until one is newer (no scan of every journal)
        while self.journal:
            oldest = next(iter(self.journal))
            if self.journal[oldest][0]["t"] >= gone_before:
                break
            del self.journal[oldest]

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes and journals (all, or one account's)."""
        self.store.reset(account)
        self.lanes.reset(account)
        self._terminal.clear()
        if account is None:
            self.journal.clear()


__all__ = ["DashScopeError", "Engine"]
