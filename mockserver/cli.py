"""The `dashscope-mock` command: `serve`, plus the client commands under `task`.

Every `serve` option can also come from a `DASHSCOPE_MOCK_<OPTION>` environment variable (the flag wins). A bad
value or a missing file is one line on stderr and exit 2; a port that cannot be bound is one line and exit 1.
The banner is printed only once the socket is bound.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

try:  # typer >= 0.2x vendors its own click, older releases use click itself
    from typer._click import exceptions as cx  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover
    from click import exceptions as cx  # type: ignore[no-redef,unused-ignore]

from .models_command import HELP as MODELS_HELP
from .models_command import list_models, models_option
from .serve_options import (
    bind,
    check_keys,
    check_public_url,
    check_scale,
    check_secret_file,
    check_store,
    public_host,
    read_secret,
    scenario_entries,
)
from .settings import Settings
from .token_file import TokenFile, write_token_file

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,  # plain help: no <bool> on flags
                  help="An offline twin of DashScope's AIGC API.")
ENV = "DASHSCOPE_MOCK_"


class Profile(StrEnum):
    """The `--profile` choices."""

    dev = "dev"
    faithful = "faithful"


class Validation(StrEnum):
    """The `--validation` choices."""

    faithful = "faithful"
    strict = "strict"


def _print_version(value: bool) -> None:
    """`--version`: print the installed distribution's version and stop."""
    if value:
        from importlib.metadata import version

        typer.echo(f"dashscope-mock {version('dashscope-mock')}")
        raise typer.Exit()


@app.callback()
def _group(
    _version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                           help="Print the version and exit.")] = False,
) -> None:
    """An offline twin of DashScope's asynchronous AIGC API (keeps `serve` a subcommand)."""


