"""Validate responses against the spec: the response schema the operation declares for the status, and for a
SUCCEEDED task the model's `x-dashscope-model.result` schema."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from mockserver.spec.document import Spec
from mockserver.spec.profiles import Registry

_BASE = "urn:dashscope-spec"  # the id mockserver.spec.document registers the whole document under
_METHODS = ("get", "post", "put", "delete", "patch")


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


class ResponseValidator:
    """Find the operation for (method, path) and check a response against what the spec declares."""

    def __init__(self, spec: Spec, registry: Registry) -> None:
        self.spec = spec
        self.registry = registry
        self._ops: list[tuple[re.Pattern[str], str, str]] = []
        for template, item in spec.doc.get("paths", {}).items():
            for method in _METHODS:
                if method in item:
                    regex = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
                    regex = re.sub(r"{[^}/]+}", "[^/]+", regex)
                    self._ops.append((re.compile(f"^{regex}$"), method, template))

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """(path template, operation object) for a request, or None when the spec has no such route."""
        method = method.lower()
        for regex, m, template in self._ops:
            if m == method and regex.match(path):
                op: dict[str, Any] = self.spec.doc["paths"][template][method]
                return template, op
        return None

    def _response_pointer(self, template: str, method: str, status: int) -> str | None:
        responses = self.spec.doc["paths"][template][method.lower()].get("responses", {})
        key = str(status) if str(status) in responses else ("default" if "default" in responses else None)
        if key is None:
            return None
        pointer = _pointer("paths", template, method.lower(), "responses", key)
        response = responses[key]
        if "$ref" in response:  # a shared response object, e.g. #/components/responses/Error
            pointer = str(response["$ref"]).removeprefix("#")
            response = self._resolve(pointer)
        if "application/json" not in response.get("content", {}):
            return ""
        return pointer + _pointer("content", "application/json", "schema")

    def _resolve(self, pointer: str) -> Any:
        node: Any = self.spec.doc
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @functools.lru_cache(maxsize=256)  # noqa: B019 - a handful of pointers, one validator each per session
    def _validator(self, pointer: str) -> Draft202012Validator:
        return self.spec.validator_for({"$ref": f"{_BASE}#{pointer}"})

    def errors(self, method: str, path: str, status: int, body: Any, model: str | None = None) -> list[
            tuple[str, str, Any]]:
        """Every (field, problem, value) of a response; empty when it conforms. Unknown routes are not checked."""
        found = self.operation(method, path)
        if found is None:
            return []
        template, _ = found
        pointer = self._response_pointer(template, method, status)
        where = f"{method.upper()} {template}"
        if pointer is None:
            return [("HTTP status", f"{status} is not a declared response of {where}", status)]
        problems = _problems(self._validator(pointer), body) if pointer else []
        output = body.get("output") if isinstance(body, Mapping) else None
        if (model and status == 200 and isinstance(output, Mapping) and output.get("task_status") == "SUCCEEDED"):
            profile = self.registry.model(model)
            if profile is not None and profile.result_schema:
                problems += [(f, f"{p} ({profile.result_schema})", v)
                             for f, p, v in _problems(self.spec.validator(profile.result_schema), body)]
        return problems


def _problems(validator: Draft202012Validator, body: Any) -> list[tuple[str, str, Any]]:
    out = []
    for error in validator.iter_errors(body):
        for leaf in _leaves(error):
            where = leaf.json_path.removeprefix("$.").removeprefix("$") or "(body)"
            value = leaf.instance if not isinstance(leaf.instance, dict | list) else type(leaf.instance).__name__
            out.append((where, f"{leaf.validator}: {leaf.message}", value))
    return out


def _leaves(error: ValidationError) -> list[ValidationError]:
    """Inside a oneOf/anyOf, the errors of the branch that came closest name the real problem.

    The closest branch is the one whose discriminating `const` (e.g. `task_status`) matched, then the one
    with the fewest errors.
    """
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)
    ranked = sorted(branches.values(),
                    key=lambda errs: (any(e.validator in ("const", "enum") for e in errs), len(errs)))
    if not ranked:
        return [best_match([error])]
    return [leaf for sub in ranked[0] for leaf in _leaves(sub)]
