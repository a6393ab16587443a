"""Task bodies as the service sends them: `output` (and `usage`) for a task in a status, list pages, sync answers.

Pure shaping over what the domain decided (the task, its status, its media facts). Terminal answers never change
until expiry, so they are rendered once and cached: polling a finished task stays O(1).
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from typing import Any

from ..domain import media
from ..domain.clock import format_cst
from ..domain.listing import Page
from ..domain.task import TERMINAL, Task
from ..domain.tasks import TaskBook
from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.hosts import ServiceHosts
from ..spec.profiles import ModelProfile
from . import outputs
from .signing import UrlSigner

_TERMINAL_CACHE = 20_000  # rendered terminal answers kept (a few MB)
_TASK_FIELDS = frozenset({"task_id", "task_status", "submit_time", "scheduled_time", "end_time", "task_metrics"})


def template_id(task_id: str) -> str:
    """The id of a template a template-producing task made (AnimateAnyone/Emoji-style `template_id`)."""
    digest = hashlib.sha256(task_id.encode()).hexdigest()
    return f"AACT.{digest[:8]}.{digest[8:16]}.{digest[16:24]}"


def result_name(task_id: str, kind: str, index: int, count: int) -> str:
    """The object name of result `index` of `count`: `<task>.ext` for one, `<task>-<n>.ext` for each of several."""
    ext = "png" if kind == "image" else "mp4"
    return f"{task_id}.{ext}" if count == 1 else f"{task_id}-{index + 1}.{ext}"


class Renderer:
    """Builds task bodies; holds the terminal-answer cache and the URL signer."""

    def __init__(self, tasks: TaskBook, catalog: ErrorCatalog, signer: UrlSigner, settings: Settings,
                 hosts: ServiceHosts | None = None) -> None:
        self.tasks = tasks
        self.catalog = catalog
        self.signer = signer
        self.settings = settings
        self.result_host = settings.result_host or "http://127.0.0.1"
        self.hosts = hosts or ServiceHosts()
        self._terminal: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()

    def forget(self, account: str | None = None) -> None:
        """Drop the cached finished-task answers (a reset: of any account, since the cache is not kept by account)."""
        self._terminal.clear()

    def result_root(self, host_header: str | None) -> str:
        """The root of result URLs for a client that sent `host_header`: the real result host when it called a real
        API host (it came through the proxy, the TLS listener or the fixture), else `result_host`."""
        return self.hosts.result_root(host_header) or self.result_host

    def unknown(self, task_id: str) -> dict[str, Any]:
        """The answer for an unknown, foreign or expired id: 200 with UNKNOWN (docs/behaviour.md §2.1)."""
        return {"output": {"task_id": task_id, "task_status": "UNKNOWN"}}

    def polled(self, task: Task, status: str, host_header: str | None = None) -> dict[str, Any]:
        """The query body (without request_id) for `task` in `status`, result URLs under `result_root(host_header)`;
        terminal answers come from the cache."""
        if status not in TERMINAL:  # no result URLs before the end
            return self.render(task, status)
        root = self.result_root(host_header)
        key = (task.task_id, task.request_id, root)  # the request id tells a reused task id apart
        cached = self._terminal.get(key)
        if cached is None:
            cached = self._terminal[key] = self.render(task, status, root)
            if len(self._terminal) > _TERMINAL_CACHE:
                self._terminal.popitem(last=False)
        return cached

    def render(self, task: Task, status: str, root: str | None = None) -> dict[str, Any]:
        """The `output` (and `usage`) for `task` in `status`: exactly the fields the real service shows (result
        URLs under `root`, default `result_host`)."""
        out: dict[str, Any] = {"task_id": task.task_id, "task_status": status}
        if status == "UNKNOWN":
            return {"output": out}
        profile = self.tasks.profile_of(task)
        out["submit_time"] = format_cst(task.submit)
        scheduled, end = self.tasks.times(task)
        body: dict[str, Any] = {"output": out}
        if status == "CANCELED":
            out["end_time"] = format_cst(task.canceled_at or task.submit)
        if status not in ("PENDING", "CANCELED"):  # RUNNING, a model's other run phases, and the ends
            out["scheduled_time"] = format_cst(scheduled)
        if status in ("SUCCEEDED", "FAILED"):
            # some legacy models drop the milliseconds (docs/behaviour.md §0.4)
            out["end_time"] = format_cst(end) if profile.output.end_time_ms else format_cst(end)[:19]
        facts = None
        metrics = profile.output.metrics_in(status)
        if metrics or status == "SUCCEEDED":
            facts = self.tasks.facts(task)
        if status == "FAILED":
            out["code"] = task.code
            out["message"] = task.message
        if status == "SUCCEEDED" and facts is not None:
            ok = self._fill_result(out, task, profile, facts, end, root or self.result_host)
            usage = media.usage(profile, facts, ok, task.request())
            if usage:
                body["usage"] = usage
        if metrics and facts is not None:
            total = facts.output_count
            failed = min(task.failed_items, total) if status == "SUCCEEDED" else (total if status == "FAILED" else 0)
            succeeded = total - failed if status == "SUCCEEDED" else 0
            out["task_metrics"] = {"TOTAL": total, "SUCCEEDED": succeeded, "FAILED": failed}
        return body

    def _fill_result(self, out: dict[str, Any], task: Task, profile: ModelProfile,
                     facts: media.Facts, end: float, root: str) -> int:
        """Put the family's result field(s) into `out`; return how many results succeeded."""
        spec_out = profile.output
        request = task.request()
        count = facts.output_count
        failed = min(task.failed_items, count)
        values = [self.result_value(task, profile.output_kind, i, count, end, root) for i in range(count)]
        beside = outputs.prompts(request, spec_out.prompts)
        moderated = {"code": "DataInspectionFailed",
                     "message": self.catalog.message("DataInspectionFailed", "Output data may")}
        out.update(outputs.shape_results(spec_out.field, values, failed, beside, spec_out.constants, moderated))
        if spec_out.extra:
            digest = hashlib.sha256(task.task_id.encode()).hexdigest()
            out.update(outputs.extras(
                spec_out.extra, request, count, self.tasks.times(task)[0],
                url=lambda i: self.result_value(task, "image", 1000 + i, 2, end, root),
                token=lambda i: f"{digest[:16]}-{i}"))
        return count - failed

    def result_value(self, task: Task, kind: str, index: int, count: int, end: float, root: str | None = None) -> str:
        """The signed URL (or template id) of result `index` of `task`, under `root` (default `result_host`)."""
        if kind == "template":
            return template_id(task.task_id)
        path = self.signer.path_for(task.task_id, end, result_name(task.task_id, kind, index, count))
        return self.signer.sign(root or self.result_host, path, int(end + self.settings.url_ttl_s))

    def sync_answer(self, task: Task, root: str | None = None) -> dict[str, Any]:
        """A synchronous generation's answer: the SUCCEEDED output without the task fields, and usage."""
        rendered = self.render(task, "SUCCEEDED", root)
        output = {k: v for k, v in rendered["output"].items() if k not in _TASK_FIELDS}
        return {"output": output, "usage": rendered.get("usage", {})}

    def list_page(self, page: Page, region: str, request_id: str) -> dict[str, Any]:
        """A list page as captured: `total, data, total_page, page_no, request_id, page_size` in that order
        (docs/behaviour.md §3.2), then `tasks` for the official SDK's v2 client."""
        items = [self._list_item(t, s, region) for t, s in page.rows]
        # `tasks` is what the official SDK's v2 JobList reads (dashscope/v2/resources/_jobs.py:199); its Job types
        # end_time as a string (_jobs.py:125), so the copy carries CST strings instead of epoch ms
        tasks = [{**i, **{k: format_cst(i[k] / 1000) for k in ("start_time", "end_time") if k in i}}
                 for i in items]
        return {"total": page.total, "data": items, "total_page": page.total_page, "page_no": page.page_no,
                "request_id": request_id, "page_size": page.page_size, "tasks": tasks}

    def _list_item(self, task: Task, status: str, region: str) -> dict[str, Any]:
        """One `data` item: the captured keys in the captured (alphabetical) order, ids as digit strings."""
        profile = self.tasks.registry.model(task.model)
        route = profile.route.replace("/", ":") if profile else "unknown"
        scheduled, end = self.tasks.times(task)
        uid = account_uid(task.account)
        item: dict[str, Any] = {"api_key_id": task.key_id, "caller_parent_id": uid, "caller_uid": uid}
        if status in TERMINAL:
            stop = task.canceled_at if status == "CANCELED" and task.canceled_at else end
            item["end_time"] = int(stop * 1000)
        item.update({"gmt_create": int(task.submit * 1000), "model_name": task.model, "region": region,
                     "request_id": task.request_id})
        if status != "PENDING":
            item["start_time"] = int(scheduled * 1000)
        item.update({"status": status, "task_id": task.task_id,
                     "user_api_unique_key": f"apikey:v1:aigc:{route}:{task.model}"})
        return item


@functools.lru_cache(maxsize=4096)
def account_uid(account: str) -> str:
    """The account as the list shows it: a stable 16-digit string like the captured `1493478651020171`."""
    return "1" + str(int(hashlib.sha256(account.encode()).hexdigest(), 16) % 10**15).zfill(15)


def detect_answer(profile: ModelProfile) -> dict[str, Any]:
    """A synchronous detect answer: the spec's documented output (and usage)."""
    answer: dict[str, Any] = {"output": dict(profile.output.value or {})}
    if profile.usage:
        answer["usage"] = dict(profile.usage)
    return answer
