"""Every value the audit cites a seed line for is on that line (issue 20).

For each constraint row of docs/audit.md (the spec's own keywords, `x-dashscope-model.rules` included) and
each docs/audit.yaml finding that cites a seed line (`003 L1234`, `000 L15-L20`) for a value, the seed is
opened from DASHSCOPE_DOCS_DIR and the cited lines, or the few lines around them, must hold that value or
every member of that enum. Rows whose value rests on a source outside the seeds name it (`vendor reference:`
in the spec, `source: vendor-page | capture | sdk` on a finding) and are listed apart in docs/audit.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from openapi.audit import SOURCES, Row, finding_source, load, model_schemas, rows, source_of

from .spec.seeds import docs_dir, require_docs

SPEC, AUDIT = load()
AROUND = 3  # lines either side of a cited line that still count as "at" it (a table cell spans a few)
CITED = re.compile(r"\b(00\d) ((?:L?\d+(?:-L?\d+)?(?:,\s*)?)+)")
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?![\d])")  # ASCII: the seeds run numbers into Chinese
RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)")
PRODUCT = re.compile(r"(\d+)\s*[*×xX]\s*(\d+)")
THOUSANDS = re.compile(r"(?<![\d\[(])[1-9]\d{0,2}(?:,\d{3})+\b")  # 5,000 is 5000 ([0,999] is a range)
POINTS = re.compile(r"\[\s*[a-z]\d(?:\s*,\s*[a-z]\d)+\s*\]")  # a list written out: [x1,y1,x2,y2] has 4 items
MINUTES = re.compile(r"\d\s*min|分钟")
MEDIA_NUMBERS = ("max_mb", "min_px", "max_px", "min_s", "max_s", "max_aspect", "min_fps", "max_fps")
SIZE_NUMBERS = ("min_pixels", "max_pixels", "min_ratio", "max_ratio")
# how the seeds spell a format the spec names otherwise: the shoe model's list says "WEB" (a choice in its spec)
SPELLED = {"webp": ("webp", "web"), "jpeg": ("jpeg", "jpg"), "jpg": ("jpg", "jpeg"), "tiff": ("tiff", "tif")}


@dataclass(frozen=True)
class Claim:
    """One audit row that cites seed lines for values: what must be found, where."""

    where: str  # the schema and field, for the report
    cites: tuple[tuple[str, int, int], ...]  # (seed number, first line, last line)
    values: tuple[tuple[str, Any], ...]  # (what kind of value, the value)


def cited_lines(doc: str) -> tuple[tuple[str, int, int], ...]:
    """(seed, first, last) for each seed line or range a citation names: `003 L10-12, L40` -> two."""
    found = []
    for match in CITED.finditer(doc):
        for first, last in re.findall(r"L?(\d+)(?:-L?(\d+))?", match.group(2)):
            found.append((match.group(1), int(first), int(last or first)))
    return tuple(found)


def row_values(row: Row) -> list[tuple[str, Any]]:
    """The values a spec row asserts that a seed line can hold (none for shapes: required, pattern, not)."""
    key, value = row.keyword, row.value
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
               "maxItems", "minContains", "maxContains"):
        return [("number", value)]
    if key == "enum" and row.field != "model":  # model ids are checked by tests/test_spec.py
        return [("word", v) for v in value if v not in ("", None)]
    if key in ("const", "default") and row.field != "model":
        if isinstance(value, bool) or value in ("", None) or isinstance(value, list | dict):
            return []
        return [("number" if isinstance(value, int | float) else "word", value)]
    if key == "x-dashscope-media" and isinstance(value, Mapping):
        found: list[tuple[str, Any]] = [("number" if k != "max_aspect" else "ratio", value[k])
                                        for k in MEDIA_NUMBERS if value.get(k) is not None]
        return found + [("format", f) for f in value.get("formats") or ()]
    if key == "x-dashscope-size" and isinstance(value, Mapping):
        return [("pixels" if k.endswith("pixels") else "ratio", value[k]) for k in SIZE_NUMBERS if k in value]
    return []


# findings whose claim is a kind of rule rather than a number: the word their cited line must hold
CLAIM_WORDS = {"URL kinds": "http", "PNG without alpha channel": "透明通道"}


def finding_values(finding: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A finding's values: its `values:` when given, else the word its kind of claim needs (a URL-kinds finding
    cites a line about URL schemes), else the numbers its constraint names."""
    if finding.get("values") is not None:
        return [("word" if isinstance(v, str) else "number", v) for v in finding["values"]]
    for claim, word in CLAIM_WORDS.items():
        if str(finding["constraint"]).startswith(claim):
            return [("word", word)]
    text = re.sub(r"\([^)]*\)", "", str(finding["constraint"]))  # a parenthesised aside names no value
    ratios = [("ratio", float(a) / float(b)) for a, b in RATIO.findall(text) if float(b)]
    return ratios + [("number", float(n)) for n in NUMBER.findall(RATIO.sub(" ", text))]


