"""Read the vendor docs (shared/seeds) the spec is written from: curl bodies and model names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@dataclass(frozen=True)
class CurlBody:
    """One `--data '...'` JSON body of a curl example, with where it stands."""

    seed: str
    line: int
    body: dict[str, Any]


def seed_texts() -> dict[str, str]:
    """Every seed file's text by its three-digit number."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


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
