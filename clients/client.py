"""The synchronous client (httpx.Client). `AsyncClient` in `aclient.py` has the same surface."""

from __future__ import annotations

import builtins
import random
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from . import _core
from ._core import Call, Core
from ._generated import MODELS, TaskStatus
from ._generated_models import SyncModels
from .config import ClientConfig
from .errors import ConfigError, DashScopeError, ResponseError, UploadError, WaitTimeoutError
from .responses import CreateResult, DetectResult, Task, TaskList, TaskListItem, UploadPolicy

Progress = Callable[[Task], None]
DownloadProgress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)
_DEFAULT: Any = object()


class Client:
    """DashScope's async task API: create, get, wait, cancel, list, upload, download.

    `Client()` reads DASHSCOPE_API_KEY / DASHSCOPE_BASE_URL / DASHSCOPE_HTTP_BASE_URL / DASHSCOPE_WORKSPACE.
    Inject `http_client=` or `transport=` (tests use `mockserver.testing.MockTransport`), and `sleep=` /
    `clock=` to drive waits and retries on a virtual clock.
    """

    def __init__(self, api_key: str | None = None, base_url: str | None = None, workspace: str | None = None,
                 *, region: str | None = None, config: ClientConfig | None = None,
                 http_client: httpx.Client | None = None, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.config = config or ClientConfig.resolve(api_key, base_url, workspace, region=region)
        self._core = Core(self.config, rng)
        self._own_http = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self.config.timeout)
        self._sleep = sleep
        self._clock = clock
        self.models = SyncModels(self)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this client made it."""
        if self._own_http:
            self._http.close()

    # ---- transport --------------------------------------------------------------------------------

    def _send(self, call: Call, *, retries: int | None = None, stream: bool = False) -> httpx.Response:
        """Send `call`, retrying only what is safe (Core decides), honouring Retry-After."""
        budget = self.config.retry.max_retries if retries is None else retries
        attempt = 0
        while True:
            sent_at = datetime.now(UTC).timestamp()
            try:
                response = self._http.send(call.request(self._http, self.config.timeout), stream=stream)
            except httpx.TransportError as exc:
                if attempt < budget and self._core.retryable_exception(call, exc):
                    self._sleep(self._core.retry_delay(attempt, None))
                    attempt += 1
                    continue
                raise self._core.transport_error(call, exc, sent_at) from exc
            if attempt < budget and self._core.retryable_status(call, response.status_code):
                after = _core.retry_after(response)
                if after is None or after <= self.config.retry.max_retry_after:
                    response.close()
                    self._sleep(self._core.retry_delay(attempt, after))
                    attempt += 1
                    continue
            return response

    def _json(self, call: Call, *, retries: int | None = None) -> Any:
        response = self._send(call, retries=retries)
        return self._core.json(response)

    # ---- create -----------------------------------------------------------------------------------

    def _prepare(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None,
                 validate: bool | None) -> dict[str, Any]:
        body = self._core.body(model, input, parameters, validate)
        files = _core.local_files(body)
        missing = [str(p) for p in files if not p.is_file()]
        if missing:  # before any request: a create with a missing file must not half-happen
            raise UploadError(f"not a file: {', '.join(missing)}")
        if files:
            policy = self.get_upload_policy(model)
            taken: set[str] = set()
            urls = {p: self.upload(p, model, policy=policy, _taken=taken) for p in files}
            body = _core.replace_files(body, urls)
        return body

    def create(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None, *,
               headers: Mapping[str, str] | None = None, validate: bool | None = None,
               route: str | None = None) -> CreateResult:
        """Submit an async task. Local files (`file://...` or Path values) are uploaded first.

        Never retried: a create whose answer was lost raises CreateOutcomeUnknownError.
        """
        info = MODELS.get(model)
        if info is not None and not info.is_async:
            raise ConfigError(f"{model} answers synchronously: use detect()")
        body = self._prepare(model, input, parameters, validate)
        data = self._json(self._core.create_call(model, body, headers, route), retries=0)
        result: CreateResult = _core.parse_or_raise(CreateResult.parse, data, model)
        return result

    def detect(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None, *,
               headers: Mapping[str, str] | None = None, validate: bool | None = None) -> DetectResult:
        """Call a synchronous (detect) model; the answer comes at once."""
        body = self._prepare(model, input, parameters, validate)
        data = self._json(self._core.create_call(model, body, headers), retries=0)
        result: DetectResult = _core.parse_or_raise(DetectResult.parse, data, model)
        return result

    def run(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None, *,
            timeout: float | None = _DEFAULT, progress: Progress | None = None,
            headers: Mapping[str, str] | None = None) -> Task:
        """Create a task and wait for it: the SUCCEEDED task, or the exception for its outcome."""
        return self.wait(self.create(model, input, parameters, headers=headers), timeout=timeout,
                         progress=progress)

    # ---- tasks ------------------------------------------------------------------------------------

    def get(self, task: str | CreateResult | Task) -> Task:
        """Query a task once (retrying 429/5xx/transport failures)."""
        task_id, model = _core.target(task)
        data = self._json(self._core.get_call(task_id))
        parsed: Task = _core.parse_or_raise(Task.parse, data, model)
        return parsed

    def wait(self, task: str | CreateResult | Task, *, timeout: float | None = _DEFAULT,
             progress: Progress | None = None, raise_on_failure: bool = True) -> Task:
        """Poll until the task is terminal: jittered exponential backoff, Retry-After honoured, overall timeout.

        Returns the SUCCEEDED task. With `raise_on_failure` (the default) FAILED raises the family error
        of its code (status 200, `.task` set), CANCELED raises TaskCanceledError, UNKNOWN TaskUnknownError;
        without it the terminal task is returned. Never polls again after a terminal state.
        """
        task_id, model = _core.target(task)
        policy = self.config.wait
        limit = policy.timeout if timeout is _DEFAULT else timeout
        start = self._clock()
        attempt = 0
        errors = 0
        last: Task | None = None
        if isinstance(task, CreateResult):  # it was PENDING a moment ago: the first poll waits one interval
            self._sleep(policy.delay(0, self._core.rng))
            attempt = 1
        while True:
            try:
                current = self._poll(task_id, model)
            except DashScopeError as exc:
                if not _core.poll_error_retryable(exc) or errors >= policy.max_poll_errors:
                    raise
                errors += 1
                delay = max(policy.delay(attempt, self._core.rng), getattr(exc, "retry_after", None) or 0.0)
            else:
                errors = 0
                last = current
                if progress is not None:
                    progress(current)
                if current.is_terminal:
                    return _core.finish(current, raise_on_failure)
                delay = policy.delay(attempt, self._core.rng)
            attempt += 1
            if limit is not None:
                remaining = start + limit - self._clock()
                if delay > remaining:
                    if remaining > 0:
                        self._sleep(remaining)
                    raise WaitTimeoutError(task_id, limit, last)
            self._sleep(delay)

    def _poll(self, task_id: str, model: str | None) -> Task:
        data = self._json(self._core.get_call(task_id), retries=0)
        parsed: Task = _core.parse_or_raise(Task.parse, data, model)
        return parsed

    def cancel(self, task: str | CreateResult | Task) -> str:
        """Cancel a PENDING task; returns the request id (UnsupportedOperationError when not PENDING)."""
        task_id, _ = _core.target(task)
        data = self._json(self._core.cancel_call(task_id))
        return str(data.get("request_id", "")) if isinstance(data, Mapping) else ""

    def list_page(self, *, page_no: int = 1, page_size: int = 10, status: TaskStatus | None = None,
                  model_name: str | None = None, task_id: str | None = None,
                  start_time: datetime | str | None = None, end_time: datetime | str | None = None) -> TaskList:
        """One page of the account's tasks (the window defaults to the last 24 h and spans at most 24 h)."""
        call = self._core.list_call({
            "page_no": str(page_no), "page_size": str(page_size), "status": status, "model_name": model_name,
            "task_id": task_id, "start_time": _core.list_time(start_time), "end_time": _core.list_time(end_time),
        })
        page: TaskList = _core.parse_or_raise(TaskList.parse, self._json(call))
        return page

    # ---- files ------------------------------------------------------------------------------------

    def get_upload_policy(self, model: str) -> UploadPolicy:
        """The OSS upload policy for files bound to `model` (valid 48 h once uploaded)."""
        policy: UploadPolicy = _core.parse_or_raise(UploadPolicy.parse, self._json(self._core.policy_call(model)))
        return policy

    def upload(self, path: str | Path, model: str, *, policy: UploadPolicy | None = None,
               _taken: set[str] | None = None) -> str:
        """Upload a local file through the policy flow; returns its `oss://` URL (creates then send
        `X-DashScope-OssResourceResolve: enable`)."""
        file = _core.file_path(path) or Path(path)
        if not file.is_file():
            raise UploadError(f"{file} is not a file")
        policy = policy or self.get_upload_policy(model)
        key = _core.upload_key(policy, file, _taken if _taken is not None else set())
        response = self._send(self._core.upload_call(policy, file, key), retries=0)
        if response.status_code not in (200, 204):
            raise UploadError(f"upload of {file.name} refused: HTTP {response.status_code} {response.text[:300]}")
        return "oss://" + key

    def download(self, task: str | CreateResult | Task, dest: str | Path = ".", *,
                 progress: DownloadProgress | None = None) -> builtins.list[Path]:
        """Save every result file of a SUCCEEDED task (or one URL) under `dest`; returns the paths."""
        if isinstance(task, str) and task.startswith(("http://", "https://")):
            urls = [task]
        else:
            done = task if isinstance(task, Task) and task.status == "SUCCEEDED" else self.get(task)
            if done.status != "SUCCEEDED" or not done.urls:
                raise ResponseError(f"task {done.task_id} is {done.status} with no result URL", status=200)
            urls = done.urls
        folder = Path(dest)
        folder.mkdir(parents=True, exist_ok=True)
        return [self._download_one(u, folder / _core.download_name(u, i, len(urls)), progress)
                for i, u in enumerate(urls)]

    def _download_one(self, url: str, path: Path, progress: DownloadProgress | None) -> Path:
        response = self._send(self._core.download_call(url), stream=True)
        try:
            if response.status_code != 200:
                response.read()
                raise ResponseError(f"download of {path.name} failed: {response.text[:200]!r}",
                                    status=response.status_code)
            total = int(response.headers["content-length"]) if "content-length" in response.headers else None
            part = path.with_name(path.name + ".part")
            done = 0
            with part.open("wb") as fh:
                for chunk in response.iter_bytes():
                    fh.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(path.name, done, total)
            part.replace(path)
            return path
        finally:
            response.close()

    # `list` last: inside the class body, later annotations would otherwise see the method, not the type
    def list(self, *, page_size: int = 10, status: TaskStatus | None = None, model_name: str | None = None,
             task_id: str | None = None, start_time: datetime | str | None = None,
             end_time: datetime | str | None = None) -> Iterator[TaskListItem]:
        """Every matching task, page after page (each task once even if new tasks shift the pages)."""
        seen: set[str] = set()
        page_no = 1
        while True:
            page = self.list_page(page_no=page_no, page_size=page_size, status=status, model_name=model_name,
                                  task_id=task_id, start_time=start_time, end_time=end_time)
            for item in page.data:
                if item.task_id not in seen:
                    seen.add(item.task_id)
                    yield item
            if not page.data or page_no >= page.total_page:
                return
            page_no += 1
