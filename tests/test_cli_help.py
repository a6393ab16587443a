"""Every command's --help prints its usage and exits 0 under each supported typer/click pair (`make test-deps`
runs this at both ends of the ranges: typer before 0.16 crashed in --help with click 8.2+)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "dashscope-mock"


@pytest.mark.parametrize("argv", [["--help"], ["serve", "--help"], ["task", "create", "--help"]],
                         ids=" ".join)
def test_help_prints_usage(argv: list[str]) -> None:
    done = subprocess.run([str(SCRIPT), *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "Traceback" not in done.stderr
