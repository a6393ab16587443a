"""The spec against the vendor docs: validity, coverage of every model the docs name, every example."""

from __future__ import annotations

import copy
import json
import re

import pytest
from openapi_spec_validator import validate

from mockserver.spec.document import AIGC_PREFIX, load_document, load_spec
from mockserver.spec.profiles import Registry
from tests.spec.seeds import curl_bodies, docs_params, model_names, needs_docs

SPEC = load_spec()
REGISTRY = Registry(SPEC)
CURLS = list(curl_bodies())

# Names the extractor finds in the seeds that are not models (each with why).
NOT_MODELS = {
    "qwen-plus": "a chat LLM the prompt-writing guide suggests for rewriting prompts (003), not an AIGC task model",
    "animate-anyone-detect": "prose name of the family before its versioned id animate-anyone-detect-gen2 (003)",
    "animate-anyone-detect-xxx": "placeholder in the AnimateAnyone overview (003)",
    "emo-detect": "prose name of the family before its versioned id emo-detect-v1 (003)",
    "emo-detect-xxx": "placeholder in the EMO overview (003)",
}


def test_openapi_spec_validator_passes() -> None:
    validate(load_document())


@needs_docs
def test_every_model_the_seeds_name_is_in_the_spec() -> None:
    missing = sorted(model_names() - set(REGISTRY.models) - set(NOT_MODELS))
    assert missing == []


@needs_docs
def test_exclusions_are_still_found_in_the_seeds() -> None:
    # an exclusion that no longer matches anything is dead weight hiding a changed extractor
    assert set(NOT_MODELS) <= model_names()


@needs_docs
def test_models_not_in_the_seeds_cite_the_reference_they_come_from() -> None:
    in_seeds = model_names()
    for name, profile in REGISTRY.models.items():
        if name in in_seeds:
            continue
        sources = " ".join(str(d) for d in profile.docs)
        sources += " " + " ".join(str(c) for c in profile.choices)
        assert re.search(r"\.md|reference|SDK|sdk|captur", sources), f"{name} names no source: {sources!r}"


def test_every_model_has_a_valid_example() -> None:
    for name in REGISTRY.models:
        body = SPEC.example_body(name)
        assert body is not None, name
        profile = REGISTRY.models[name]
        assert list(SPEC.validator(profile.schema_name).iter_errors(body)) == [], name


@pytest.mark.parametrize("key", sorted(SPEC.examples))
def test_spec_example_validates(key: str) -> None:
    example = SPEC.examples[key]
    assert example.get("x-dashscope-source"), key
    body = example["value"]
    profile = REGISTRY.model(body["model"])
    assert profile is not None, body["model"]
    errors = [e.message for e in SPEC.validator(profile.schema_name).iter_errors(body)]
    assert errors == []


@pytest.mark.parametrize("curl", docs_params(CURLS, lambda c: f"{c.seed}-L{c.line}"))
def test_seed_curl_body_validates_and_is_a_spec_example(curl) -> None:  # type: ignore[no-untyped-def]
    profile = REGISTRY.model(curl.body["model"])
    assert profile is not None, curl.body["model"]
    assert [e.message for e in SPEC.validator(profile.schema_name).iter_errors(curl.body)] == []
    values = {json.dumps(e["value"], sort_keys=True) for e in SPEC.examples.values()}
    assert json.dumps(curl.body, sort_keys=True) in values


@needs_docs
def test_the_seeds_hold_curl_examples() -> None:
    assert len(CURLS) >= 40  # the extractor still finds the docs' examples


def test_each_route_dispatches_exactly_its_models_and_has_a_trailing_slash_form() -> None:
    paths = SPEC.doc["paths"]
    for route in REGISTRY.routes.values():
        for path in (AIGC_PREFIX + route.path, AIGC_PREFIX + route.path + "/"):
            schema = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            mapping = schema["discriminator"]["mapping"]
            assert set(mapping) == set(route.models), path
            for model, ref in mapping.items():
                assert ref == f"#/components/schemas/{REGISTRY.models[model].schema_name}"
            assert {r["$ref"] for r in schema["oneOf"]} == set(mapping.values())


def test_model_extensions_are_complete_and_consistent() -> None:
    for name, p in REGISTRY.models.items():
        assert p.mode in ("async", "sync"), name
        assert p.validation in ("submit", "deferred"), name
        assert p.output_kind in ("video", "image", "template", "json"), name
        assert p.result_schema in SPEC.schemas, name
        assert p.docs, name
        if p.mode == "async":
            assert p.timing.run_s > 0 and p.rps > 0 and p.concurrency >= 1, name
        table = p.media.table
        assert table is None or table in SPEC.resolutions, name
        assert SPEC.schemas[p.schema_name]["properties"]["model"]["enum"] == list(
            SPEC.schemas[p.schema_name]["x-dashscope-model"]["names"]), name


def test_error_catalogue_entries_are_well_formed() -> None:
    assert len(SPEC.errors) >= 60
    for code, entry in SPEC.errors.items():
        assert 400 <= int(entry["status"]) < 600, code
        assert isinstance(entry["messages"], list), code
        assert entry.get("source"), code


@pytest.mark.parametrize(("code", "status", "message"), [
    ("InvalidApiKey", 401, "No API-key provided."),
    ("InvalidApiKey", 401, "Invalid API-key provided."),
    ("InvalidApiKey", 401, "API-key is blocked."),
    ("AccessDenied", 403, "current user api does not support synchronous calls"),
    ("AccessDenied", 403, "current user api does not support asynchronous calls"),
    ("InvalidParameter", 400, "Model not exist."),
    ("InvalidParameter", 400, "Required body invalid, please check the request body format."),
    ("UnsupportedOperation", 400, "Failed to cancel the task, please confirm if the task is in PENDING status."),
    ("Throttling.RateQuota", 429, "Requests rate limit exceeded, please try again later."),
    ("Arrearage", 400, "Access denied, please make sure your account is in good standing."),
    ("InvalidParameter.DataInspection", 400,
     "The media format is not supported or incorrect for the data inspection."),
    ("InternalError", 500, None),
])
def test_catalogue_holds_the_captured_errors(code: str, status: int, message: str | None) -> None:
    entry = SPEC.errors[code]
    assert entry["status"] == status
    if message is not None:
        assert message in entry["messages"]


def test_an_unknown_model_extension_key_fails_at_load() -> None:
    from mockserver.spec.document import Spec
    from mockserver.spec.profiles import SpecError

    doc = copy.deepcopy(SPEC.doc)
    name = next(iter(SPEC.model_schemas()))
    doc["components"]["schemas"][name]["x-dashscope-model"]["output"]["feild"] = "video_url"  # a typo
    with pytest.raises(SpecError, match=r"output: unknown key\(s\) feild"):
        Registry(Spec(doc))
    doc = copy.deepcopy(SPEC.doc)
    doc["components"]["schemas"][name]["x-dashscope-model"]["timeing"] = {}
    with pytest.raises(SpecError, match="timeing"):
        Registry(Spec(doc))
