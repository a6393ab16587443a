"""The fast (Rust) validator and Python jsonschema agree on every example and every documented probe."""

from __future__ import annotations

import copy

import pytest

from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry
from tests.test_spec_constraints import first_example, probes, set_path, unset_path

SPEC = load_spec()
REGISTRY = Registry(SPEC)
SCHEMAS = sorted({p.schema_name for p in REGISTRY.models.values()})


def bodies(schema_name: str):  # type: ignore[no-untyped-def]
    """Every example of the schema, each case mutation, and each schema-derived probe."""
    names = SPEC.schemas[schema_name]["x-dashscope-model"]["names"]
    for example in SPEC.examples.values():
        if example["value"].get("model") in names:
            yield example["value"]
    base = first_example(schema_name)
    for case in SPEC.schemas[schema_name].get("x-dashscope-cases", []):
        body = copy.deepcopy(base)
        for path in case.get("unset", []):
            unset_path(body, path)
        for path, value in case.get("set", {}).items():
            set_path(body, path, value)
        yield body
    for kind, path, valid, invalid in probes(REGISTRY.models[base["model"]]):
        for value in [*valid, invalid]:
            body = copy.deepcopy(base)
            if kind == "required":
                unset_path(body, path)
            else:
                set_path(body, path, value)
            yield body


@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_fast_and_python_validators_agree(schema_name: str) -> None:
    fast, slow = SPEC.fast_validator(schema_name), SPEC.validator(schema_name)
    checked = 0
    for body in bodies(schema_name):
        assert fast.is_valid(body) == slow.is_valid(body), body
        checked += 1
    assert checked >= 2