def _token_note(given: bool, token: str, port: int, data_dir: Path | None) -> tuple[str, TokenFile | None]:
    """Where to read the admin token: the caller's own value, or a private file (never the token in the log,
    since start-up banners end up in CI logs); GET /__mock/token answers it on loopback too."""
    if given:
        return "X-Mock-Admin-Token: the --admin-token value", None
    written = write_token_file(token, data_dir, port)  # O_EXCL|O_NOFOLLOW, 0600 (token_file.py)
    return f"X-Mock-Admin-Token: the token in {written.path}, or GET /__mock/token from this machine", written


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.", envvar=ENV + "HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).", envvar=ENV + "PORT",
                                      min=0, max=65535)] = 8089,
    profile: Annotated[Profile, typer.Option(
        help="dev (fast, strict) or faithful (documented behaviour).", envvar=ENV + "PROFILE")] = Profile.dev,
    validation: Annotated[Validation | None, typer.Option(
        help="faithful or strict (default: the profile's).", envvar=ENV + "VALIDATION")] = None,
    time_scale: Annotated[float, typer.Option(help="Virtual seconds per real second (> 0).",
                                              envvar=ENV + "TIME_SCALE", callback=check_scale)] = 1.0,
    seed: Annotated[int | None, typer.Option(help="Make ids, timings and URLs reproducible.",
                                             envvar=ENV + "SEED")] = None,
    keys: Annotated[Path | None, typer.Option(
        help="Keys file: keys -> accounts, regions, states.", envvar=ENV + "KEYS", exists=True, dir_okay=False,
        readable=True, callback=check_keys)] = None,
    store: Annotated[str, typer.Option(help="memory, sqlite:PATH, redis://HOST:PORT/DB, rediss://... (TLS) or "
                                            "unix:///PATH?db=N", envvar=ENV + "STORE",
                                       callback=check_store)] = "memory",
    admin_token: Annotated[str | None, typer.Option(help="Token for /__mock/* from non-loopback hosts.",
                                                    envvar=ENV + "ADMIN_TOKEN", show_default=False)] = None,
    limits: Annotated[bool | None, typer.Option(help="Concurrency lanes and rate limits (default: profile's).",
                                                envvar=ENV + "LIMITS")] = None,
    message_suffix: Annotated[bool, typer.Option(
        help="End error messages with ' For details, see: <doc-url>', as the service does since 2025.",
        envvar=ENV + "MESSAGE_SUFFIX")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Keep uploaded files here instead of in memory.",
                                                  envvar=ENV + "DATA_DIR", file_okay=False)] = None,
    public_url: Annotated[str | None, typer.Option(
        help="Root of result and upload URLs, e.g. http://mock.internal:8089 (default: the bound address, "
             "0.0.0.0 as 127.0.0.1).", envvar=ENV + "PUBLIC_URL", callback=check_public_url)] = None,
    scenarios: Annotated[Path | None, typer.Option(
        help="YAML/JSON list of scenarios to queue at start, each like a POST /__mock/scenarios body.",
        envvar=ENV + "SCENARIOS", exists=True, dir_okay=False, readable=True)] = None,
    quiet: Annotated[bool, typer.Option("--quiet/--no-quiet", "-q",
                                        help="No request log (one line per request on stderr).",
                                        envvar=ENV + "QUIET")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (more than 1 needs --store redis://...).",
                                         envvar=ENV + "WORKERS")] = 1,
    upload_cap_mb: Annotated[int, typer.Option(min=1, help="Uploaded files held at once, in MB (docs/stores.md).",
                                               envvar=ENV + "UPLOAD_CAP_MB")] = 8192,
    secret_file: Annotated[Path | None, typer.Option(
        help="File holding the secret URLs and uploads are signed from (replicas that share it agree even after "
             "Redis loses its data; default: random, kept in the store).", envvar=ENV + "SECRET_FILE",
        exists=True, dir_okay=False, readable=True, callback=check_secret_file)] = None,
    tls_port: Annotated[int | None, typer.Option(
        help="Also serve HTTPS here, as the DashScope host names (certificate from the local CA; see `ca`).",
        envvar=ENV + "TLS_PORT", min=0, max=65535)] = None,
    proxy_port: Annotated[int | None, typer.Option(
        help="Also be an HTTP(S) proxy here that serves the DashScope hosts and refuses all others.",
        envvar=ENV + "PROXY_PORT", min=0, max=65535)] = None,
    ca_dir: Annotated[Path | None, typer.Option(help="Folder of the local CA (default: see `ca --help`).",
                                                envvar=ENV + "CA_DIR", file_okay=False)] = None,
    upstream: Annotated[str | None, typer.Option(
        help="Forward every DashScope request to this service (the only host the twin then contacts).",
        envvar=ENV + "UPSTREAM", show_default=False)] = None,
    record: Annotated[Path | None, typer.Option(help="With --upstream: write each exchange to a cassette here.",
                                                envvar=ENV + "RECORD", file_okay=False, show_default=False)] = None,
    record_media: Annotated[bool, typer.Option(help="With --record: keep result files too.",
                                               envvar=ENV + "RECORD_MEDIA")] = False,
    media_cap_mb: Annotated[int, typer.Option(help="With --record-media: keep at most this many MB of files a run.",
                                              envvar=ENV + "MEDIA_CAP_MB", min=0)] = 256,
    diff: Annotated[bool, typer.Option(help="With --upstream: compare each answer with the twin's (GET /__mock/diff).",
                                       envvar=ENV + "DIFF")] = False,
    replay: Annotated[Path | None, typer.Option(help="Answer the requests a cassette holds from it.",
                                                envvar=ENV + "REPLAY", file_okay=False, show_default=False)] = None,
    replay_by: Annotated[str, typer.Option(help="A replayed task advances by 'polls' or by virtual 'time'.",
                                           envvar=ENV + "REPLAY_BY")] = "polls",
    models: Annotated[Path | None, typer.Option(help=MODELS_HELP, envvar=ENV + "MODELS", exists=True, dir_okay=False,
                                                readable=True, callback=models_option)] = None,
) -> None:
    """Serve the mock. Point the official SDK at it with DASHSCOPE_HTTP_BASE_URL."""
    from .store import StoreUnavailable, is_shared

    if workers > 1 and not is_shared(store):
        raise typer.BadParameter(f"{workers} workers would each hold their own tasks: with --workers > 1 use "
                                 "--store redis://HOST:PORT/DB", param_hint="'--workers'")
    if workers > 1 and (tls_port is not None or proxy_port is not None):
        raise typer.BadParameter("--tls-port and --proxy-port run in one process: use --workers 1",
                                 param_hint="'--workers'")
    from .capture.modes import Modes
    from .domain.scenarios import ScenarioError
    from .http.app import create_app

    modes = Modes(upstream=upstream, record=record, record_media=record_media, diff=diff, replay=replay,
                  replay_by=replay_by, media_cap=media_cap_mb * 1024 * 1024)
    try:
        modes.check()
    except ValueError as exc:
        raise cx.UsageError(str(exc)) from exc
    if modes.active and workers > 1:
        raise typer.BadParameter("--upstream and --replay run in one worker", param_hint="'--workers'")
    from .http.requestlog import RequestLog

    entries = scenario_entries(scenarios) if scenarios is not None else []
    sock = bind(host, port)
    base = f"http://{public_host(host)}:{sock.getsockname()[1]}"
    request_log = None if quiet else RequestLog(sys.stderr)
    try:
        settings = Settings.for_profile(profile.value, validation=validation and validation.value,
                                        time_scale=time_scale, seed=seed, keys_file=keys, store=store,
                                        admin_token=admin_token, limits=limits,
                                        result_host=public_url or base, upload_host=public_url,
                                        message_suffix=message_suffix, data_dir=data_dir, log_requests=not quiet,
                                        upload_cap_mb=upload_cap_mb, secret=read_secret(secret_file),
                                        models=models)
        application = create_app(settings, request_log)
        application.state.twin.scenarios.add_entries(entries)
        served: Any = application
        if modes.active:
            from .capture.modes import answer_layer

            served = answer_layer(application, application.state.twin, modes, request_log=request_log)
    except ScenarioError as exc:
        sock.close()
        raise typer.BadParameter(str(exc), param_hint="'--scenarios'") from exc
    # a keys file's inner shape, an unusable data dir or database, a Redis that does not answer
    except (ValueError, TypeError, AttributeError, OSError, sqlite3.Error, StoreUnavailable) as exc:
        sock.close()
        raise cx.UsageError(f"cannot start: {exc}") from exc
    ingress = None
    if tls_port is not None or proxy_port is not None:
        from .ingress.command import prepare

        try:
            ingress = prepare(bind, host, public_host(host), tls_port, proxy_port, ca_dir, data_dir)
        except (OSError, ValueError) as exc:
            sock.close()
            raise cx.UsageError(f"cannot start: the local CA: {exc}") from exc
        except BaseException:
            sock.close()
            raise
    twin = application.state.twin
    try:
        note, token_file = _token_note(admin_token is not None, twin.admin_token, sock.getsockname()[1], data_dir)
    except OSError as exc:  # a token file that cannot be made safely (token_file.py): one line, exit 2
        sock.close()
        raise cx.UsageError(f"cannot start: {exc}") from exc
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr)
    typer.echo(
        f"dashscope-mock {profile.value} profile ({settings.validation} validation), "
        f"{len(twin.registry.models)} models, {len(entries)} queued scenario(s), listening on {base}\n"
        f"  export DASHSCOPE_HTTP_BASE_URL={base}/api/v1\n"
        f"  export DASHSCOPE_API_KEY=sk-anything\n"
        f"  board: {base}/__mock/ui   API docs: {base}/docs\n"
        f"  admin: {base}/__mock/health (loopback, or {note})",
        err=True,
    )
    if ingress is not None:
        typer.echo(ingress.banner(), err=True)
    if workers > 1:
        bound = sock.getsockname()[1]
        sock.close()  # uvicorn's supervisor binds the same address for its workers
        _serve_workers(replace(settings, admin_token=twin.admin_token), host, bound, workers)
    elif ingress is not None:
        ingress.run(served, sock)
    else:
        _run(served, sock)
    twin.close()  # the store's connections and lock; the memory store's scratch directory of uploads
    if request_log is not None:
        request_log.close()
    if token_file is not None:
        token_file.remove()


