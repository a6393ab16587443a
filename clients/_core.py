"""The I/O-free half of the clients: build requests, classify failures, parse answers.

The sync and async clients only send what this builds, sleep when it says, and parse with it, so the
two share one behaviour.
"""

from __future__ import annotations

import email.utils
import mimetypes
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import httpx

from ._generated import MODELS
from .config import ClientConfig
from .errors import (
    APIError,
    ConfigError,
    ConnectionFailedError,
    CreateOutcomeUnknownError,
    InternalServerError,
    RequestValidationError,
    ResponseError,
    TaskCanceledError,
    TaskUnknownError,
    ThrottlingError,
    UploadError,
    api_error,
)
from .responses import CST, CreateResult, ResponseFormatError, Task, UploadPolicy

Kind = Literal["read", "cancel", "create", "upload", "download"]

# httpx failures that happen before a byte of the request left: repeating them cannot duplicate anything
NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                                          httpx.UnsupportedProtocol)
AIGC = "services/aigc/"


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request to make, and what kind of request it is (which decides retries)."""

    kind: Kind
    method: str
    url: str
    headers: dict[str, str]
    params: dict[str, str] | None = None
    json: Any = None
    model: str | None = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = field(default=None, repr=False)

    def request(self, http: httpx.Client | httpx.AsyncClient, timeout: float) -> httpx.Request:
        """The httpx request for this call."""
        return http.build_request(self.method, self.url, headers=self.headers, params=self.params,
                                  json=self.json, data=self.data, files=self.files, timeout=timeout)


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` (seconds or an HTTP date) or `retry-after-ms`, in seconds; None when absent."""
    ms = response.headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def file_path(value: object) -> Path | None:
    """The local file a request value names for upload (`file://...` or a path object), else None."""
    if isinstance(value, os.PathLike):
        return Path(value)
    if isinstance(value, str) and value.startswith("file://"):
        parts = urlsplit(value)
        return Path(unquote(parts.netloc + parts.path)).expanduser()
    return None


