"""Request validation: the spec's compiled schemas plus its `rules`, with pydantic-style messages.

The real service reports parameter errors the way pydantic words them, e.g. "Field required: input.media"
and "Input should be '1080P' or '720P': parameters.resolution" (docs/behaviour.md §1.4). Every
message names the field and the rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match

from ..spec.document import Spec
from ..spec.profiles import ModelProfile, Rule

_TYPE_WORDS = {
    "string": "a valid string",
    "integer": "a valid integer",
    "number": "a valid number",
    "boolean": "a valid boolean",
    "array": "a valid list",
    "object": "a valid dictionary",
    "null": "None",
}


def _path(parts: Sequence[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _quote_list(values: Sequence[Any]) -> str:
    quoted = [f"'{v}'" if isinstance(v, str) else str(v) for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def describe(error: ValidationError) -> str:
    """Turn one jsonschema error into a pydantic-style message that names the field and the rule."""
    custom = error.schema.get("x-dashscope-message") if isinstance(error.schema, Mapping) else None
    where = _path(error.absolute_path)
    v = error.validator
    arg: Any = error.validator_value
    instance: Any = error.instance
    if v == "required":
        missing = [f for f in arg if isinstance(instance, Mapping) and f not in instance]
        field = ".".join(filter(None, [where, missing[0] if missing else ""]))
        return f"Field required: {field}"
    if custom:
        return f"{custom}: {where}" if where else str(custom)
    if v == "enum":
        text = f"Input should be {_quote_list(arg)}"
    elif v == "const":
        text = f"Input should be {_quote_list([arg])}"
    elif v == "type":
        types = [arg] if isinstance(arg, str) else list(arg)
        text = "Input should be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    elif v == "minimum":
        text = f"Input should be greater than or equal to {arg}"
    elif v == "maximum":
        text = f"Input should be less than or equal to {arg}"
    elif v == "exclusiveMinimum":
        text = f"Input should be greater than {arg}"
    elif v == "exclusiveMaximum":
        text = f"Input should be less than {arg}"
    elif v == "minLength":
        text = f"String should have at least {arg} characters"
    elif v == "maxLength":
        text = f"String should have at most {arg} characters"
    elif v == "pattern":
        text = f"String should match pattern '{arg}'"
    elif v == "minItems":
        text = f"List should have at least {arg} items after validation, not {len(instance)}"
    elif v == "maxItems":
        text = f"List should have at most {arg} items after validation, not {len(instance)}"
    elif v in ("contains", "minContains", "maxContains"):
        text = f"Value error, {v} rule not met ({error.message})"
    elif v == "uniqueItems":
        text = "Value error, list items should be unique"
    else:
        text = f"Value error, {error.message}"
    return f"{text}: {where}" if where else text


def _get(doc: Any, dotted: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, value) for a dotted path; `[]` fans out over list items."""
    parts = dotted.split(".")
    if "[]" not in dotted:  # the common case: a plain path, no recursion needed
        node = doc
        for key in parts:
            if not isinstance(node, Mapping) or key not in node:
                return
            node = node[key]
        yield dotted, node
        return

    def walk(node: Any, i: int, trail: list[str]) -> Iterator[tuple[str, Any]]:
        if i == len(parts):
            yield ".".join(trail), node
            return
        key = parts[i]
        fan = key.endswith("[]")
        key = key.removesuffix("[]")
        if not isinstance(node, Mapping) or key not in node:
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
    fields = list(rule.fields)
    if kind == "same_length":
        lengths = {f: len(v) for f in fields for _, v in _get(body, f) if isinstance(v, list)}
        if len(lengths) == len(fields) and len(set(lengths.values())) > 1:
            yield rule.message or f"{' and '.join(fields)} must be the same length."
    elif kind == "url":
        for f in fields:
            for where, value in _get(body, f):
                if isinstance(value, str) and not value.startswith(_URL_SCHEMES):
                    yield f"Value error, url should be an http(s), oss:// or data: URL: {where}"


@functools.lru_cache(maxsize=256)
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


def _size_errors(where: str, bounds: Mapping[str, Any], body: Mapping[str, Any]) -> Iterator[str]:
    """A `W*H` size outside its documented total-pixel or aspect-ratio range (JSON Schema cannot say it)."""
    for _, value in _get(body, where):
        m = re.fullmatch(r"\s*(\d+)\s*\*\s*(\d+)\s*", value) if isinstance(value, str) else None
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


class RequestValidator:
    """Validate create bodies against the model's schema and rules; compiled validators are cached."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def errors(self, profile: ModelProfile, body: Mapping[str, Any]) -> list[str]:
        """Every problem with `body` for `profile`, most relevant first; empty when valid."""
        body = _without_nulls(body)
        fast = self.spec.fast_validator(profile.schema_name)
        found = [] if fast.is_valid(body) else list(self.spec.validator(profile.schema_name).iter_errors(body))
        messages: list[str] = []
        if found:
            first = best_match(found)
            messages.append(describe(_deepest(first)))
            messages.extend(describe(_deepest(e)) for e in found if e is not first)
        for rule in profile.rules:
            messages.extend(_rule_errors(rule, body))
        for where, bounds in _size_fields(profile.schema_name, self.spec):
            messages.extend(_size_errors(where, bounds, body))
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
        if isinstance(value, Mapping) and None in value.values():
            cleaned = dict(body) if cleaned is None else cleaned
            cleaned[part] = {k: v for k, v in value.items() if v is not None}
    return body if cleaned is None else cleaned


def _deepest(error: ValidationError) -> ValidationError:
    """Descend into anyOf/oneOf/if-then contexts to the error that names a concrete field."""
    while error.context and not (isinstance(error.schema, Mapping) and "x-dashscope-message" in error.schema):
        error = best_match(error.context)
    return error
