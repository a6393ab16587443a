"""The tested-ranges table of docs/dependencies.md states pyproject.toml's ranges as they are, and every version
`make test-deps` tested lies inside its range (a changed range needs a new `make test-deps` run to document)."""

from __future__ import annotations

import re

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from .deps.run import DOCS_PAGE, TABLE_END, TABLE_START, published_ranges, requirement_name


def documented_rows() -> dict[str, tuple[str, str, str]]:
    """package -> (range, lowest tested, newest tested), from the table between the page's markers."""
    text = DOCS_PAGE.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text, f"{DOCS_PAGE.name} lost its table markers"
    table = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        name, spec, low, high = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[name] = (spec.strip("`"), low, high)
    return rows


def test_the_table_states_the_published_ranges() -> None:
    assert {name: row[0] for name, row in documented_rows().items()} == published_ranges()


def test_every_tested_version_is_inside_its_range() -> None:
    for name, (spec, low, high) in documented_rows().items():
        allowed = SpecifierSet(spec.split(";")[0])
        for version in (low, high):
            assert Version(version) in allowed, f"{name} {version} is outside {spec}: run make test-deps"
        assert Version(low) <= Version(high)


def test_requirement_names_are_normalised() -> None:
    assert requirement_name("redis[hiredis]>=5.0,<9") == "redis"
    assert requirement_name("python_multipart>=0.0.18") == "python-multipart"
    assert re.fullmatch(r"[a-z0-9-]+", requirement_name("PyYAML>=6"))