def _contains_oss(node: Any) -> bool:
    if isinstance(node, str):
        return node.startswith("oss://")
    if isinstance(node, Mapping):
        return any(_contains_oss(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_contains_oss(v) for v in node)
    return False


def local_files(node: Any) -> list[Path]:
    """Every local file named in a request body, in order, once each."""
    found: list[Path] = []

    def walk(n: Any) -> None:
        path = file_path(n)
        if path is not None:
            if path not in found:
                found.append(path)
        elif isinstance(n, Mapping):
            for v in n.values():
                walk(v)
        elif isinstance(n, list | tuple):
            for v in n:
                walk(v)

    walk(node)
    return found


def replace_files(node: Any, urls: Mapping[Path, str]) -> Any:
    """A copy of `node` with local files swapped for their oss:// URLs."""
    path = file_path(node)
    if path is not None:
        return urls[path]
    if isinstance(node, Mapping):
        return {k: replace_files(v, urls) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [replace_files(v, urls) for v in node]
    return node


def list_time(value: datetime | str | None) -> str | None:
    """The list API's `YYYYMMDDhhmmss` (UTC+8) for a datetime (naive = UTC+8) or a ready string."""
    if value is None or isinstance(value, str):
        return value
    moment = value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)
    return moment.strftime("%Y%m%d%H%M%S")


class Core:
    """Requests, retry decisions and error mapping for one configuration."""

    def __init__(self, config: ClientConfig, rng: random.Random | None = None) -> None:
        self.config = config
        self.rng = rng or random.Random()

    # ---- building --------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """An absolute URL below the base (`tasks/...`, `services/aigc/...`, `uploads`)."""
        return f"{self.config.base_url}/{path.lstrip('/')}"

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Headers of an API call: auth, JSON, workspace, then the caller's."""
        out = {
            "Authorization": f"Bearer {self.config.api_key}",
            "Accept": "application/json",
            "User-Agent": self.config.user_agent,
        }
        if self.config.workspace:
            out["X-DashScope-WorkSpace"] = self.config.workspace
        out.update(extra or {})
        return out

    def body(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None,
             validate: bool | None) -> dict[str, Any]:
        """The create body `{model, input, parameters?}`, checked against the spec when asked."""
        body: dict[str, Any] = {"model": model, "input": dict(input)}
        if parameters is not None:
            body["parameters"] = dict(parameters)
        if validate if validate is not None else self.config.validate:
            self.validate(model, body)
        return body

    @staticmethod
    def validate(model: str, body: Mapping[str, Any]) -> None:
        """Raise RequestValidationError when `body` breaks the model's request schema (jsonschema)."""
        from jsonschema.exceptions import best_match

        from mockserver.spec.document import load_spec

        info = MODELS.get(model)
        if info is None:
            raise RequestValidationError(model, ["the spec does not name this model"])
        probe = replace_files(body, {p: "oss://local/" + p.name for p in local_files(body)})
        errors = list(load_spec().validator(info.schema).iter_errors(probe))
        if errors:
            first = best_match(errors)
            rest = [e.message for e in errors if e is not first]
            where = ".".join(str(p) for p in first.absolute_path)
            raise RequestValidationError(model, [f"{first.message}" + (f" at {where}" if where else ""), *rest])

    def create_call(self, model: str, body: Mapping[str, Any], headers: Mapping[str, str] | None,
                    route: str | None = None) -> Call:
        """POST the create to the model's route, async header on async models, OSS header when needed."""
        info = MODELS.get(model)
        path = route or (info.route if info else None)
        if path is None:
            raise ConfigError(f"model {model!r} is not in the spec: pass route=, e.g. video-generation/video-synthesis")
        extra: dict[str, str] = {}
        if info is None or info.is_async:
            extra["X-DashScope-Async"] = "enable"
        if _contains_oss(body):
            # raw HTTP must ask for oss:// resolution (docs/behaviour.md §4.2)
            extra["X-DashScope-OssResourceResolve"] = "enable"
        extra.update(headers or {})
        return Call("create", "POST", self.url(AIGC + path.strip("/")), self.headers(extra), json=dict(body),
                    model=model)

    def get_call(self, task_id: str) -> Call:
        """GET /tasks/{id}."""
        return Call("read", "GET", self.url(f"tasks/{task_id}"), self.headers())

    def cancel_call(self, task_id: str) -> Call:
        """POST /tasks/{id}/cancel with no body (as the sync SDK sends it)."""
        return Call("cancel", "POST", self.url(f"tasks/{task_id}/cancel"), self.headers())

    def list_call(self, params: Mapping[str, str | None]) -> Call:
        """GET /tasks with the filters that are set."""
        clean = {k: str(v) for k, v in params.items() if v is not None}
        return Call("read", "GET", self.url("tasks"), self.headers(), params=clean)

    def policy_call(self, model: str) -> Call:
        """GET /uploads?action=getPolicy&model=..."""
        return Call("read", "GET", self.url("uploads"), self.headers(),
                    params={"action": "getPolicy", "model": model})

    def upload_call(self, policy: UploadPolicy, path: Path, key: str) -> Call:
        """The OSS PostObject: policy fields, then the file last; no Authorization (it is not our API)."""
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise UploadError(f"cannot read {path}: {exc}") from exc
        if len(content) > policy.max_file_size_mb * 1024 * 1024:
            raise UploadError(f"{path} is {len(content)} bytes; the policy allows {policy.max_file_size_mb} MB")
        data = {
            "OSSAccessKeyId": policy.oss_access_key_id, "Signature": policy.signature, "policy": policy.policy,
            "key": key, "x-oss-object-acl": policy.x_oss_object_acl,
            "x-oss-forbid-overwrite": policy.x_oss_forbid_overwrite, "success_action_status": "200",
            "x-oss-content-type": mime,
        }
        headers = {"Accept": "application/json", "User-Agent": self.config.user_agent,
                   "Date": email.utils.formatdate(usegmt=True)}
        return Call("upload", "POST", policy.upload_host, headers, data=data,
                    files={"file": (path.name, content, mime)})

    def download_call(self, url: str) -> Call:
        """GET a signed result URL: no Authorization (the signature is the credential)."""
        return Call("download", "GET", url, {"User-Agent": self.config.user_agent})

    # ---- deciding --------------------------------------------------------------------------------

    @staticmethod
    def retryable_status(call: Call, status: int) -> bool:
        """Whether an answer with `status` may be retried: 429/5xx on reads; 429 on cancel; never a create."""
        if call.kind in ("read", "download"):
            return status == 429 or status >= 500
        if call.kind == "cancel":
            return status == 429  # throttled at the gate: the cancel was not applied
        return False

    @staticmethod
    def retryable_exception(call: Call, exc: Exception) -> bool:
        """Whether a transport failure may be retried: any on reads; only not-sent on cancel; never a create."""
        if not isinstance(exc, httpx.TransportError):
            return False
        if call.kind in ("read", "download"):
            return True
        return call.kind == "cancel" and isinstance(exc, NOT_SENT)

    def retry_delay(self, attempt: int, after: float | None) -> float:
        """The sleep before retry `attempt`: jittered exponential backoff, at least Retry-After."""
        return self.config.retry.delay(attempt, after, self.rng)

    @staticmethod
    def transport_error(call: Call, exc: Exception, sent_at: float) -> Exception:
        """The client error for a transport failure we will not (or no longer) retry."""
        if call.kind == "create" and not isinstance(exc, NOT_SENT):
            return CreateOutcomeUnknownError(call.model or "?", sent_at, exc)
        what = "was not sent" if isinstance(exc, NOT_SENT) else "got no answer"
        note = " (it may have been applied)" if call.kind == "cancel" and not isinstance(exc, NOT_SENT) else ""
        return ConnectionFailedError(f"{call.method} {_safe_url(call.url)} {what}{note}: {type(exc).__name__}: {exc}")

    # ---- parsing ---------------------------------------------------------------------------------

    @staticmethod
    def error(response: httpx.Response) -> APIError | ResponseError:
        """The exception for a non-2xx answer (or a 200 with a top-level code): the family of its code."""
        request_id = response.headers.get("x-request-id")
        try:
            body = response.json()
        except ValueError:
            body = None
        after = retry_after(response)
        if isinstance(body, Mapping) and isinstance(body.get("code"), str) and body["code"]:
            rid = body.get("request_id") if isinstance(body.get("request_id"), str) else request_id
            message = body.get("message") if isinstance(body.get("message"), str) else ""
            return api_error(body["code"], str(message), status=response.status_code, request_id=rid,
                             retry_after=after)
        if response.status_code == 429:
            return api_error("Throttling", "Too many requests.", status=429, request_id=request_id,
                             retry_after=after)
        if response.status_code >= 500:
            return api_error("InternalError", f"HTTP {response.status_code} with no error envelope",
                             status=response.status_code, request_id=request_id, retry_after=after)
        return ResponseError(f"unexpected answer: {response.text[:200]!r}", status=response.status_code,
                             request_id=request_id)

    def json(self, response: httpx.Response) -> Any:
        """The JSON of a successful API answer, or the mapped exception."""
        if response.status_code >= 300:
            raise self.error(response)
        try:
            body = response.json()
        except ValueError as exc:
            raise ResponseError("the answer is not JSON", status=response.status_code) from exc
        if isinstance(body, Mapping) and body.get("code"):  # HTTP 200 with an error code is still an error
            raise self.error(response)
        return body


def parse_or_raise(parse: Any, *args: Any) -> Any:
    """Run a response parser; a shape error becomes ResponseError."""
    try:
        return parse(*args)
    except ResponseFormatError as exc:
        raise ResponseError(str(exc), status=200) from exc


def _safe_url(url: str) -> str:
    """The URL without its query (signed URLs carry credentials there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def upload_key(policy: UploadPolicy, path: Path, taken: set[str]) -> str:
    """`<upload_dir>/<file name>`, made unique within one policy (two files may share a name)."""
    stem, suffix = path.stem, path.suffix
    key = f"{policy.upload_dir}/{path.name}"
    n = 1
    while key in taken:
        key = f"{policy.upload_dir}/{stem}-{n}{suffix}"
        n += 1
    taken.add(key)
    return key


def download_name(url: str, index: int, count: int) -> str:
    """A file name for a result URL: its path's last segment, else `result-<n>`."""
    name = Path(unquote(urlsplit(url).path)).name
    if name:
        return name
    return f"result-{index + 1}" if count > 1 else "result"


def target(task: str | CreateResult | Task) -> tuple[str, str | None]:
    """(task id, model if known) of whatever the caller holds."""
    if isinstance(task, str):
        return task, None
    return task.task_id, task.model


def finish(task: Task, raise_on_failure: bool) -> Task:
    """What `wait` hands back for a terminal task: the task, or the exception for its outcome."""
    if not raise_on_failure or task.status == "SUCCEEDED":
        return task
    if task.status == "FAILED":
        raise api_error(task.code or "InternalError", task.message or "", status=200,
                        request_id=task.request_id, task=task)
    if task.status == "CANCELED":
        raise TaskCanceledError(task)
    raise TaskUnknownError(task)


def poll_error_retryable(exc: Exception) -> bool:
    """Whether `wait` may poll again after this failed poll: throttling, 5xx and transport failures."""
    if isinstance(exc, ThrottlingError | InternalServerError | ConnectionFailedError):
        return True
    return isinstance(exc, APIError | ResponseError) and exc.status >= 500
