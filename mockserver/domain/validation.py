"""Request validation: the spec's compiled schemas plus its `rules`, with pydantic-style messages.

The real service reports parameter errors the way pydantic words them, e.g. "Field required: input.media"
and "Input should be '1080P' or '720P': parameters.resolution" (docs/behaviour.md §1.4). Every
message names the field and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..spec.document import Spec
from ..spec.profiles import ModelProfile, Rule
from .wording import alternatives, describe, override

if TYPE_CHECKING:  # jsonschema loads only once a body fails the fast check (spec/document.py)
    from jsonschema import ValidationError

__all__ = ["RequestValidator", "describe"]


_ABSENT = object()


def _is_mapping(node: Any) -> bool:
    return type(node) is dict or isinstance(node, Mapping)  # parsed JSON is dicts: skip the slow ABC check


def _at(doc: Any, parts: list[str] | tuple[str, ...]) -> Any:
    """The value at a plain dotted path (split into `parts`), or _ABSENT."""
    node = doc
    for key in parts:
        if not _is_mapping(node) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def _get(doc: Any, dotted: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, value) for a dotted path; `[]` fans out over list items."""
    parts = dotted.split(".")
    if "[]" not in dotted:  # the common case: a plain path, no recursion needed
        node = _at(doc, parts)
        if node is not _ABSENT:
            yield dotted, node
        return

    def walk(node: Any, i: int, trail: list[str]) -> Iterator[tuple[str, Any]]:
        if i == len(parts):
            yield ".".join(trail), node
            return
        key = parts[i]
        fan = key.endswith("[]")
        key = key.removesuffix("[]")
        if not _is_mapping(node) or key not in node:
            return
        child = node[key]
        if fan:
            if isinstance(child, list):
                for n, item in enumerate(child):
                    yield from walk(item, i + 1, [*trail, key, str(n)])
        else:
            yield from walk(child, i + 1, [*trail, key])

    yield from walk(doc, 0, [])


_URL_SCHEMES = ("http://", "https://", "oss://", "data:")


def _rule_errors(rule: Rule, body: Mapping[str, Any]) -> Iterator[str]:
    kind = rule.rule
    fields = rule.fields
    if kind == "same_length":
        lengths = {f: len(v) for f in fields for _, v in _get(body, f) if isinstance(v, list)}
        if len(lengths) == len(fields) and len(set(lengths.values())) > 1:
            yield rule.message or f"{' and '.join(fields)} must be the same length."
    elif kind == "combined_length" and rule.max is not None:
        texts = [v for f in fields for _, v in _get(body, f) if isinstance(v, str)]
        if sum(text_units(t) for t in texts) > rule.max:
            names = " and ".join(f.rsplit(".", 1)[-1] for f in fields)
            yield rule.message or (f"Value error, {names} together should have at most {_number(rule.max)} "
                                   f"Chinese characters and English words: {_parent(fields)}")
    elif kind == "box_ratio":
        for f in fields:
            for where, box in _get(body, f):
                if _box_off(box, rule.ratios, rule.tolerance):
                    yield rule.message or (f"Value error, the box's width:height should be "
                                           f"{' or '.join(rule.ratios)}: {where}")
    elif kind == "url":
        for f in fields:
            if "[]" not in f:  # a plain path: no generator
                value = _at(body, f.split("."))
                if isinstance(value, str) and not value.startswith(_URL_SCHEMES):
                    yield f"Value error, url should be an http(s), oss:// or data: URL: {f}"
                continue
            for where, value in _get(body, f):
                if isinstance(value, str) and not value.startswith(_URL_SCHEMES):
                    yield f"Value error, url should be an http(s), oss:// or data: URL: {where}"


_UNITS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


def text_units(text: str) -> int:
    """Length as the docs count it when they mix languages: each Chinese character and each English word is one."""
    return len(_UNITS.findall(text))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _parent(fields: tuple[str, ...]) -> str:
    """The object the fields share (`input` for input.a and input.b)."""
    heads = {f.rsplit(".", 1)[0] for f in fields if "." in f}
    return heads.pop() if len(heads) == 1 else ", ".join(fields)


def _box_off(box: Any, ratios: tuple[str, ...], tolerance: float) -> bool:
    """Whether an [x1, y1, x2, y2] box of numbers has none of the width:height `ratios` (other shapes: the schema's)."""
    if not (isinstance(box, list) and len(box) == 4 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in box)):
        return False
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    if not width or not height:
        return True
    wanted = []
    for ratio in ratios:
        a, _, b = ratio.partition(":")
        wanted.append(float(a) / float(b))
    return not any(abs(width / height - w) <= tolerance * w for w in wanted)


