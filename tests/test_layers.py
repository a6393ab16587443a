"""The architecture, checked: mockserver's layers import one way, with no cycle, and its modules stay small.

Every import counts: top level, under TYPE_CHECKING, and inside functions (design: spec -> domain -> wire ->
http, with store beside domain and testing on top).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mockserver
from tests.import_graph import cycle, import_graph

PACKAGE = Path(mockserver.__file__).resolve().parent
GRAPH = import_graph(PACKAGE)
# the rank of each part of mockserver; a module may import only parts of the same or a lower rank
RANK = {"spec": 0, "formats": 0, "settings": 1, "token_file": 1, "domain": 2, "store": 2, "wire": 3, "http": 4,
        "capture": 5, "testing": 5, "ingress": 5, "pytest_plugin": 6, "cli": 6, "models_command": 6,
        "serve_options": 6, "__init__": 7}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_has_a_rank() -> None:
    assert {_part(m) for m in GRAPH} <= RANK.keys()


def test_no_module_imports_a_higher_layer() -> None:
    upward = [(m, t) for m, targets in GRAPH.items() for t in targets
              if _part(m) != _part(t) and RANK[_part(t)] > RANK[_part(m)]]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    assert cycle(GRAPH) == []


def test_the_checker_sees_real_edges() -> None:
    # the walk is not blind: the app imports the gateway, and the task book imports the store protocol
    assert "mockserver.http.gateway" in GRAPH["mockserver.http.app"]
    assert "mockserver.store.base" in GRAPH["mockserver.domain.tasks"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= (150 if path.name == "pytest_plugin.py" else 400), f"{path}: {lines} lines"
