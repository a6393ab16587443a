"""Typed responses: Task, CreateResult, DetectResult, TaskList(Item), UploadPolicy, parsed from the wire.

The field names follow the spec's `Task*`, `TaskList*` and `UploadPolicyResponse` schemas;
`tests/test_client_spec.py` proves each class covers exactly the spec's properties.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

from ._generated import MODELS, OUTPUT_FIELDS, TASK_STATUSES, TaskStatus

# submit_time & co. are China Standard Time with no zone (docs/behaviour.md §0.4)
CST = timezone(timedelta(hours=8))
TERMINAL: frozenset[str] = frozenset({"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"})
_ORDER = {"PENDING": 0, "RUNNING": 1, "SUCCEEDED": 2, "FAILED": 2, "CANCELED": 2, "UNKNOWN": 3}


class ResponseFormatError(ValueError):
    """A 200 answer whose body does not have the documented shape."""


def status_rank(status: str) -> int:
    """PENDING 0, RUNNING 1, the three outcomes 2, UNKNOWN (expired) 3: status only moves up."""
    return _ORDER[status]


def parse_cst(value: object) -> datetime | None:
    """Parse 'YYYY-MM-DD HH:MM:SS[.mmm]' (UTC+8, no zone) into an aware datetime; None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ResponseFormatError(f"timestamp {value!r} is not a string")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=CST)
        except ValueError:
            continue
    raise ResponseFormatError(f"timestamp {value!r} is not 'YYYY-MM-DD HH:MM:SS.mmm'")


