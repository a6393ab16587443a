"""The architecture, checked: mockserver's layers import one way, with no cycle, and its modules stay small.

Every import counts: top level, under TYPE_CHECKING, and inside functions (design.md: spec -> domain -> wire ->
http, with store beside domain and testing on top).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "mockserver"
# the rank of each part of mockserver; a module may import only parts of the same or a lower rank
RANK = {"spec": 0, "formats": 0, "settings": 1, "domain": 2, "store": 2, "wire": 3, "http": 4,
        "testing": 5, "pytest_plugin": 6, "cli": 6, "__init__": 7}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The mockserver modules `name` imports (resolved to the longest existing module name)."""
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [prefix] + [f"{prefix}.{a.name}" for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    if is_pkg:  # a package's own __init__ re-exporting its children is not an upward edge
        found = {t for t in found if not t.startswith(name + ".")}
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_has_a_rank() -> None:
    assert {_part(m) for m in MODULES} <= RANK.keys()


def test_no_module_imports_a_higher_layer() -> None:
    upward = [(m, t) for m, targets in GRAPH.items() for t in targets
              if _part(m) != _part(t) and RANK[_part(t)] > RANK[_part(m)]]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(GRAPH):
        if start not in state:
            assert visit(start) is None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= (150 if name == "mockserver.pytest_plugin" else 400), f"{name}: {lines} lines"


def test_the_checker_sees_real_edges() -> None:
    # the walk is not blind: the app imports the gateway, and the task book imports the store protocol
    assert "mockserver.http.gateway" in GRAPH["mockserver.http.app"]
    assert "mockserver.store.base" in GRAPH["mockserver.domain.tasks"]
