"""Where the media fields of a request are: each string the schema annotates with `x-dashscope-media`."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from ..spec.document import Spec
from ..spec.profiles import ModelProfile

FieldPath = tuple[str | int, ...]
INPUT_SCHEMES = ("oss://", "data:", "http://", "https://")  # the only strings the input checks act on


class MediaFields:
    """Which request fields are media, with their `x-dashscope-media` limits, for a given body."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._validators: dict[int, Any] = {}

    def _holds(self, schema: Mapping[str, Any], instance: Any) -> bool:
        validator = self._validators.get(id(schema))
        if validator is None:
            validator = self._validators[id(schema)] = self.spec.validator_for(schema)
        return bool(validator.is_valid(instance))

    def find(self, schema: Any, instance: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
        """(path, media limits) for every string of `instance` that `schema` annotates as media.

        Alternatives (`anyOf`/`oneOf`) all count, so a field that may be an image or a video yields both;
        `if`/`then`/`else` follows the branch the instance takes.
        """
        if not isinstance(schema, Mapping):
            return
        media = schema.get("x-dashscope-media")
        if isinstance(media, Mapping) and isinstance(instance, str):
            yield path, dict(media)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()) or ():
                yield from self.find(sub, instance, path)
        if isinstance(schema.get("if"), Mapping):
            branch = schema.get("then") if self._holds(schema["if"], instance) else schema.get("else")
            yield from self.find(branch, instance, path)
        if isinstance(instance, Mapping):
            for name, sub in (schema.get("properties") or {}).items():
                if name in instance:
                    yield from self.find(sub, instance[name], (*path, name))
        elif isinstance(instance, list):
            prefix = schema.get("prefixItems") or []
            for i, item in enumerate(instance):
                sub = prefix[i] if i < len(prefix) else schema.get("items")
                yield from self.find(sub, item, (*path, i))


@functools.lru_cache(maxsize=4)
def media_fields(spec: Spec) -> MediaFields:
    """The media-field finder of `spec` (one per spec, its compiled `if` validators cached)."""
    return MediaFields(spec)


def pattern(path: FieldPath) -> str:
    """A concrete path as the spec writes field paths: ('input', 'media', 0, 'url') -> 'input.media[].url'."""
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (("." if out else "") + part)
    return out


def strings(node: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(path, value) of every string in a request body, depth first."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, Mapping):
        for k, v in node.items():
            yield from strings(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from strings(v, (*path, i))


def url_rule_patterns(profile: ModelProfile) -> set[str]:
    """The field patterns a `url` rule of the model names (input fields that hold a URL but no media limits)."""
    return {f for rule in profile.rules if rule.rule == "url" for f in rule.fields}