def claims() -> Iterator[Claim]:
    """Every audit row that cites seed lines for at least one value."""
    for name, schema in model_schemas(SPEC):
        for row in rows(schema, f"#/components/schemas/{name}", ""):
            values = row_values(row)
            if row.source == "seed" and values:
                yield Claim(f"{name} {row.field} {row.keyword}", cited_lines(row.doc), tuple(values))
    for name, found in (AUDIT.get("findings") or {}).items():
        for f in found:
            values = finding_values(f)
            if finding_source(f) == "seed" and values:
                yield Claim(f"{name} {f['field']} (finding: {f['constraint']})", cited_lines(f["doc"]), tuple(values))


@cache
def seed(number: str) -> tuple[str, ...]:
    """The lines of seed `number` (000-004), from the vendor docs directory."""
    folder = require_docs()
    paths = sorted(folder.glob(f"{number}_*.txt"))
    assert paths, f"no seed {number}_*.txt in {folder}"
    return tuple(paths[0].read_text(encoding="utf-8").splitlines())


def window(cites: tuple[tuple[str, int, int], ...]) -> str:
    """The cited lines and AROUND lines either side of each, joined."""
    return "\n".join("\n".join(seed(s)[max(first - 1 - AROUND, 0):last + AROUND]) for s, first, last in cites)


def _same(a: float, b: float, tolerance: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tolerance)


def holds(kind: str, value: Any, text: str) -> bool:
    """Whether `text` states `value`: a number as written (seconds also as minutes), a ratio as `a:b` or a
    number, a pixel count as `W*H`, a word or format case-insensitively."""
    text = THOUSANDS.sub(lambda m: m.group().replace(",", ""), text)
    low = text.lower()
    if kind in ("word", "format"):
        return any(w.lower() in low for w in SPELLED.get(str(value).lower(), (str(value),)))
    plain = RATIO.sub(" ", text) if kind == "number" else text  # the 4 of "4:3" is not a count of 4
    numbers = [float(n) for n in NUMBER.findall(plain)]
    v = float(value)
    if any(_same(n, v) for n in numbers):
        return True
    if kind == "number" and MINUTES.search(low) and any(_same(n * 60, v) for n in numbers):
        return True
    if kind == "number" and any(_same(m.group().count(",") + 1, v) for m in POINTS.finditer(low)):
        return True
    if kind == "number" and ("kb" in low) and any(_same(n / 1024, v) for n in numbers):
        return True
    if kind == "number" and float(v).is_integer() and (  # "fewer than 3" is at most 2, "more than 0" at least 1
            re.search(rf"(?:小于|少于|less than)\s*{int(v) + 1}(?!\d)", low)
            or re.search(rf"(?:大于|多于|more than|greater than)\s*{int(v) - 1}(?!\d)", low)):
        return True
    if kind == "ratio":
        pairs = [(float(a), float(b)) for a, b in RATIO.findall(text)]
        return any(b and (_same(a / b, v, 1e-2) or _same(b / a, v, 1e-2)) for a, b in pairs)
    if kind == "pixels":
        return any(_same(int(a) * int(b), v) for a, b in PRODUCT.findall(text))
    return False