def parse_epoch_ms(value: object) -> datetime | None:
    """The list API's epoch-millisecond integers as aware UTC datetimes."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ResponseFormatError(f"epoch-ms time {value!r} is not an integer")
    return datetime.fromtimestamp(value / 1000, UTC)


def _obj(body: object, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ResponseFormatError(f"{what} is not a JSON object")
    return cast(Mapping[str, Any], body)


def _str(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ResponseFormatError(f"{what}.{key} is missing or not a string")
    return value


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _status(value: object) -> TaskStatus:
    if value not in TASK_STATUSES:
        raise ResponseFormatError(f"task_status {value!r} is not one of {', '.join(TASK_STATUSES)}")
    return value


@dataclass(frozen=True, slots=True)
class TaskMetrics:
    """Image tasks' `task_metrics`: how many results were asked for, made, and moderated out."""

    total: int
    succeeded: int
    failed: int

    @classmethod
    def parse(cls, data: object) -> TaskMetrics | None:
        """From `{"TOTAL", "SUCCEEDED", "FAILED"}`; None when absent."""
        if data is None:
            return None
        d = _obj(data, "task_metrics")
        try:
            return cls(int(d["TOTAL"]), int(d["SUCCEEDED"]), int(d["FAILED"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ResponseFormatError(f"task_metrics {d!r} is malformed") from exc


@dataclass(frozen=True, slots=True)
class ResultItem:
    """One result of a task: a URL (or template id), or a per-item failure (output moderation)."""

    value: str | None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether this result was produced."""
        return self.value is not None


def extract_results(output: Mapping[str, Any], path: str) -> list[ResultItem]:
    """Walk `path` (x-dashscope-model.output.field; `[]` fans out) through `output`."""
    found: list[ResultItem] = []
    segs = path.split(".")

    def walk(node: Any, i: int) -> None:
        if i == len(segs):
            if isinstance(node, str):
                found.append(ResultItem(node))
            return
        key = segs[i].removesuffix("[]")
        if not isinstance(node, Mapping):
            return
        if key not in node:
            # a moderated item of a partly successful task carries code/message instead (docs/behaviour.md §1.6)
            if isinstance(node.get("code"), str) and i > 0:
                found.append(ResultItem(None, node["code"], _opt_str(node, "message")))
            return
        child = node[key]
        if segs[i].endswith("[]"):
            for item in child if isinstance(child, list) else []:
                if isinstance(item, Mapping) and i + 1 == len(segs) and "code" in item:
                    found.append(ResultItem(None, str(item["code"]), _opt_str(item, "message")))
                else:
                    walk(item, i + 1)
        else:
            walk(child, i + 1)

    walk(output, 0)
    return found


# spec property -> attribute; test_client_spec checks it against TaskOutput* in the spec
TASK_WIRE_FIELDS: dict[str, str] = {
    "task_id": "task_id", "task_status": "status", "submit_time": "submit_time",
    "scheduled_time": "scheduled_time", "end_time": "end_time", "code": "code", "message": "message",
    "task_metrics": "task_metrics", "results": "results",
}


@dataclass(frozen=True, slots=True)
class Task:
    """A task query answer. `results` are read at the model's `output.field` (every known field if unknown)."""

    task_id: str
    status: TaskStatus
    request_id: str | None
    submit_time: datetime | None = None
    scheduled_time: datetime | None = None
    end_time: datetime | None = None
    code: str | None = None
    message: str | None = None
    task_metrics: TaskMetrics | None = None
    results: tuple[ResultItem, ...] = ()
    usage: Mapping[str, Any] = field(default_factory=dict)
    output: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None

    @property
    def is_terminal(self) -> bool:
        """SUCCEEDED, FAILED, CANCELED or UNKNOWN: polling it again changes nothing (until expiry)."""
        return self.status in TERMINAL

    @property
    def urls(self) -> list[str]:
        """The URLs of the produced results (empty unless SUCCEEDED)."""
        return [r.value for r in self.results if r.value is not None and r.value.startswith(("http", "oss://"))]

    @classmethod
    def parse(cls, body: object, model: str | None = None) -> Task:
        """Parse `{request_id, output, usage?}`; raise ResponseFormatError when the shape is wrong."""
        data = _obj(body, "task query body")
        out = _obj(data.get("output"), "output")
        status = _status(out.get("task_status"))
        results: list[ResultItem] = []
        if status == "SUCCEEDED":
            info = MODELS.get(model) if model else None
            paths = [info.output_field] if info else [f for f in OUTPUT_FIELDS if f != "output"]
            for path in paths:
                results = extract_results(out, path)
                if results:
                    break
        usage = data.get("usage")
        return cls(
            task_id=_str(out, "task_id", "output"),
            status=status,
            request_id=_opt_str(data, "request_id"),
            submit_time=parse_cst(out.get("submit_time")),
            scheduled_time=parse_cst(out.get("scheduled_time")),
            end_time=parse_cst(out.get("end_time")),
            code=_opt_str(out, "code"),
            message=_opt_str(out, "message"),
            task_metrics=TaskMetrics.parse(out.get("task_metrics")),
            results=tuple(results),
            usage=dict(usage) if isinstance(usage, Mapping) else {},
            output=dict(out),
            model=model,
        )


@dataclass(frozen=True, slots=True)
class CreateResult:
    """The answer to an async create: the new task's id, PENDING."""

    request_id: str
    task_id: str
    status: TaskStatus
    model: str

    @classmethod
    def parse(cls, body: object, model: str) -> CreateResult:
        """Parse `{request_id, output: {task_id, task_status}}`."""
        data = _obj(body, "create body")
        out = _obj(data.get("output"), "output")
        return cls(_str(data, "request_id", "body"), _str(out, "task_id", "output"),
                   _status(out.get("task_status")), model)


@dataclass(frozen=True, slots=True)
class DetectResult:
    """The answer of a synchronous (detect) model: its output and usage, no task."""

    request_id: str
    model: str
    output: Mapping[str, Any]
    usage: Mapping[str, Any]

    @classmethod
    def parse(cls, body: object, model: str) -> DetectResult:
        """Parse `{request_id, output, usage?}`."""
        data = _obj(body, "detect body")
        usage = data.get("usage")
        return cls(_str(data, "request_id", "body"), model, dict(_obj(data.get("output"), "output")),
                   dict(usage) if isinstance(usage, Mapping) else {})


@dataclass(frozen=True, slots=True)
class TaskListItem:
    """One row of the task list (times are epoch ms on the wire, aware UTC datetimes here)."""

    task_id: str
    status: TaskStatus
    model_name: str
    region: str
    api_key_id: str
    request_id: str
    user_api_unique_key: str
    gmt_create: datetime
    start_time: datetime | None = None
    end_time: datetime | None = None
    caller_parent_id: str | None = None
    caller_uid: str | None = None

    @classmethod
    def parse(cls, item: object) -> TaskListItem:
        """Parse one `data[]` row."""
        d = _obj(item, "list item")
        created = parse_epoch_ms(d.get("gmt_create"))
        if created is None:
            raise ResponseFormatError("list item has no gmt_create")
        return cls(
            task_id=_str(d, "task_id", "item"), status=_status(d.get("status")),
            model_name=_str(d, "model_name", "item"), region=_str(d, "region", "item"),
            api_key_id=str(d.get("api_key_id", "")), request_id=_str(d, "request_id", "item"),
            user_api_unique_key=_str(d, "user_api_unique_key", "item"), gmt_create=created,
            start_time=parse_epoch_ms(d.get("start_time")), end_time=parse_epoch_ms(d.get("end_time")),
            caller_parent_id=_opt_str(d, "caller_parent_id"), caller_uid=_opt_str(d, "caller_uid"),
        )


@dataclass(frozen=True, slots=True)
class TaskList:
    """One page of `GET /api/v1/tasks`."""

    request_id: str
    total: int
    total_page: int
    page_no: int
    page_size: int
    data: tuple[TaskListItem, ...]

    def __iter__(self) -> Iterator[TaskListItem]:
        return iter(self.data)

    @classmethod
    def parse(cls, body: object) -> TaskList:
        """Parse `{total, data, total_page, page_no, request_id, page_size}` (`data`, else the SDK-v2 `tasks`)."""
        d = _obj(body, "list body")
        rows = d.get("data", d.get("tasks"))
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            raise ResponseFormatError("list body has no data array")
        try:
            return cls(_str(d, "request_id", "body"), int(d["total"]), int(d["total_page"]), int(d["page_no"]),
                       int(d["page_size"]), tuple(TaskListItem.parse(r) for r in rows))
        except (KeyError, TypeError, ValueError) as exc:
            raise ResponseFormatError(f"list body is malformed: {exc}") from exc


@dataclass(frozen=True, slots=True)
class UploadPolicy:
    """The OSS PostObject policy of `GET /api/v1/uploads?action=getPolicy` (the wrapper key is `data`)."""

    request_id: str
    policy: str
    signature: str
    upload_dir: str
    upload_host: str
    expire_in_seconds: int
    max_file_size_mb: int
    capacity_limit_mb: int
    oss_access_key_id: str
    x_oss_object_acl: str
    x_oss_forbid_overwrite: str

    def __repr__(self) -> str:
        # the signature and policy are credentials for the upload host: keep them out of logs
        return f"UploadPolicy(upload_host={self.upload_host!r}, upload_dir={self.upload_dir!r}, signature='***')"

    @classmethod
    def parse(cls, body: object) -> UploadPolicy:
        """Parse `{request_id, data: {...}}`."""
        d = _obj(body, "upload policy body")
        p = _obj(d.get("data"), "data")
        try:
            return cls(
                request_id=_str(d, "request_id", "body"), policy=_str(p, "policy", "data"),
                signature=_str(p, "signature", "data"), upload_dir=_str(p, "upload_dir", "data").rstrip("/"),
                upload_host=_str(p, "upload_host", "data"), expire_in_seconds=int(p["expire_in_seconds"]),
                max_file_size_mb=int(p["max_file_size_mb"]), capacity_limit_mb=int(p["capacity_limit_mb"]),
                oss_access_key_id=_str(p, "oss_access_key_id", "data"),
                x_oss_object_acl=str(p["x_oss_object_acl"]), x_oss_forbid_overwrite=str(p["x_oss_forbid_overwrite"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ResponseFormatError(f"upload policy is malformed: {exc}") from exc
