"""The client package has no import cycle, counting every import: top level, TYPE_CHECKING and inside functions."""

from __future__ import annotations

from pathlib import Path

import clients
from tests.import_graph import cycle, import_graph

PACKAGE = Path(clients.__file__).resolve().parent


def test_the_graph_sees_function_level_and_type_checking_imports() -> None:
    graph = import_graph(PACKAGE)
    assert "clients._core" in graph["clients.client"]  # `from . import _core`
    assert "clients.responses" in graph["clients.errors"]  # under TYPE_CHECKING
    assert "clients.config" in graph["clients.testing"]  # inside a function


def test_a_cycle_through_type_checking_and_function_imports_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import A\n")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\nA = 1\n")
    (package / "b.py").write_text("def f() -> None:\n    from pkg import a\nB = 2\n")
    assert set(cycle(import_graph(package))) == {"pkg.a", "pkg.b"}
    (package / "b.py").write_text("B = 2\n")
    assert cycle(import_graph(package)) == []


def test_clients_has_no_import_cycle() -> None:
    assert cycle(import_graph(PACKAGE)) == []
