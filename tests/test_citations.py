"""Every citation in the repository can be followed from a clone: `docs/<file>.md §N` names a section whose
anchor exists, and nothing cites the research notes or vendor docs that live outside the repository."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SUFFIXES = {".py", ".yaml", ".yml", ".md", ".txt"}
# this file spells out the patterns it forbids
SELF = Path(__file__).resolve().relative_to(REPO).as_posix()

ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
SECTION = r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"
# `docs/x.md §1.4`, `docs/x.md §2.3-2.4, §6`, `docs/x.md §1.2/§6`, `docs/x.md (§0-§6)`, also across a line break
CITATION = re.compile(rf"docs/([\w-]+)\.md\s*\(?((?:\s*(?:,|/|and)?\s*§{SECTION}(?:-§?{SECTION})?)+)")
CITED = re.compile(rf"(?:§|-§?)({SECTION})")
OUTSIDE = re.compile(
    r"real-service-behavior\.md|official-sdk-wire-protocol\.md|api-catalog-003|shared/(?:seeds|reference)\b|\.\./shared\b"
    r"|docs/[\w-]+\.md\s+L\d"  # a line number of the old notes carried over to docs/ (cite the section)
)
DOCS_DIR_DEFAULT = "DASHSCOPE_DOCS_DIR"  # a line naming the variable may spell out its default path


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(p for p in out.splitlines() if Path(p).suffix in SUFFIXES and p != SELF and (REPO / p).is_file())


TRACKED = _tracked()


def anchor_of(section: str) -> str:
    """The anchor id a docs section carries: §1.4 -> s1-4, §A.1.69 -> sa-1-69."""
    return "s" + section.lower().replace(".", "-")


@cache
def anchors(name: str) -> frozenset[str]:
    """The anchor ids of docs/<name>.md (empty when the file does not exist)."""
    path = DOCS / f"{name}.md"
    return frozenset(ANCHOR.findall(path.read_text(encoding="utf-8"))) if path.is_file() else frozenset()


def citations(text: str) -> list[tuple[int, str, str]]:
    """(line, docs file name, section) of every `docs/<file>.md §N` citation in `text`."""
    found = []
    for match in CITATION.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found += [(line, match.group(1), section) for section in CITED.findall(match.group(2))]
    return found


def test_the_repository_is_listed() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: no list of tracked files")
    assert {"docs/behaviour.md", "docs/sdk-wire.md", "openapi/dashscope.yaml"} <= set(TRACKED)


def test_citations_are_parsed() -> None:
    text = "see docs/behaviour.md §1.4, §2.3-2.4 and docs/sdk-wire.md\n   §A.1.69; docs/behaviour.md (§0-§6)."
    assert citations(text) == [(1, "behaviour", "1.4"), (1, "behaviour", "2.3"), (1, "behaviour", "2.4"),
                               (1, "sdk-wire", "A.1.69"), (2, "behaviour", "0"), (2, "behaviour", "6")]
    assert anchor_of("A.1.69") == "sa-1-69" and anchor_of("7") == "s7"
    assert OUTSIDE.search("docs/sdk-wire.md L247") and not OUTSIDE.search("docs/sdk-wire.md §2.3; 003 L247")


def test_every_docs_section_has_its_anchor() -> None:
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        headings = re.findall(r"^#+ (?:Appendix )?(\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)[.:]? ", text, re.M)
        missing = [h for h in headings if anchor_of(h) not in anchors(path.stem)]
        assert not missing, f"{path.name}: headings without an anchor: {missing}"


@pytest.mark.parametrize("path", TRACKED)
def test_citations_resolve(path: str) -> None:
    text = (REPO / path).read_text(encoding="utf-8")
    broken = [f"{path}:{line}: docs/{name}.md §{section}" for line, name, section in citations(text)
              if anchor_of(section) not in anchors(name)]
    assert not broken, "citations of sections that do not exist:\n" + "\n".join(broken)


@pytest.mark.parametrize("path", TRACKED)
def test_nothing_cited_lives_outside_the_repository(path: str) -> None:
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    outside = [f"{path}:{n}: {line.strip()[:100]}" for n, line in enumerate(lines, 1)
               if OUTSIDE.search(line) and DOCS_DIR_DEFAULT not in line]
    assert not outside, "cite docs/behaviour.md, docs/sdk-wire.md or a vendor doc line instead:\n" + "\n".join(outside)
