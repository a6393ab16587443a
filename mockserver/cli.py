"""The `dashscope-mock` command: `serve`, plus the client commands under `task`."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from .settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="An offline twin of DashScope's AIGC API.")


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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8089,
    profile: Annotated[str, typer.Option(help="dev (fast, strict) or faithful (documented behaviour).")] = "dev",
    validation: Annotated[str | None, typer.Option(help="faithful or strict (default: the profile's).")] = None,
    time_scale: Annotated[float, typer.Option(help="Virtual seconds per real second.")] = 1.0,
    seed: Annotated[int | None, typer.Option(help="Make ids, timings and URLs reproducible.")] = None,
    keys: Annotated[Path | None, typer.Option(help="Keys file: keys -> accounts, regions, states.")] = None,
    store: Annotated[str, typer.Option(help="memory or sqlite:PATH")] = "memory",
    admin_token: Annotated[str | None, typer.Option(help="Token for /__mock/* from non-loopback hosts.")] = None,
    limits: Annotated[bool | None, typer.Option(help="Concurrency lanes and rate limits (default: profile's).")] = None,
    message_suffix: Annotated[bool, typer.Option(
        help="End error messages with ' For details, see: <doc-url>', as the service does since 2025.")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Keep uploaded files here instead of in memory.")] = None,
) -> None:
    """Serve the mock. Point the official SDK at it with DASHSCOPE_HTTP_BASE_URL."""
    from .http.app import create_app
    from .http.serving import server_config

    settings = Settings.for_profile(profile, validation=validation, time_scale=time_scale, seed=seed,
                                    keys_file=keys, store=store, admin_token=admin_token, limits=limits,
                                    result_host=f"http://{host}:{port}", message_suffix=message_suffix,
                                    data_dir=data_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    application = create_app(settings)
    twin = application.state.twin
    base = f"http://{host}:{port}"
    typer.echo(
        f"dashscope-mock {profile} profile ({settings.validation} validation), {len(twin.registry.models)} models\n"
        f"  export DASHSCOPE_HTTP_BASE_URL={base}/api/v1\n"
        f"  export DASHSCOPE_API_KEY=sk-anything\n"
        f"  admin: {base}/__mock/health (loopback, or X-Mock-Admin-Token: {twin.admin_token})",
        err=True,
    )
    config = server_config(application, host=host, port=port)  # header/body/idle timeouts (http/serving.py)
    server = uvicorn.Server(config)
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    server.run()


def main() -> None:
    """Entry point of the `dashscope-mock` script."""
    try:
        from clients.cli import task_app  # type: ignore[import-not-found,unused-ignore]

        app.add_typer(task_app, name="task", help="Create, wait for and download tasks (the reference client).")
    except ImportError:  # the client CLI is optional for the server
        pass
    app()
