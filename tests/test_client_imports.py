"""The client package has no import cycle, counting every import: top level, TYPE_CHECKING and inside functions."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import clients

PACKAGE = Path(clients.__file__).resolve().parent


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement may load: the module and, for `from`, each name under it."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")
        base = base[:len(base) - node.level + (1 if is_package else 0)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its body."""
    paths = {_module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(name, is_package, node):
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
        if is_package:  # a package re-exporting its own children is not a cycle of design
            graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    return graph


def test_the_graph_sees_function_level_and_type_checking_imports() -> None:
    graph = import_graph(PACKAGE)
    assert "clients._core" in graph["clients.client"]  # `from . import _core`
    assert "clients.responses" in graph["clients.errors"]  # under TYPE_CHECKING
    assert "clients.config" in graph["clients.testing"]  # inside a function


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph, or [] when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as found:
        return list(found.args[1])
    return []


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
