"""Load `openapi/dashscope.yaml` once, and compile its request schemas into validators (cached)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry

# jsonschema, referencing, jsonschema_rs and yaml load on first use (~0.2 s together): a start that finds a
# parsed copy of the spec and serves health needs none of them

_PACKAGE = Path(str(files("mockserver")))
# the parsed copy a wheel ships beside its spec (setup.py); it serves any spec whose bytes it was made from
SHIPPED_COPY = _PACKAGE / "openapi" / "dashscope.json"


def spec_path() -> Path:
    """The spec: the copy a wheel packages in `mockserver/openapi/`, else the repository's (editable installs)."""
    packaged = _PACKAGE / "openapi" / "dashscope.yaml"
    return packaged if packaged.is_file() else _PACKAGE.parent / "openapi" / "dashscope.yaml"


SPEC_PATH = spec_path()
_BASE = "urn:dashscope-spec"
AIGC_PREFIX = "/api/v1/services/aigc/"


class Spec:
    """The parsed spec plus lookups the rest of the mock needs."""

    def __init__(self, doc: dict[str, Any], path: Path | None = None) -> None:
        self.doc = doc
        self.path = path
        self.schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
        self.examples: dict[str, Any] = doc.get("components", {}).get("examples", {})
        self.errors: dict[str, Any] = doc.get("x-dashscope-errors", {})
        self.resolutions: dict[str, Any] = doc.get("x-dashscope-resolutions", {})

    @functools.cached_property
    def _registry(self) -> Registry[Any]:
        """The spec as a JSON Schema resource, so `$ref`s into it resolve."""
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(self.doc, default_specification=DRAFT202012))
        return registry

    def model_schemas(self) -> dict[str, dict[str, Any]]:
        """Every request schema that carries `x-dashscope-model`, by schema name."""
        return {n: s for n, s in self.schemas.items() if isinstance(s, dict) and "x-dashscope-model" in s}

    def examples_for(self, model: str) -> list[tuple[str, Any]]:
        """The documented request examples whose body names `model`; ones that need no upload first."""
        found = [
            (k, e["value"])
            for k, e in self.examples.items()
            if isinstance(e.get("value"), Mapping) and e["value"].get("model") == model
        ]
        return sorted(found, key=lambda item: "oss://" in str(item[1]))

    def example_body(self, model: str) -> dict[str, Any] | None:
        """A documented request body for `model`: its own first example, else a sibling's (same schema)."""
        own = self.examples_for(model)
        if own:
            return dict(own[0][1])
        for schema in self.model_schemas().values():
            names = schema["x-dashscope-model"]["names"]
            if model in names:
                for other in names:
                    found = self.examples_for(other)
                    if found:
                        return {**found[0][1], "model": model}
        return None

    @functools.cache  # noqa: B019 - one Spec per process; the cache is the point
    def validator(self, schema_name: str) -> Draft202012Validator:
        """A compiled validator for `components.schemas[schema_name]`, refs resolved against the spec."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(
            {"$ref": f"{_BASE}#/components/schemas/{schema_name}"}, registry=self._registry
        )

    @functools.cache  # noqa: B019 - compiled once per schema, on first use
    def fast_validator(self, schema_name: str) -> Any:
        """A compiled (Rust) validator of the same schema: the yes/no check on the create path.

        Python jsonschema words the errors (validation.py); this only decides valid or not, about 100x
        faster. tests/test_validation_parity.py proves the two agree.
        """
        import jsonschema_rs

        root = {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": self.schemas}}
        return jsonschema_rs.Draft202012Validator(root)

    def validator_for(self, schema: Mapping[str, Any]) -> Draft202012Validator:
        """A validator for any schema fragment whose refs point into the spec."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(dict(schema), registry=self._registry)

    def __hash__(self) -> int:
        return id(self)


def load_document(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The YAML spec as plain Python data: from a parsed copy of the same bytes when one exists (spec/cache.py),
    else parsed, and then kept in the per-user cache for the next start."""
    raw = path.read_bytes()
    key = cache.digest(raw)
    for copy in (SHIPPED_COPY, cache.cache_file(key)):
        found = cache.read_copy(copy, key) if copy is not None else None
        if found is not None:
            return found
    import yaml

    # libyaml's loader is ~10x faster; the pure-Python one where it is missing
    doc: dict[str, Any] = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if isinstance(doc, dict):
        cache.write_copy(doc, key)
    return doc


@functools.lru_cache(maxsize=4)
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """The spec at `path`, parsed once per process."""
    return Spec(load_document(path), path)