def _size_fields(schema_name: str, spec: Spec) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The `input`/`parameters` fields of a schema that carry `x-dashscope-size` (pixel-area bounds)."""
    schema = spec.schemas[schema_name]
    found = []
    for section in ("input", "parameters"):
        props = schema.get("properties", {}).get(section, {}).get("properties", {})
        for name, field in props.items():
            if isinstance(field, Mapping) and isinstance(field.get("x-dashscope-size"), Mapping):
                found.append((f"{section}.{name}", dict(field["x-dashscope-size"])))
    return tuple(found)


_SIZE = re.compile(r"\s*(\d+)\s*\*\s*(\d+)\s*")


def _size_errors(where: str, bounds: Mapping[str, Any], body: Mapping[str, Any]) -> Iterator[str]:
    """A `W*H` size outside its documented total-pixel or aspect-ratio range (JSON Schema cannot say it)."""
    for _, value in _get(body, where):
        m = _SIZE.fullmatch(value) if isinstance(value, str) else None
        if not m:
            continue
        w, h = int(m.group(1)), int(m.group(2))
        pixels, ratio = w * h, w / h if h else 0.0
        if not bounds.get("min_pixels", 0) <= pixels <= bounds.get("max_pixels", pixels):
            yield (f"Value error, total pixels should be between {bounds.get('min_pixels', 0)} and "
                   f"{bounds.get('max_pixels')}: {where}")
        elif not bounds.get("min_ratio", 0) <= ratio <= bounds.get("max_ratio", ratio):
            yield (f"Value error, aspect ratio should be between {bounds.get('min_ratio')} and "
                   f"{bounds.get('max_ratio')}: {where}")


@dataclass(frozen=True, slots=True)
class _Checks:
    """A model's checks beyond its schema, in the order they report: URL rules (rank 1), pixel sizes (rank 4),
    the other rules across fields (rank 5)."""

    urls: tuple[Rule, ...]
    sizes: tuple[tuple[str, dict[str, Any]], ...]
    across: tuple[Rule, ...]

    def messages(self, rank: int, body: Mapping[str, Any]) -> list[str]:
        """The problems of one rank's checks with `body`."""
        if rank == 1:
            return [m for rule in self.urls for m in _rule_errors(rule, body)]
        if rank == 4:
            return [m for where, bounds in self.sizes for m in _size_errors(where, bounds, body)]
        return [m for rule in self.across for m in _rule_errors(rule, body)]


class RequestValidator:
    """Validate create bodies against the model's schema and rules; compiled validators are cached."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._checks: dict[str, _Checks] = {}  # by model name: built once, read on every create

    def _checks_of(self, profile: ModelProfile) -> _Checks:
        checks = self._checks.get(profile.name)
        if checks is None:
            checks = self._checks[profile.name] = _Checks(
                tuple(r for r in profile.rules if r.rule == "url"), _size_fields(profile.schema_name, self.spec),
                tuple(r for r in profile.rules if r.rule != "url"))
        return checks

    def errors(self, profile: ModelProfile, body: Mapping[str, Any]) -> list[str]:
        """Every problem with `body` for `profile`, most relevant first; empty when valid."""
        body = _without_nulls(body)
        checks = self._checks_of(profile)
        if self.spec.fast_validator(profile.schema_name).is_valid(body):  # the usual case: only the rules
            return [*checks.messages(1, body), *checks.messages(4, body), *checks.messages(5, body)]
        found = self.spec.validator(profile.schema_name).iter_errors(body)
        # pydantic checks each field before the rules across fields (an `after` model validator never runs on a
        # request whose fields already failed), so a broken field is reported before the combination it breaks
        ranked: dict[int, list[ValidationError]] = {}
        for error in found:
            ranked.setdefault(_rank(error), []).append(error)
        messages: list[str] = []
        for rank in sorted({*ranked, 1, 4, 5}):
            group = ranked.get(rank, [])
            if group:
                first = _best_match(group)
                messages.append(describe(_deepest(first)))
                messages.extend(describe(_deepest(e)) for e in group if e is not first)
            if rank in (1, 4, 5):
                messages.extend(checks.messages(rank, body))
        return messages

    def first_error(self, profile: ModelProfile, body: Mapping[str, Any]) -> str | None:
        """The most relevant problem with `body`, or None."""
        errs = self.errors(profile, body)
        return errs[0] if errs else None


def _without_nulls(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """`input`/`parameters` fields sent as null count as absent: the official SDK sends `"prompt": null`
    whenever no prompt is given, and the documented effect-template examples do just that
    (docs/sdk-wire.md §2.2; 003 L4546-4574)."""
    cleaned = None
    for part in ("input", "parameters"):
        value = body.get(part)
        if value is not None and _is_mapping(value) and None in value.values():
            cleaned = dict(body) if cleaned is None else cleaned
            cleaned[part] = {k: v for k, v in value.items() if v is not None}
    return body if cleaned is None else cleaned


_ACROSS = frozenset({"contains", "minContains", "maxContains", "dependentRequired", "uniqueItems"})


def _rank(error: ValidationError) -> int:
    """0: a field's own rule; 2: one that applies only in a conditional branch; 6: a rule across fields or items.

    (1, 4 and 5 are the spec's `rules` and size checks, run between them.)
    """
    v = error.validator
    across = v in _ACROSS or (v == "not" and error.validator_value not in ({}, True)) or (
        v in ("anyOf", "oneOf") and (alternatives(error.validator_value) or ("", ""))[0] != "scalar")
    if across:
        return 6
    return 2 if any(part in ("then", "else") for part in error.absolute_schema_path) else 0


def _best_match(errors: Iterable[ValidationError]) -> ValidationError:
    """jsonschema's pick of the most relevant of `errors` (not empty)."""
    from jsonschema.exceptions import best_match

    found: ValidationError = best_match(errors)
    return found


def _deepest(error: ValidationError) -> ValidationError:
    """Descend into anyOf/oneOf contexts to the error that names a concrete field.

    Not past a subschema with its own wording, nor past alternatives that read better as a whole ("at least one
    of prompt_text_zh or prompt_text_en is required", "Input should be 0 or between 2 and 10").
    """
    while error.context and override(error) is None and not (
            error.validator in ("anyOf", "oneOf") and alternatives(error.validator_value)):
        error = _best_match(error.context)
    return error
