"""`dashscope-mock models` and the `--models FILE` option of `serve`: the CLI side of spec/overlay.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

HELP = "Model overlay (YAML/JSON `models: {<id>: {like: <id>, ...}}`): models the spec lacks, or changes."


def models_option(value: Path | None) -> dict[str, Any] | None:
    """The `--models` callback: the overlay's `models:` mapping, checked against the spec (a usage error, exit 2,
    names the entry and key at fault)."""
    if value is None:
        return None
    from .spec.overlay import OverlayError, overlay_option

    try:
        return overlay_option(value)
    except OverlayError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--models'") from exc


def list_models(models: Any, as_json: bool) -> None:
    """Print every model the twin serves (with the overlay's, as `models_option` returned it): a table, or JSON."""
    from .spec.document import load_spec
    from .spec.model_table import model_rows, table
    from .spec.overlay import overlaid_spec
    from .spec.profiles import Registry

    rows = model_rows(Registry(overlaid_spec(models) if models else load_spec()))
    typer.echo(json.dumps(rows, indent=2) if as_json else table(rows))