CLAIMS = list(claims())


def test_the_audit_cites_seed_lines_for_values() -> None:
    # guard against a walk that finds nothing to check
    assert len(CLAIMS) > 350
    assert {kind for c in CLAIMS for kind, _ in c.values} == {"number", "word", "format", "ratio", "pixels"}


def test_every_cited_value_is_on_its_seed_line() -> None:
    require_docs()
    wrong = []
    for claim in CLAIMS:
        text = window(claim.cites)
        missing = [v for kind, v in claim.values if not holds(kind, v, text)]
        if missing:
            cites = ", ".join(f"{s} L{a}" + (f"-{b}" if b != a else "") for s, a, b in claim.cites)
            wrong.append(f"{claim.where}: {missing} not at {cites}")
    assert not wrong, f"{len(wrong)} audit rows cite seed lines that do not hold their value:\n" + "\n".join(wrong)


def test_cited_lines_exist() -> None:
    require_docs()
    past = [f"{c.where}: {s} L{b}" for c in CLAIMS for s, _, b in c.cites if b > len(seed(s))]
    assert not past, past


def test_rows_outside_the_seeds_are_labelled() -> None:
    """A finding that cites no seed line names where its value comes from (or was removed for want of one)."""
    unlabelled = [f"{name} {f['field']}: {f['doc']}" for name, found in (AUDIT.get("findings") or {}).items()
                  for f in found if f["status"] != "removed" and source_of(str(f.get("doc", ""))) != "seed"
                  and f.get("source") not in SOURCES[1:]]
    assert not unlabelled, unlabelled
    bad = [f"{name} {f['field']}: {f['source']}" for name, found in (AUDIT.get("findings") or {}).items()
           for f in found if f.get("source") and f["source"] not in SOURCES[1:]]
    assert not bad, bad


def test_the_checker_tells_a_held_value_from_a_missing_one() -> None:
    text = "图片尺寸：宽高均在[512, 4096]像素之间，比例 1:2 至 2:1，时长不超过3分钟，推荐 768*768"
    assert holds("number", 4096, text) and holds("number", 512.0, text) and not holds("number", 409, text)
    assert holds("number", 180, text) and holds("ratio", 2, text) and holds("ratio", 0.5, text)
    assert holds("pixels", 589824, text) and not holds("pixels", 589825, text)
    assert holds("format", "webp", "格式：JPEG，PNG，WEB") and not holds("word", "girl1", text)
    assert holds("number", 5000, "最多 5,000 字符") and holds("number", 4, "坐标格式[x1,y1,x2,y2]")
    assert not holds("number", 4, "比例为4:3 的 n=14") and holds("number", 0, "取值范围为[0,999]")
    assert holds("number", 2, "图片个数小于3") and not holds("number", 1, "图片个数小于3")
    assert finding_values({"constraint": "URL kinds: http(s) only"}) == [("word", "http")]
    assert finding_values({"constraint": "aspect between 1:2 and 2:1 (x 3)"}) == [("ratio", 0.5), ("ratio", 2.0)]
    assert cited_lines("003 L10-12, L40; 000 L7") == (("003", 10, 12), ("003", 40, 40), ("000", 7, 7))
    assert source_of("003 L174; vendor reference: the V2 page") == "vendor-page"
    assert source_of("docs/behaviour.md §1.4") == "capture" and source_of("docs/sdk-wire.md §2.3") == "sdk"


def test_docs_dir_is_found_or_skipped_with_the_reason() -> None:
    if docs_dir() is None:
        with pytest.raises(pytest.skip.Exception):
            require_docs()
    else:
        assert seed("003") and seed("000")
