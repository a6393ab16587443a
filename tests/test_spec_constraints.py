"""For every model: each kind of documented rule gets an invalid probe (rejected, message names the field)
and a valid one (accepted). Probes come from the schema itself and from the spec's `x-dashscope-cases`."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.domain.validation import RequestValidator
from mockserver.spec.document import load_spec
from mockserver.spec.profiles import ModelProfile, Registry

SPEC = load_spec()
REGISTRY = Registry(SPEC)
VALIDATOR = RequestValidator(SPEC)
SCHEMAS = sorted({p.schema_name: p for p in REGISTRY.models.values()}.values(), key=lambda p: p.schema_name)


def set_path(doc: Any, path: str, value: Any) -> None:
    """Set a dotted path (integer segments index lists; one past the end appends)."""
    parts = path.split(".")
    cur = doc
    for i, p in enumerate(parts[:-1]):
        key: Any = int(p) if p.isdigit() else p
        if isinstance(cur, list):
            while len(cur) <= key:
                cur.append({})
            cur = cur[key]
        else:
            cur = cur.setdefault(key, [] if parts[i + 1].isdigit() else {})
    last = parts[-1]
    if isinstance(cur, list):
        k = int(last)
        if k == len(cur):
            cur.append(value)
        else:
            cur[k] = value
    else:
        cur[last] = value


def unset_path(doc: Any, path: str) -> None:
    """Remove a dotted path if present."""
    parts = path.split(".")
    cur = doc
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur.get(p, {})
    if isinstance(cur, list):
        del cur[int(parts[-1])]
    elif isinstance(cur, dict):
        cur.pop(parts[-1], None)


def probes(profile: ModelProfile) -> Iterator[tuple[str, str, list[Any], Any]]:
    """(kind, field path, valid candidates, invalid value) for each unconditional rule of input/parameters."""
    schema = SPEC.schemas[profile.schema_name]
    for section in ("input", "parameters"):
        block = schema.get("properties", {}).get(section, {})
        for name, field in block.get("properties", {}).items():
            if not isinstance(field, dict):
                continue
            path = f"{section}.{name}"
            if "enum" in field:
                yield "enum", path, list(field["enum"]), "__not_a_documented_value__"
            if "minimum" in field:
                yield "range", path, [field["minimum"], field.get("maximum", field["minimum"])], field["minimum"] - 1
            if "maximum" in field:
                yield "range", path, [field["maximum"], field.get("minimum", field["maximum"])], field["maximum"] + 1
            if "maxLength" in field:
                yield "length", path, ["a" * field["maxLength"], "a"], "a" * (field["maxLength"] + 1)
            if "x-dashscope-size" in field:
                bounds = field["x-dashscope-size"]
                side = int(bounds["max_pixels"] ** 0.5) + 8
                yield "size", path, [field.get("default", "1280*1280")], f"{side}*{side}"
            if "maxItems" in field and field.get("items", {}).get("type") == "string":
                n = field["maxItems"]
                yield "array", path, [[f"https://example.com/{i}.png" for i in range(n)]], [
                    f"https://example.com/{i}.png" for i in range(n + 1)]
            if field.get("type") in ("integer", "string", "boolean") and "enum" not in field:
                valid = {"integer": [field.get("default", field.get("minimum", 1))],
                         "string": [field.get("default", "x"), "https://example.com/a.png"],
                         "boolean": [True, False]}[field["type"]]
                yield "type", path, valid, [["wrong", "type"]]
        for name in block.get("required", []):
            yield "required", f"{section}.{name}", [], None


@pytest.mark.parametrize("profile", SCHEMAS, ids=[p.schema_name for p in SCHEMAS])
def test_documented_rules_accept_and_reject(profile: ModelProfile) -> None:
    base = SPEC.example_body(profile.name)
    assert base is not None
    assert VALIDATOR.errors(profile, base) == []
    kinds = set()
    for kind, path, valid, invalid in probes(profile):
        kinds.add(kind)
        bad = copy.deepcopy(base)
        if kind == "required":
            unset_path(bad, path)
        else:
            set_path(bad, path, invalid)
        errors = VALIDATOR.errors(profile, bad)
        assert errors, f"{kind} {path}={invalid!r} was accepted"
        # a captured message names the field in its own words ("Duration should be between 2 and 15")
        leaf = path.rsplit(".", 1)[-1].lower()
        assert any(path in e or leaf in e.lower() for e in errors), f"no message names {path}: {errors}"
        if kind == "required":
            assert any(e == f"Field required: {path}" for e in errors), errors
            continue
        if kind == "type" and path.split(".")[1] not in base.get(path.split(".")[0], {}):
            continue  # a field the example leaves out may be conditional: its valid side is the cases' job
        accepted = []
        current = base.get(path.split(".")[0], {}).get(path.split(".")[1], None)
        for value in ([current] if current is not None and kind == "type" else []) + valid:
            good = copy.deepcopy(base)
            set_path(good, path, value)
            if not VALIDATOR.errors(profile, good):
                accepted.append(value)
        assert accepted, f"no documented value of {path} is accepted ({kind}): {valid!r}"
    assert kinds or profile.mode == "sync" or SPEC.schemas[profile.schema_name].get("x-dashscope-cases"), profile.name


def first_example(schema_name: str) -> dict[str, Any]:
    """The first documented example (spec order) of any model of the schema: what the cases patch."""
    names = SPEC.schemas[schema_name]["x-dashscope-model"]["names"]
    for example in SPEC.examples.values():
        if example["value"].get("model") in names:
            return copy.deepcopy(example["value"])
    raise AssertionError(f"no example for {schema_name}")


@pytest.mark.parametrize("profile", SCHEMAS, ids=[p.schema_name for p in SCHEMAS])
def test_spec_cases_behave_as_declared(profile: ModelProfile) -> None:
    cases = SPEC.schemas[profile.schema_name].get("x-dashscope-cases", [])
    base = first_example(profile.schema_name)
    profile = REGISTRY.models[base["model"]]
    for case in cases:
        body = copy.deepcopy(base)
        for path in case.get("unset", []):
            unset_path(body, path)
        for path, value in case.get("set", {}).items():
            set_path(body, path, value)
        errors = VALIDATOR.errors(profile, body)
        assert (errors == []) == case["valid"], f"{case.get('why')}: {errors}"


def test_conditional_rules_have_both_sides() -> None:
    """Schemas with conditionals (if/then, anyOf, contains...) declare valid and invalid probes for them."""
    for profile in SCHEMAS:
        text = str(SPEC.schemas[profile.schema_name])
        if any(k in text for k in ("'if'", "'anyOf'", "'oneOf'", "'contains'", "'dependentRequired'")):
            verdicts = {c["valid"] for c in SPEC.schemas[profile.schema_name].get("x-dashscope-cases", [])}
            assert verdicts == {True, False}, profile.schema_name
