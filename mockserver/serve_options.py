"""Checks and readers for `dashscope-mock serve`'s options (typer callbacks), and the listening socket: each bad
value is a one-line usage error naming the option (cli.py registers them)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from .spec.hosts import local_address


def check_store(value: str) -> str:
    """`--store`: memory, sqlite:PATH (its folder must exist) or a Redis URL (redis, rediss, unix)."""
    from .store import REDIS_SCHEMES

    if value == "memory" or any(value.startswith(s) and len(value) > len(s) for s in REDIS_SCHEMES):
        return value
    if value.startswith("sqlite:") and value.removeprefix("sqlite:"):
        folder = Path(value.removeprefix("sqlite:")).expanduser().resolve().parent
        if not folder.is_dir():
            raise typer.BadParameter(f"the folder {folder} does not exist")
        return value
    raise typer.BadParameter(f"{value!r} is not a store: use memory, sqlite:PATH, redis://HOST:PORT/DB, "
                             "rediss://HOST:PORT/DB (TLS) or unix:///PATH?db=N")


def check_secret_file(value: Path | None) -> Path | None:
    """`--secret-file`: readable, and long enough to sign with."""
    if value is not None:
        read_secret(value)
    return value


def read_secret(path: Path | None) -> str | None:
    """The secret a `--secret-file` holds (None without one); BadParameter when it cannot serve."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="'--secret-file'") from exc
    if len(text) < 16:
        raise typer.BadParameter(f"{path} holds {len(text)} characters: a secret needs at least 16",
                                 param_hint="'--secret-file'")
    return text


def check_scale(value: float) -> float:
    """`--time-scale`: a finite factor in (0, 1e6]."""
    if not 0 < value <= 1e6:  # also refuses nan and inf
        raise typer.BadParameter(f"{value} is not in (0, 1e6]")
    return value


def check_keys(value: Path | None) -> Path | None:
    """`--keys`: a readable YAML file holding a mapping."""
    if value is not None:
        import yaml

        try:
            data = yaml.safe_load(value.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise typer.BadParameter(f"cannot read {value}: {' '.join(str(exc).split())}") from exc
        if data is not None and not isinstance(data, dict):
            raise typer.BadParameter(f"{value} must hold a mapping (accounts:, blocked_keys:, only_listed:)")
    return value


def check_public_url(value: str | None) -> str | None:
    """`--public-url`: an http(s) root with no query or fragment, without its trailing slash."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise typer.BadParameter(f"{value!r} is not an http(s) URL such as http://mock.internal:8089")
    return value.rstrip("/")


def scenario_entries(path: Path) -> list[Any]:
    """The entries of a scenarios file: a YAML/JSON list of POST /__mock/scenarios bodies, or `scenarios: [...]`."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {' '.join(str(exc).split())}",
                                 param_hint="'--scenarios'") from exc
    if isinstance(data, dict) and set(data) == {"scenarios"}:
        data = data["scenarios"]
    if not isinstance(data, list):
        raise typer.BadParameter(f"{path} must hold a list of scenarios (or scenarios: [...])",
                                 param_hint="'--scenarios'")
    return data


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); a one-line error and exit 1 when that is impossible."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        typer.echo(f"dashscope-mock serve: error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        typer.echo(f"dashscope-mock serve: error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from exc
    return sock


def public_host(host: str) -> str:
    """The host a client on this machine uses for the bound address (in a URL): wildcards become loopback."""
    address = local_address(host)
    return f"[{address}]" if ":" in address else address
