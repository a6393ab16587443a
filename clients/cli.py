"""`dashscope-mock task create|get|wait|cancel|list|download`: the reference client for people.

Works against the mock or the real API: `--base-url`/`--api-key`/`--workspace`, or DASHSCOPE_BASE_URL
(DASHSCOPE_HTTP_BASE_URL), DASHSCOPE_API_KEY and DASHSCOPE_WORKSPACE. Each command prints `key: value` lines for
people (`create` only the task id, for `TID=$(...)`), or with `--json` exactly one JSON document on stdout;
progress and errors always go to stderr, never wrapped. Times shown to people are in UTC+8, the zone the service
documents and answers in, and say so; `--json` passes the service's values through.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from ._generated import MODELS, TASK_STATUSES
from .client import Client
from .errors import APIError, ConfigError, DashScopeError, TaskCanceledError, TaskUnknownError
from .responses import Task, TaskListItem

task_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                       help="Create, wait for and download DashScope tasks (mock or real API).")
ClientFactory = Callable[[], Client]
_err = Console(stderr=True, soft_wrap=True)  # an error is one line a terminal may wrap, not cut at 80 columns
ZONE = timezone(timedelta(hours=8))  # the service's documented zone: every time shown to people is in it
ZONE_LABEL = "UTC+8"
JsonFlag = Annotated[bool, typer.Option("--json", help="Print exactly one JSON document on stdout.")]


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _print(value: Any, as_json: bool) -> None:
    """The command's one answer on stdout: a JSON document, or `key: value` lines (one item per line for lists)."""
    data = _jsonable(value)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif isinstance(data, Mapping):
        for key, item in data.items():
            shown = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
            if str(key).endswith("_time") and isinstance(item, str):  # the service's times carry no zone
                shown = f"{item} ({ZONE_LABEL})"
            typer.echo(f"{key}: {shown}")
    elif isinstance(data, list):
        for item in data:
            typer.echo(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
    else:
        typer.echo(str(data))


def _client(ctx: typer.Context) -> Client:
    factory: ClientFactory = ctx.obj
    try:
        return factory()
    except ConfigError as exc:  # no key or an unusable base URL: a usage error, not a traceback
        raise typer.BadParameter(f"{exc} (or --api-key / --base-url)") from exc


def _json_arg(text: str | None, what: str) -> dict[str, Any]:
    """A JSON object given inline or as @file."""
    if not text:
        return {}
    raw = Path(text[1:]).read_text(encoding="utf-8") if text.startswith("@") else text
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"{what} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise typer.BadParameter(f"{what} must be a JSON object")
    return value


def _pairs(items: list[str] | None, what: str) -> dict[str, Any]:
    """`key=value` pairs; values parse as JSON when they can (`n=2`, `watermark=false`), else strings."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{what} {item!r} is not key=value")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


@task_app.callback()
def main(
    ctx: typer.Context,
    base_url: Annotated[str | None, typer.Option(help="API base, e.g. http://127.0.0.1:8089/api/v1.",
                                                 envvar=["DASHSCOPE_BASE_URL", "DASHSCOPE_HTTP_BASE_URL"])] = None,
    api_key: Annotated[str | None, typer.Option(help="API key.", envvar="DASHSCOPE_API_KEY",
                                                show_default=False)] = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace id.", envvar="DASHSCOPE_WORKSPACE")] = None,
    region: Annotated[str | None, typer.Option(help="cn-beijing or ap-southeast-1 (when no base URL).")] = None,
) -> None:
    """Talk to the API named by the options or the DASHSCOPE_* environment."""
    if ctx.obj is None:  # tests hand in a factory bound to an in-process mock
        ctx.obj = lambda: Client(api_key, base_url, workspace, region=region)


def _fail(exc: DashScopeError) -> typer.Exit:
    _err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2 if not isinstance(exc, APIError) else 1)


@task_app.command()
def create(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="Model id, e.g. wan2.2-t2v-plus.")],
    prompt: Annotated[str | None, typer.Option(help="Shortcut for input.prompt.")] = None,
    input: Annotated[str | None, typer.Option("--input", help="input as JSON (or @file.json).")] = None,
    parameters: Annotated[str | None, typer.Option(help="parameters as JSON (or @file.json).")] = None,
    set_input: Annotated[list[str] | None, typer.Option("--in", help="input key=value (repeatable); "
                                                        "file:///path values are uploaded.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="parameters key=value (repeatable).")] = None,
    scenario: Annotated[str | None, typer.Option(help="X-Mock-Scenario (mock only), e.g. pending*2,succeeded.")] = None,
    route: Annotated[str | None, typer.Option(help="Create route below /api/v1/services/aigc/, for a model the "
                                                   "client's spec lacks, e.g. video-generation/video-synthesis.")
                     ] = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the task and show progress.")] = False,
    validate: Annotated[bool, typer.Option("--validate/--no-validate",
                                           help="Check the body against the model's schema first.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Submit a task and print only its id (TID=$(dashscope-mock task create ...)); --json: the whole answer;
    --wait: progress on stderr, then the finished task."""
    if route is None and model not in MODELS:
        raise typer.BadParameter(f"model {model!r} is not in the spec this client knows: give its create route "
                                 "with --route, e.g. --route video-generation/video-synthesis "
                                 "(`dashscope-mock models` lists each model's route)")
    inp = {**_json_arg(input, "--input"), **_pairs(set_input, "--in")}
    if prompt is not None:
        inp["prompt"] = prompt
    params = {**_json_arg(parameters, "--parameters"), **_pairs(param, "--param")}
    headers = {"X-Mock-Scenario": scenario} if scenario else None
    with _client(ctx) as client:
        try:
            created = client.create(model, inp, params or None, headers=headers, validate=validate, route=route)
        except DashScopeError as exc:
            raise _fail(exc) from exc
        if not wait:
            if as_json:
                _print(created, True)
            else:
                typer.echo(created.task_id)
            return
        _err.print(f"created {created.task_id} (request {created.request_id})")
        _wait(client, created.task_id, None, model, as_json)


def _status_table(task: Task | None, task_id: str, started: float, polls: int) -> Table:
    table = Table.grid(padding=(0, 2))
    status = task.status if task else "…"
    colour = {"SUCCEEDED": "green", "FAILED": "red", "CANCELED": "yellow", "UNKNOWN": "magenta"}.get(status, "cyan")
    table.add_row("task", task_id)
    table.add_row("status", f"[{colour}]{status}[/{colour}]")
    table.add_row("elapsed", f"{time.monotonic() - started:5.1f} s, {polls} poll(s)")
    if task and task.task_metrics:
        m = task.task_metrics
        table.add_row("results", f"{m.succeeded}/{m.total} ok, {m.failed} failed")
    return table


def _finished(task: Task) -> dict[str, Any]:
    return {"task_id": task.task_id, "status": task.status, "urls": task.urls, "usage": task.usage,
            "request_id": task.request_id}


def _wait(client: Client, task_id: str, timeout: float | None, model: str | None, as_json: bool) -> None:
    started = time.monotonic()
    seen: list[Task] = []
    with Live(_status_table(None, task_id, started, 0), console=_err, transient=False,
              refresh_per_second=8) as live:

        def progress(task: Task) -> None:
            seen.append(task)
            live.update(_status_table(task, task_id, started, len(seen)))

        try:
            task = client.wait(Task(task_id, "PENDING", None, model=model), timeout=timeout, progress=progress)
        except (APIError, TaskCanceledError, TaskUnknownError) as exc:
            last = getattr(exc, "task", None)
            if last is not None:
                _print({**_finished(last), "code": last.code, "message": last.message}, as_json)
            raise _fail(exc) from exc
        except DashScopeError as exc:
            raise _fail(exc) from exc
    _print(_finished(task), as_json)


@task_app.command()
def get(ctx: typer.Context, task_id: Annotated[str, typer.Argument(help="Task id.")],
        as_json: JsonFlag = False) -> None:
    """Query a task once and print it."""
    with _client(ctx) as client:
        try:
            task = client.get(task_id)
        except DashScopeError as exc:
            raise _fail(exc) from exc
        body = {"request_id": task.request_id, "output": task.output, "usage": task.usage}
        _print(body if as_json else {**task.output, "usage": task.usage, "request_id": task.request_id}, as_json)


@task_app.command("wait")
def wait_cmd(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="Task id.")],
    timeout: Annotated[float | None, typer.Option(help="Give up after this many seconds.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Wait for a task with a live status display; exit 0 only when it SUCCEEDED."""
    with _client(ctx) as client:
        _wait(client, task_id, timeout, None, as_json)


@task_app.command()
def cancel(ctx: typer.Context, task_id: Annotated[str, typer.Argument(help="Task id.")],
           as_json: JsonFlag = False) -> None:
    """Cancel a PENDING task."""
    with _client(ctx) as client:
        try:
            request_id = client.cancel(task_id)
        except DashScopeError as exc:
            raise _fail(exc) from exc
        _print({"task_id": task_id, "canceled": True, "request_id": request_id}, as_json)


@task_app.command("list")
def list_cmd(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED.")] = None,
    model: Annotated[str | None, typer.Option(help="Only this model.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many tasks.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """List the account's tasks of the last 24 h, newest first (ids in full, whatever the terminal width)."""
    if status is not None and status not in TASK_STATUSES:
        raise typer.BadParameter(f"--status must be one of {', '.join(TASK_STATUSES)}")
    items: list[TaskListItem] = []
    with _client(ctx) as client:
        try:
            for item in client.list(status=status, model_name=model):
                if len(items) >= limit:
                    break
                items.append(item)
        except DashScopeError as exc:
            raise _fail(exc) from exc
    if as_json:
        _print(items, True)
        return
    rows = [("task_id", "model", "status", f"created ({ZONE_LABEL})")]
    rows += [(i.task_id, i.model_name, i.status, i.gmt_create.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S"))
             for i in items]
    widths = [max(len(row[c]) for row in rows) for c in range(3)]
    for row in rows:  # plain columns, never cut: a long line wraps in the terminal instead of losing the id
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3])


@task_app.command()
def download(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="Task id (or a result URL).")],
    dest: Annotated[Path, typer.Option(help="Folder to save into (created if missing); each file keeps the "
                                            "result's own name.", show_default="the current folder")] = Path("."),
    as_json: JsonFlag = False,
) -> None:
    """Save a SUCCEEDED task's result files, with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with _client(ctx) as client, Progress(*columns, console=_err) as bars:
        ids: dict[str, Any] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in ids:
                ids[name] = bars.add_task(name, total=total)
            bars.update(ids[name], completed=done, total=total)

        try:
            paths = client.download(task_id, dest, progress=progress)
        except DashScopeError as exc:
            raise _fail(exc) from exc
    _print([str(p) for p in paths], as_json)