@app.command()
def ca(
    env: Annotated[bool, typer.Option("--env", help="Print the variables to export instead of the path.")] = False,
    ca_dir: Annotated[Path | None, typer.Option(help="Folder of the CA.", envvar=ENV + "CA_DIR",
                                                file_okay=False)] = None,
    data_dir: Annotated[Path | None, typer.Option(help="The CA goes in DATA_DIR/ca (as with serve --data-dir).",
                                                  envvar=ENV + "DATA_DIR", file_okay=False)] = None,
) -> None:
    """Create the twin's local CA once (DASHSCOPE_MOCK_CA_DIR, else DATA_DIR/ca, else ~/.cache/dashscope-mock/ca)
    and print its certificate's path; with --env, the SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and
    NODE_EXTRA_CA_CERTS lines to export."""
    from .ingress.command import ca_report

    try:
        typer.echo(ca_report(ca_dir, data_dir, env))
    except (OSError, ValueError) as exc:
        raise cx.UsageError(f"cannot make the CA: {exc}") from exc


class DiffFormat(StrEnum):
    """The `diff --format` choices."""

    md = "md"
    json = "json"


@app.command("diff")
def diff_report(
    url: Annotated[str, typer.Option(help="Root URL of a twin serving with --upstream URL --diff.",
                                     envvar=ENV + "URL")] = "http://127.0.0.1:8089",
    format: Annotated[DiffFormat, typer.Option("--format", help="md (a drift report) or json.")] = DiffFormat.md,
    admin_token: Annotated[str | None, typer.Option(help="X-Mock-Admin-Token, when the twin is not on loopback.",
                                                    envvar=ENV + "ADMIN_TOKEN", show_default=False)] = None,
) -> None:
    """Print the differences a `serve --upstream URL --diff` twin found between the upstream and itself."""
    from .capture.cli import fetch_diff, render_diff

    try:
        view = fetch_diff(url, admin_token)
    except ValueError as exc:
        typer.echo(f"dashscope-mock diff: error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(render_diff(view, format.value, url))


cassette_app = typer.Typer(no_args_is_help=True, help="Work with recorded cassettes (serve --record DIR).")
app.add_typer(cassette_app, name="cassette")


@cassette_app.command("scenarios")
def cassette_scenarios(
    directory: Annotated[Path, typer.Argument(help="A cassette directory (serve --record DIR).")],
) -> None:
    """Print each recorded task's outcome in the scenario DSL, as a `serve --scenarios` file."""
    from .capture.cassette import CassetteError
    from .capture.cli import scenarios_yaml

    try:
        typer.echo(scenarios_yaml(directory), nl=False)
    except CassetteError as exc:
        raise cx.BadParameter(str(exc), param_hint="'DIRECTORY'") from exc


@app.command("models")
def models_cmd(
    models: Annotated[Path | None, typer.Option(help=MODELS_HELP, envvar=ENV + "MODELS", exists=True,
                                                dir_okay=False, readable=True, callback=models_option)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON list on stdout.")] = False,
) -> None:
    """List every model the twin serves: route, family, sync/async, where it validates, output, source."""
    list_models(models, as_json)


def _run(application: Any, sock: socket.socket) -> None:
    """uvicorn on the bound socket until SIGINT/SIGTERM."""
    import uvicorn

    from .http.serving import freeze_heap, server_config

    config = server_config(application)  # header/body/idle timeouts (http/serving.py)
    server = uvicorn.Server(config)
    freeze_heap()
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """N uvicorn workers on one address, each building its twin from `settings` (one admin token for all)."""
    import uvicorn

    from .http.serving import server_options
    from .http.workers import ENV as WORKER_ENV
    from .http.workers import FACTORY, settings_to_env

    os.environ[WORKER_ENV] = settings_to_env(settings)
    # each worker gets the same protocol and timeouts as a single `serve` (http/serving.py)
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, **server_options())


def _one_line(exc: cx.ClickException) -> str:
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "dashscope-mock"
    hint = f" (see {where} --help)" if isinstance(exc, cx.UsageError) else ""
    return f"{where}: error: {' '.join(exc.format_message().split())}{hint}"


def main() -> None:
    """Entry point of the `dashscope-mock` script: usage errors are one line on stderr, exit 2."""
    if sys.argv[1:2] != ["serve"]:  # `serve` never reaches the client commands, which import httpx and rich
        try:
            from clients.cli import task_app  # type: ignore[import-not-found,unused-ignore]

            app.add_typer(task_app, name="task", help="Create, wait for and download tasks (the reference client).")
        except ImportError:  # the client CLI is optional for the server
            pass
    try:
        code = app(standalone_mode=False)
    except cx.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except cx.ClickException as exc:
        typer.echo(_one_line(exc), err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
