"""Read the vendor docs the spec is written from (the directory DASHSCOPE_DOCS_DIR names): curl bodies, model names.

The docs are not part of the repository. Every test that reads them finds them through `docs_dir()` and is
skipped, with the reason `NO_DOCS`, when they are absent.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

DOCS_ENV = "DASHSCOPE_DOCS_DIR"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_DOCS = REPO.parent / "shared" / "seeds"  # the DASHSCOPE_DOCS_DIR default, used only when it exists


def docs_dir() -> Path | None:
    """The vendor docs directory: $DASHSCOPE_DOCS_DIR if set, else the default when it exists; None if absent."""
    configured = os.environ.get(DOCS_ENV)
    path = Path(configured) if configured else DEFAULT_DOCS
    return path if path.is_dir() else None


NO_DOCS = f"vendor docs not found: set {DOCS_ENV} to the directory of their .txt files " + (
    f"({DOCS_ENV}={os.environ[DOCS_ENV]} is not a directory)" if os.environ.get(DOCS_ENV)
    else f"(it is unset, and its default {DEFAULT_DOCS} does not exist)")
needs_docs = pytest.mark.skipif(docs_dir() is None, reason=NO_DOCS)


def require_docs() -> Path:
    """The vendor docs directory, or skip the calling test with the reason `NO_DOCS`."""
    found = docs_dir()
    if found is None:
        pytest.skip(NO_DOCS)
    return found


T = TypeVar("T")


def docs_params(values: Iterable[T], ids: Callable[[T], str]) -> list[Any]:
    """`values` as pytest parameters; when the docs are absent, one parameter skipped with the reason `NO_DOCS`."""
    if docs_dir() is None:
        return [pytest.param(None, id="no-docs", marks=needs_docs)]
    return [pytest.param(v, id=ids(v)) for v in values]


def seed_files() -> list[Path]:
    """The vendor docs' .txt files in name order; none when the docs are absent."""
    found = docs_dir()
    return sorted(found.glob("*.txt")) if found else []


@dataclass(frozen=True)
class CurlBody:
    """One `--data '...'` JSON body of a curl example, with where it stands."""

    seed: str
    line: int
    body: dict[str, Any]


def seed_texts() -> dict[str, str]:
    """Every seed file's text by its three-digit number."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in seed_files()}


def _shell_single_quoted(text: str, start: int) -> str:
    """The content of a shell '...' string starting at `start`, with the '\\'' idiom unescaped."""
    out, i = [], start
    while True:
        end = text.index("'", i)
        out.append(text[i:end])
        if text.startswith("'\\''", end):
            out.append("'")
            i = end + 4
        else:
            return "".join(out)


def curl_bodies() -> Iterator[CurlBody]:
    """Every JSON body passed with -d/--data in the seeds."""
    for seed, text in seed_texts().items():
        for m in re.finditer(r"(?:-d|--data(?:-raw)?)\s+'", text):
            raw = _shell_single_quoted(text, m.end())
            yield CurlBody(seed, text.count("\n", 0, m.start()) + 1, json.loads(raw))


_ASSIGNED = re.compile(r"""(?:"model"\s*:\s*"|\bmodel\s*=\s*["']|\.model\(\s*"|\bmodel:\s*["'])([A-Za-z][\w.\-]*)""")
_TOKEN = re.compile(r"(?<![A-Za-z0-9_/.\-])([a-z][a-z0-9]*(?:[.\-][a-z0-9]+)+)(?![A-Za-z0-9_\-])")


def model_names() -> set[str]:
    """Model names the seeds use: values assigned to `model` in code, and versioned model-id tokens.

    A token counts when it is hyphenated and versioned the way DashScope model ids are: a `N.N`
    version (wan2.7-videoedit), a `-vN`/`-genN` suffix (emo-v1, animate-anyone-gen2), or `-detect`.
    """
    found: set[str] = set()
    for text in seed_texts().values():
        found.update(m.group(1) for m in _ASSIGNED.finditer(text))
        for m in _TOKEN.finditer(text):
            token = m.group(1)
            versioned = re.search(r"\d\.\d", token) or re.search(r"-(v\d+|gen\d+)$", token) or "-detect" in token
            if "-" in token and versioned:
                found.add(token)
    return found
