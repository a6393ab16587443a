"""Hypothesis, spec-driven: valid requests for every model reach a terminal state and parse into the typed
models; requests breaking one documented constraint get the right code at the moment the spec says."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clients import MODELS, DetectResult, Task, errors
from clients.testing import bind
from mockserver.domain.validation import RequestValidator
from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry
from mockserver.testing import DashScopeMock

SPEC = load_spec()
REGISTRY = Registry(SPEC)
ORACLE = RequestValidator(SPEC)  # the spec's schemas plus its `rules`: what the mock itself enforces
ALL_MODELS = sorted(MODELS)
QUICK = settings(max_examples=4, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TEXTY = ("prompt", "text", "title")  # free-text fields: any string is meaningful


def http_urls(node: Any) -> Any:
    """The documented examples upload files first (oss://); generated requests use plain https URLs."""
    if isinstance(node, str) and node.startswith("oss://"):
        return "https://example.com/" + node.rsplit("/", 1)[-1]
    if isinstance(node, Mapping):
        return {k: http_urls(v) for k, v in node.items()}
    if isinstance(node, list):
        return [http_urls(v) for v in node]
    return node


def example(model: str) -> dict[str, Any]:
    body = SPEC.example_body(model)
    assert body is not None, model
    return dict(http_urls(body))


def oracle_error(model: str, body: Mapping[str, Any]) -> str | None:
    profile = REGISTRY.model(model)
    assert profile is not None
    return ORACLE.first_error(profile, body)


# ---- the schema -> strategy part ---------------------------------------------------------------------


def leaf_strategy(key: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any] | None:
    """Valid values of a simple field, from its schema; None for fields we keep from the example."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1 if "exclusiveMinimum" in schema else 0)
        high = schema.get("maximum", low + 1000)
        return st.integers(int(low), int(high))
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0.0))
        high = schema.get("maximum", float(low) + 100.0)
        return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False,
                         exclude_min="exclusiveMinimum" in schema)
    if kind == "string" and any(t in key for t in TEXTY) and "pattern" not in schema and "format" not in schema:
        low = int(schema.get("minLength", 1))
        high = min(int(schema.get("maxLength", 60)), 60)
        return st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=low, max_size=max(low, high))
    return None


def simple_fields(model: str) -> list[tuple[str, str, Mapping[str, Any], bool]]:
    """(section, key, schema, required) of the top-level input/parameters fields we can draw."""
    schema = SPEC.schemas[MODELS[model].schema]
    out = []
    for section in ("input", "parameters"):
        node = schema.get("properties", {}).get(section) or {}
        required = set(node.get("required", []))
        for key, sub in (node.get("properties") or {}).items():
            if isinstance(sub, Mapping) and leaf_strategy(key, sub) is not None:
                out.append((section, key, sub, key in required))
    return out


@st.composite
def valid_body(draw: st.DrawFn, model: str) -> dict[str, Any]:
    """Start from the documented example; redraw, drop or add simple fields; undo any change that breaks a
    cross-field rule (if/then, contains...), so every drawn body is valid by construction."""
    body = example(model)
    for section, key, schema, required in simple_fields(model):
        action = draw(st.sampled_from(["keep", "draw", "draw"] + ([] if required else ["drop"])))
        if action == "keep":
            continue
        trial = copy.deepcopy(body)
        part = trial.setdefault(section, {})
        if action == "drop":
            part.pop(key, None)
        else:
            strategy = leaf_strategy(key, schema)
            assert strategy is not None
            part[key] = draw(strategy)
        if oracle_error(model, trial) is None:
            body = trial
    assert oracle_error(model, body) is None, (model, body)
    return body


# ---- the one-broken-constraint part ---------------------------------------------------------------------


def _wrong_type(schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    wrong = {"string": 12345, "integer": "12", "number": "1.5", "boolean": "yes", "array": "x", "object": "x"}
    return wrong.get(str(kind))


def breaks(model: str) -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    """(what, mutate) pairs, each breaking one documented constraint of the example body."""
    schema = SPEC.schemas[MODELS[model].schema]
    for section in ("input", "parameters"):
        node = schema.get("properties", {}).get(section) or {}
        for key in node.get("required", []):
            yield f"{section}.{key} missing", lambda b, s=section, k=key: b.get(s, {}).pop(k, None)  # type: ignore[misc]
        for key, sub in (node.get("properties") or {}).items():
            if not isinstance(sub, Mapping):
                continue
            path = f"{section}.{key}"

            def put(value: Any, s: str = section, k: str = key) -> Callable[[dict[str, Any]], None]:
                return lambda b: b.setdefault(s, {}).__setitem__(k, value)

            if "enum" in sub:
                yield f"{path} outside its enum", put("__not_documented__" if sub.get("type") == "string" else 987654)
            if "minimum" in sub:
                yield f"{path} below minimum", put(sub["minimum"] - 1)
            if "maximum" in sub:
                yield f"{path} above maximum", put(sub["maximum"] + 1)
            if "exclusiveMinimum" in sub:
                yield f"{path} at exclusiveMinimum", put(sub["exclusiveMinimum"])
            if "maxLength" in sub:
                yield f"{path} too long", put("a" * (int(sub["maxLength"]) + 1))
            if int(sub.get("minLength", 0)) >= 1:
                yield f"{path} too short", put("")
            if "maxItems" in sub and isinstance(sub.get("items"), Mapping):
                yield f"{path} too many items", put([{"type": "x", "url": "https://example.com/a.png"}]
                                                    * (int(sub["maxItems"]) + 1))
            if _wrong_type(sub) is not None:
                yield f"{path} of the wrong type", put(_wrong_type(sub))
    for case in schema.get("x-dashscope-cases") or []:
        if case.get("valid") is False:
            yield f"case: {case.get('why')}", lambda b, c=case: apply_case(b, c)  # type: ignore[misc]


def apply_case(body: dict[str, Any], case: Mapping[str, Any]) -> None:
    """Apply an `x-dashscope-cases` entry (`unset` dotted paths, `set` dotted path -> value) to `body`."""
    for dotted in case.get("unset") or []:
        *head, leaf = str(dotted).split(".")
        node: Any = body
        for part in head:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(leaf, None)
    for dotted, value in (case.get("set") or {}).items():
        *head, leaf = str(dotted).split(".")
        node = body
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        value = http_urls(copy.deepcopy(value))
        if isinstance(node, list):
            index = int(leaf)
            if index < len(node):
                node[index] = value
            else:
                node.append(value)
        else:
            node[leaf] = value


def broken_bodies(model: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    options = list(breaks(model))

    def build(choice: tuple[str, Callable[[dict[str, Any]], None]]) -> tuple[str, dict[str, Any]]:
        body = example(model)
        choice[1](body)
        return choice[0], body

    return st.sampled_from(options).map(build) if options else st.nothing()


# ---- the properties -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS)
def test_valid_requests_reach_a_terminal_state_and_parse(make_mock: Callable[..., DashScopeMock], model: str) -> None:
    mock = make_mock("dev")
    client = bind(mock.app)
    info = MODELS[model]

    @QUICK
    @given(body=valid_body(model))
    def check(body: dict[str, Any]) -> None:
        if not info.is_async:
            answer = client.detect(model, body["input"], body.get("parameters"))
            assert isinstance(answer, DetectResult) and answer.output
            return
        created = client.create(model, body["input"], body.get("parameters"))
        assert created.status == "PENDING" and created.task_id
        task = client.wait(created)
        assert isinstance(task, Task) and task.status == "SUCCEEDED" and task.task_id == created.task_id
        assert task.results and all(r.ok for r in task.results), task.output
        assert task.submit_time and task.scheduled_time and task.end_time
        # legacy models drop the milliseconds (docs/behaviour.md §0.4): compare whole seconds
        times = [t.replace(microsecond=0) for t in (task.submit_time, task.scheduled_time, task.end_time)]
        assert times == sorted(times), task.output
        # the same answer, raw, satisfies the model's documented SUCCEEDED schema
        raw = mock.get(created.task_id, key="sk-test-client")
        assert not list(SPEC.validator(str(info.result)).iter_errors(raw)), raw
        assert Task.parse(raw, model).results == task.results

    check()


def _models_with_breaks() -> list[str]:
    return [m for m in ALL_MODELS if list(breaks(m))]


@pytest.mark.parametrize("profile", ["dev", "faithful"])
@pytest.mark.parametrize("model", _models_with_breaks())
def test_invalid_requests_get_invalid_parameter_when_the_spec_says(
        make_mock: Callable[..., DashScopeMock], model: str, profile: str) -> None:
    mock = make_mock(profile, limits=False)
    client = bind(mock.app)
    info = MODELS[model]
    deferred = profile == "faithful" and info.validation == "deferred" and info.is_async

    @QUICK
    @given(case=broken_bodies(model))
    def check(case: tuple[str, dict[str, Any]]) -> None:
        what, broken = case
        body = {"model": model, "input": broken.get("input", {})}  # what the client sends for it
        if "parameters" in broken:
            body["parameters"] = broken["parameters"]
        expected = oracle_error(model, body)
        assume(expected is not None)  # e.g. a type change a schema does not constrain
        call = client.create if info.is_async else client.detect
        if deferred:
            created = call(model, body["input"], body.get("parameters"))  # accepted at submit (docs/behaviour.md §1.4)
            with pytest.raises(errors.InvalidParameterError) as failed:
                client.wait(created)
            assert failed.value.status == 200 and failed.value.task is not None
            assert failed.value.task.status == "FAILED"
        else:
            with pytest.raises(errors.InvalidParameterError) as failed:
                call(model, body["input"], body.get("parameters"))
            assert failed.value.status == 400 and failed.value.request_id
        assert failed.value.code == "InvalidParameter", what
        assert failed.value.message == expected, what

    check()
