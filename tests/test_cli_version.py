"""`dashscope-mock --version` prints the installed distribution's version."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

from mockserver.cli import app

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_version_prints_the_package_version_and_exits_zero() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert version("dashscope-mock") == declared
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"dashscope-mock {declared}\n"


def test_version_wins_over_a_subcommand() -> None:
    result = CliRunner().invoke(app, ["--version", "serve", "--port", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("dashscope-mock ")
