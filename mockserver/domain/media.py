"""What a task produces: size, fps, duration and count, from the request and the model's `media` rules."""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..spec.profiles import MediaRules, ModelProfile
from .bounds import MAX_DURATION_S, MAX_FPS, MAX_SIDE

_SIZE = re.compile(r"^\s*(\d+)\s*[*xX]\s*(\d+)\s*$")


def lookup(doc: Any, dotted: str | None) -> Any:
    """The value at a dotted path like `parameters.size`, or None."""
    if not dotted:
        return None
    node = doc
    for part in dotted.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node


def parse_size(value: Any) -> tuple[int, int] | None:
    """'1280*720' (or 1280x720) -> (1280, 720)."""
    if isinstance(value, str):
        m = _SIZE.match(value)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


@dataclass(frozen=True, slots=True)
class Facts:
    """The produced media, and the quantities usage formulas may name."""

    width: int
    height: int
    fps: int
    output_duration: float
    input_duration: float
    output_count: int
    ratio: str

    @property
    def sr(self) -> int:
        """The short side (usage `SR`: 720 for 1280*720)."""
        return min(self.width, self.height)

    def names(self) -> dict[str, Any]:
        """The names usage expressions may use."""
        return {
            "width": self.width, "height": self.height, "fps": self.fps,
            "output_duration": _num(self.output_duration), "input_duration": _num(self.input_duration),
            "output_count": self.output_count, "sr": self.sr, "ratio": self.ratio,
        }


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _ratio_of(w: int, h: int) -> str:
    g = math.gcd(w, h) or 1
    return f"{w // g}:{h // g}"


def facts(profile: ModelProfile, body: Mapping[str, Any], tables: Mapping[str, Any],
          input_duration: float | None = None) -> Facts:
    """Work out the task's output media from its request (defaults where the request is silent)."""
    rules = profile.media
    count_raw = lookup(body, profile.output.count)
    count = count_raw if isinstance(count_raw, int) and count_raw > 0 else int(profile.output.count_default)
    if profile.output.count_max is not None:  # a count over the bound is clamped (the spec says where from)
        count = min(count, profile.output.count_max)
    tier = lookup(body, rules.resolution) or rules.default_resolution
    w, h, ratio = _size(rules, body, tables, tier)
    fps = _fps(rules, body, tier)
    default_duration = float(rules.default_duration)
    in_dur = float(input_duration) if input_duration else default_duration
    if rules.fixed_duration:
        duration = float(rules.fixed_duration)
    elif rules.duration_from_input:
        duration = in_dur
    else:
        raw = lookup(body, rules.duration)
        duration = float(raw) if isinstance(raw, (int, float)) and raw > 0 else default_duration
    has_input = bool(rules.duration_from_input or input_duration)
    w, h = max(1, min(w, MAX_SIDE)), max(1, min(h, MAX_SIDE))  # bounds the work of rendering a result file
    fps, duration, in_dur = min(fps, MAX_FPS), min(duration, MAX_DURATION_S), min(in_dur, MAX_DURATION_S)
    return Facts(w, h, fps, duration, in_dur if has_input else 0.0, count, ratio or _ratio_of(w, h))


def _size(rules: MediaRules, body: Mapping[str, Any], tables: Mapping[str, Any],
          tier: Any) -> tuple[int, int, str | None]:
    """(width, height, ratio) from, in order: an explicit size, a ratio lookup, a tier table, the default."""
    ratio = lookup(body, rules.ratio) or rules.default_ratio
    if rules.ratio_when and lookup(body, rules.ratio_when) is not True:
        ratio = None  # the ratio only applies when its switch is on (openapi/README.md media.ratio_when)
    if rules.ratio_from_bbox and rules.sizes:
        box = lookup(body, rules.ratio_from_bbox)
        if isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box):
            bw, bh = abs(box[2] - box[0]) or 1, abs(box[3] - box[1]) or 1
            ratio = min(rules.sizes, key=lambda r: abs(_ratio_value(str(r)) - bw / bh))
    size = parse_size(lookup(body, rules.size))
    if size is None and ratio and isinstance(rules.sizes, Mapping):
        size = parse_size(rules.sizes.get(str(ratio)))
    if size is None and tier and rules.table:
        row = tables.get(str(rules.table), {}).get(str(tier).upper(), {})
        if isinstance(row, Mapping) and row:
            size = parse_size(row.get(str(ratio)) if ratio else None) or parse_size(
                row.get("16:9", next(iter(row.values()))))
    short = lookup(body, rules.short_side)
    if size is None and isinstance(short, int) and short > 0:
        size = (_even(short * 16 / 9), short)  # the aspect follows the input video, which the mock never sees
    if size is None:
        size = parse_size(rules.default_size) or (1280, 720)
    return size[0], size[1], str(ratio) if ratio else None


