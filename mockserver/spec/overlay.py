"""Model overlays: models the spec lacks (or changes to ones it has), declared as data beside it.

An overlay is a YAML/JSON mapping `models: {<id>: {like: <existing id>, <x-dashscope-model key>: <value>, ...}}`.
Each entry becomes its own request schema: a copy of the `like` model's (or, without `like`, of the model's own),
serving only `<id>`, with the given `x-dashscope-model` keys laid over the copied ones (a mapping merges into the
mapping it replaces, key by key; anything else replaces the value). The spec's document is never edited: the
overlay is applied to a shallow copy of the parsed document, so the parsed-spec cache (cache.py, keyed on the
YAML's bytes) stays valid and an overlaid spec is kept per (spec, overlay) pair.

Errors are `OverlayError`, one line naming the entry and the key or model at fault.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from . import profiles
from .document import AIGC_PREFIX, SPEC_PATH, Spec, load_spec
from .profiles import _MODEL_KEYS, ModelProfile, Registry, SpecError

LIKE = "like"
SEPARATOR = "__"  # an overlay model's schema is `<its like model's schema>__<id>` (component names allow . - _)
# every x-dashscope-model key but `names`: the overlay entry's id is the one name its schema serves
OVERRIDABLE = frozenset(_MODEL_KEYS - {"names"})
DOCS = "docs/models.md"


# the shape of each x-dashscope-model value (openapi/README.md); what is inside is checked by the profiles
_TEXT, _MAP, _LIST = (str, "a string"), (Mapping, "a mapping"), (list, "a list")
_SHAPES: dict[str, tuple[Any, str]] = {
    "route": _TEXT, "sync_route": _TEXT, "mode": _TEXT, "validation": _TEXT, "result": _TEXT, "output": _MAP,
    "media": _MAP, "usage": _MAP, "timing": _MAP, "limits": _MAP, "rules": _LIST, "docs": _LIST, "choices": _LIST,
}


class OverlayError(SpecError):
    """An overlay the twin cannot apply: a wrong shape, an unknown key or an unknown model (one line)."""


def read_overlay(path: Path) -> dict[str, Any]:
    """The `models:` mapping of the overlay file at `path`, checked for shape (not yet against a spec)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise OverlayError(f"cannot read {path}: {' '.join(str(exc).split())}") from exc
    return overlay_models(data, str(path))


def overlay_models(data: Any, where: str = "overlay") -> dict[str, Any]:
    """The `models:` mapping of an overlay document (`{models: {...}}`), shape-checked; OverlayError otherwise."""
    if not isinstance(data, Mapping) or set(data) != {"models"}:
        keys = ", ".join(sorted(map(str, data))) if isinstance(data, Mapping) else type(data).__name__
        raise OverlayError(f"{where}: an overlay is one mapping `models: {{<id>: {{like: <id>, ...}}}}`, got {keys}")
    models = data["models"]
    if not isinstance(models, Mapping) or not models:
        raise OverlayError(f"{where}: `models:` must map at least one model id to its entry")
    for name, entry in models.items():
        if not isinstance(name, str) or not name.strip():
            raise OverlayError(f"{where}: model id {name!r} must be a non-empty string")
        if entry is None:
            entry = {}
        if not isinstance(entry, Mapping):
            raise OverlayError(f"{where}: models.{name} must be a mapping (like: <id>, <key>: <value>)")
        unknown = sorted(set(map(str, entry)) - OVERRIDABLE - {LIKE})
        if unknown:
            raise OverlayError(f"{where}: models.{name}: unknown key {', '.join(unknown)} "
                               f"(known: like, {', '.join(sorted(OVERRIDABLE))})")
        if LIKE in entry and not isinstance(entry[LIKE], str):
            raise OverlayError(f"{where}: models.{name}.like must be a model id")
        for key, value in entry.items():
            kind, what = _SHAPES.get(str(key), (object, ""))
            if value is not None and not isinstance(value, kind):
                raise OverlayError(f"{where}: models.{name}.{key}: {value!r} is not {what}")
    return {str(name): dict(entry or {}) for name, entry in models.items()}


def _merged(base: Any, change: Any) -> Any:
    """`change` laid over `base`: mappings merge key by key (recursively), anything else replaces."""
    if isinstance(base, Mapping) and isinstance(change, Mapping):
        out = dict(base)
        for key, value in change.items():
            out[key] = _merged(base.get(key), value)
        return out
    return change


def _schema_of(schemas: Mapping[str, Any], model: str) -> str | None:
    for name, schema in schemas.items():
        if isinstance(schema, Mapping) and model in (schema.get("x-dashscope-model") or {}).get("names", ()):
            return name
    return None