def _fps(rules: MediaRules, body: Mapping[str, Any], tier: Any) -> int:
    """Frames per second: from a request field, a map keyed by a request field or the tier, or a constant."""
    rule = rules.fps
    if rules.fps_from:
        raw = lookup(body, rules.fps_from)
        if isinstance(raw, (int, float)) and raw > 0:
            return int(raw)
    if isinstance(rule, Mapping):
        key = lookup(body, rules.fps_by) if rules.fps_by else (str(tier).upper() if tier else None)
        picked = rule.get(key) if key is not None else None
        return int(picked if picked is not None else next(iter(rule.values()), 30))
    return int(rule)


def _ratio_value(ratio: str) -> float:
    a, _, b = ratio.partition(":")
    try:
        return float(a) / float(b)
    except (ValueError, ZeroDivisionError):
        return 1.0


def _even(x: float) -> int:
    return round(x / 2) * 2


@functools.lru_cache(maxsize=512)
def _parse(expr: str) -> ast.expr:
    return ast.parse(expr, mode="eval").body


def _calc(node: ast.expr, names: Mapping[str, Any]) -> Any:
    """Evaluate a usage formula: names, constants, `+` (numbers add, anything with a string joins), `*`, `-`."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise NameError(node.id)
        return names[node.id]
    if isinstance(node, ast.BinOp):
        a, b = _calc(node.left, names), _calc(node.right, names)
        if isinstance(node.op, ast.Add):
            return f"{a}{b}" if isinstance(a, str) or isinstance(b, str) else a + b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Sub):
            return a - b
    raise ValueError(f"usage formula: {ast.dump(node)} is not allowed")


def usage(profile: ModelProfile, f: Facts, succeeded_items: int | None = None,
          body: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The usage block on SUCCEEDED, evaluated from the model's formulas (spec `usage`).

    A formula is an expression over the fact names, a request path (`parameters.min_len`), a
    `{from: <request path>, map: {...}}` lookup, or a constant.
    """
    names = f.names()
    if succeeded_items is not None:
        names["output_count"] = succeeded_items
    out: dict[str, Any] = {}
    for key, expr in profile.usage.items():
        out[str(key)] = _evaluate(expr, names, body or {}, profile)
    return out


def _evaluate(expr: Any, names: Mapping[str, Any], body: Mapping[str, Any], profile: ModelProfile) -> Any:
    if isinstance(expr, Mapping) and "from" in expr:
        raw = lookup(body, str(expr["from"]))
        if raw is None:
            raw = expr.get("default", _schema_default(profile, str(expr["from"])))
        table = expr.get("map") or {}
        return table.get(raw, raw) if isinstance(table, Mapping) else raw
    if isinstance(expr, str):
        if expr.startswith(("input.", "parameters.")):
            raw = lookup(body, expr)
            return raw if raw is not None else _schema_default(profile, expr)
        try:
            return _calc(_parse(expr), names)
        except (NameError, SyntaxError, ValueError):
            return expr  # a bare word such as `standard` is a literal (usage video_ratio, §2.4)
    return expr


def _schema_default(profile: ModelProfile, dotted: str) -> Any:
    """The `default` the request schema documents for a dotted path (None when it has none)."""
    node: Any = profile.schema
    for part in dotted.split("."):
        props = node.get("properties", {}) if isinstance(node, Mapping) else {}
        if part not in props:
            return None
        node = props[part]
    return node.get("default") if isinstance(node, Mapping) else None