def apply_overlay(doc: Mapping[str, Any], models: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of the spec document `doc` with the overlay's models in it (`doc` itself is not changed).

    `like` always names a model as the spec has it (not as the overlay changes it), so the entries' order does
    not matter."""
    shipped: Mapping[str, Any] = doc.get("components", {}).get("schemas", {})
    schemas: dict[str, Any] = dict(shipped)
    examples: dict[str, Any] = dict(doc.get("components", {}).get("examples", {}))
    original = Spec(dict(doc))
    for name, entry in models.items():
        like = str(entry.get(LIKE, name))
        base_name = _schema_of(shipped, like)
        if base_name is None:
            if LIKE in entry:
                raise OverlayError(f"models.{name}.like: {like!r} is not a model of the spec "
                                   "(dashscope-mock models lists them)")
            raise OverlayError(f"models.{name} is not a model of the spec: declare it with "
                               "`like: <an existing id>` (dashscope-mock models lists them)")
        own = _schema_of(shipped, name)
        if own is not None:  # an existing model changed (or redeclared): it leaves the schema it shared
            schemas[own] = _without(schemas[own], name)
        base = shipped[base_name]
        ext = {k: v for k, v in base["x-dashscope-model"].items() if k != "names"}
        for key, value in entry.items():
            if key != LIKE:
                ext[key] = _merged(ext.get(key), value)
        schemas[f"{base_name}{SEPARATOR}{name}"] = _serving(base, name, ext)
        body = original.example_body(like)
        if body is not None and not original.examples_for(name):
            examples[f"overlay.{name}"] = {"summary": f"{name} (overlay, like {like})",
                                           "value": {**body, "model": name}}
    components = {**doc.get("components", {}), "schemas": schemas, "examples": examples}
    return {**doc, "components": components, "paths": _paths(doc.get("paths", {}), schemas, models)}


def _paths(paths: Mapping[str, Any], schemas: Mapping[str, Any], models: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `paths` whose create operations name the overlay's models (the request body's `oneOf` and
    discriminator, `x-dashscope-route`), so /openapi.json and /docs show them; copies only what changes."""
    out = dict(paths)
    for name in models:
        schema_name = next(n for n in schemas if n.endswith(f"{SEPARATOR}{name}"))
        ext = schemas[schema_name]["x-dashscope-model"]
        ref = f"#/components/schemas/{schema_name}"
        for route in filter(None, (ext.get("route"), ext.get("sync_route"))):
            for path in (f"{AIGC_PREFIX}{str(route).strip('/')}", f"{AIGC_PREFIX}{str(route).strip('/')}/"):
                post: dict[str, Any] = (out.get(path) or {}).get("post") or {}
                body = _dig(post, "requestBody", "content", "application/json", "schema")
                if not isinstance(body, Mapping) or not isinstance(body.get("oneOf"), list):
                    continue  # a route the spec does not document: served, not shown
                mapping = {**(body.get("discriminator") or {}).get("mapping", {}), name: ref}
                refs = [r for r in body["oneOf"] if r.get("$ref") != ref] + [{"$ref": ref}]
                schema = {**body, "oneOf": refs, "discriminator": {**body.get("discriminator", {}), "mapping": mapping}}
                content = {**post["requestBody"]["content"], "application/json": {
                    **post["requestBody"]["content"]["application/json"], "schema": schema}}
                route_ext = dict(post.get("x-dashscope-route") or {})
                route_ext["models"] = sorted({*route_ext.get("models", ()), name})
                out[path] = {**out[path], "post": {**post, "x-dashscope-route": route_ext,
                                                   "requestBody": {**post["requestBody"], "content": content}}}
    return out


def _dig(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _serving(schema: Mapping[str, Any], name: str, ext: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of request schema `schema` whose `model` field and extension name only `name`."""
    properties = dict(schema.get("properties") or {})
    model_field = dict(properties.get("model") or {"type": "string"})
    model_field.pop("const", None)
    model_field["enum"] = [name]
    properties["model"] = model_field
    return {**schema, "properties": properties, "x-dashscope-model": {"names": [name], **ext}}


def _without(schema: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A copy of `schema` that no longer serves `name` (its other names keep it)."""
    ext = dict(schema["x-dashscope-model"])
    ext["names"] = [n for n in ext["names"] if n != name]
    properties = dict(schema.get("properties") or {})
    model_field = dict(properties.get("model") or {})
    if isinstance(model_field.get("enum"), list):
        model_field["enum"] = [n for n in model_field["enum"] if n != name]
    properties["model"] = model_field
    return {**schema, "properties": properties, "x-dashscope-model": ext}


def overlaid_spec(models: Mapping[str, Mapping[str, Any]], path: Path = SPEC_PATH, where: str = "overlay") -> Spec:
    """The spec at `path` with the overlay `models` applied and checked as strictly as the spec itself; one
    overlaid spec per (spec, overlay) pair and process."""
    checked = overlay_models({"models": models}, where)
    try:
        return _overlaid(orjson.dumps(checked, option=orjson.OPT_SORT_KEYS).decode(), path)
    except OverlayError as exc:
        raise OverlayError(f"{where}: {exc}") from exc


@functools.lru_cache(maxsize=8)
def _overlaid(key: str, path: Path) -> Spec:
    models: dict[str, Any] = orjson.loads(key)
    spec = Spec(apply_overlay(load_spec(path).doc, models), path)
    try:
        registry = Registry(spec)
    except SpecError as exc:  # a nested key the profiles do not know, or a wrong value: name the entry
        text = str(exc)
        for name in models:
            text = text.replace(f"components.schemas.{_schema_named(spec, name)}.x-dashscope-model", f"models.{name}")
        raise OverlayError(text) from exc
    except (TypeError, KeyError, AttributeError) as exc:
        culprit = next((n for n in models if not _builds(load_spec(path).doc, n, models[n])), None)
        named = f"models.{culprit}: " if culprit else ""
        raise OverlayError(f"{named}a value has the wrong type ({exc})") from exc
    for name in models:
        _check_types(registry.models[name], name)
        result = registry.models[name].result_schema
        if result is not None and result not in spec.schemas:
            raise OverlayError(f"models.{name}.result: {result!r} is not a schema of the spec")
    return spec


def _builds(doc: Mapping[str, Any], name: str, entry: Mapping[str, Any]) -> bool:
    """Whether the overlay entry `name` alone makes a readable registry (to name the entry at fault)."""
    try:
        Registry(Spec(apply_overlay(doc, {name: entry})))
    except (SpecError, TypeError, KeyError, AttributeError):
        return False
    return True


def _schema_named(spec: Spec, model: str) -> str:
    return _schema_of(spec.schemas, model) or model


def overlay_option(value: Any, where: str = "models") -> dict[str, Any] | None:
    """The overlay `models:` mapping from a file path, an overlay document `{models: {...}}` or the bare
    `{<id>: {...}}` mapping (the fixture marker's `models=` takes any of them), checked against the spec."""
    if value is None:
        return None
    if isinstance(value, str | Path):
        models = read_overlay(Path(value))
        where = str(value)
    elif isinstance(value, Mapping):
        models = overlay_models(value if set(value) == {"models"} else {"models": value}, where)
    else:
        raise OverlayError(f"{where}: expected an overlay file path or mapping, got {type(value).__name__}")
    overlaid_spec(models, where=where)  # raises OverlayError on an unknown model, key or value
    return models


# overlay key -> (ModelProfile attribute, the types it may hold)
_TOP: dict[str, tuple[str, Any]] = {"route": ("route", str), "sync_route": ("sync_route", (str, type(None))),
                                    "result": ("result_schema", (str, type(None))), "usage": ("usage", Mapping)}
_PARTS = ("output", "media", "timing", "limits")


def _check_types(profile: ModelProfile, name: str) -> None:
    """Every value of an overlay model's profile has the type its field declares (the spec's own values are
    checked by the spec's tests; an overlay's are the user's, and a wrong one must not surface as a 500 later)."""
    for key, (attribute, kind) in _TOP.items():
        if not isinstance(getattr(profile, attribute), kind):
            raise OverlayError(f"models.{name}.{key}: {getattr(profile, attribute)!r} has the wrong type")
    for part in _PARTS:
        value = getattr(profile, part)
        hints = typing.get_type_hints(type(value), vars(profiles))
        for f in dataclasses.fields(value):
            got = getattr(value, f.name)
            if not _fits(got, hints[f.name]):
                raise OverlayError(f"models.{name}.{part}.{f.name}: {got!r} is not a {_shown(hints[f.name])}")


def _fits(value: Any, hint: Any) -> bool:
    """Whether `value` is of the (simple) declared type `hint`: unions, Mapping, tuple, list, scalars, Any."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is type(None):
        return value is None
    base = origin or hint
    if base is Mapping or base is typing.Mapping:
        return isinstance(value, Mapping)
    return isinstance(value, base)


def _shown(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "").replace("collections.abc.", "")
