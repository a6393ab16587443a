"""Every parameter error reads like the real service's (pydantic's words), never like JSON Schema or Python.

Invalid requests are generated for every model from the spec: one rule broken at a time (a wrong type, a value
out of range, a value outside the enum, a missing required field, a string or list too long or too short, a
string off its pattern, a non-URL in a URL field) on a documented example body, plus every invalid combination
the spec's `x-dashscope-cases` declare. Each message must be the rule's own wording for that field (or the
spec's captured `x-dashscope-message`, word for word), and none may carry a JSON-Schema phrase, a repr of the
request or an exception name (docs/behaviour.md §1.4).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.domain.validation import RequestValidator
from mockserver.domain.wording import quote_list
from mockserver.spec.document import load_spec
from mockserver.spec.profiles import ModelProfile, Registry

from .test_spec_constraints import first_example, set_path, unset_path

SPEC = load_spec()
REGISTRY = Registry(SPEC)
VALIDATOR = RequestValidator(SPEC)
PROFILES = sorted(REGISTRY.models.values(), key=lambda p: p.name)

# what a message must never contain: JSON-Schema phrases, Python reprs of the request, exception names
LEAKS = re.compile(
    r"rule not met|should not be valid under|is a dependency of|does not contain items|is not valid under"
    r"|is valid under each|is not one of|is not of type|is a required property|is too (long|short)"
    r"|does not have enough properties|has too many properties|does not match|False schema|Too (many|few) items"
    r"|invalid literal for|could not convert|Traceback|\b\w*(Error|Exception)\b|[\[{]'|'[\]}]|\{\}|\bdict\("
    # a regular expression or a schema keyword (issue 20): the rule in words, never its source
    r"|\[0-9\]|\\d|\\\*|\(\?|\^\(|\$'|\bpattern\b|\b(?:minItems|maxItems|minLength|maxLength|exclusiveM\w+|anyOf|oneOf|allOf)\b"
    # a Python name in a message
    r"|\b(?:None|NoneType|self|kwargs)\b|__\w+__")


@dataclass(frozen=True)
class Site:
    """One rule of one field: where it is, which rule, and the field's schema."""

    model: str
    path: str
    rule: str
    schema: Mapping[str, Any]
    base: Any  # the field's value in the example body (None: not sent)


def _fields(schema: Mapping[str, Any], body: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any], Any]]:
    """(path, schema, value) for every field below an object schema, through nested objects and list items."""
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        where = f"{path}.{name}" if path else name
        value = body.get(name) if isinstance(body, Mapping) else None
        yield where, sub, value
        if isinstance(value, Mapping):
            yield from _fields(sub, value, where)
        elif isinstance(value, list) and value and isinstance(sub.get("items"), Mapping):
            items = sub["items"]
            yield f"{where}.0", items, value[0]
            if isinstance(value[0], Mapping):
                yield from _fields(items, value[0], f"{where}.0")


def sites(profile: ModelProfile) -> list[Site]:
    """Every single rule of `input`/`parameters` the example body of `profile` can be made to break."""
    body = SPEC.example_body(profile.name)
    assert body is not None and VALIDATOR.errors(profile, body) == [], profile.name
    schema = SPEC.schemas[profile.schema_name]
    found: list[Site] = []
    for section in ("input", "parameters"):
        block = (schema.get("properties") or {}).get(section)
        if not isinstance(block, Mapping):
            continue
        objects = [(section, block, body.get(section))]
        for path, sub, value in _fields(block, body.get(section), section):
            if isinstance(value, Mapping):
                objects.append((path, sub, value))
            for rule in ("type", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength",
                         "pattern", "minItems", "maxItems"):
                if rule in sub and not (rule in ("minItems", "maxItems") and not isinstance(value, list)):
                    found.append(Site(profile.name, path, rule, sub, value))
        for path, sub, value in objects:
            for name in sub.get("required") or ():
                if isinstance(value, Mapping) and name in value:
                    found.append(Site(profile.name, f"{path}.{name}", "required", sub, value[name]))
    for rule in profile.rules:
        if rule.rule == "url":
            for field in rule.fields:
                if "[]" not in field and _get(body, field) is not None:
                    found.append(Site(profile.name, field, "url", {}, _get(body, field)))
    return found


def _get(body: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        elif isinstance(body, Mapping):
            body = body.get(part)
        else:
            return None
    return body


def _wrong_type(expected: Any) -> list[Any]:
    """Values of a JSON type the field does not take."""
    types = {expected} if isinstance(expected, str) else set(expected)
    pool: list[tuple[str, Any]] = [("string", "not-a-number"), ("integer", 7), ("boolean", True),
                                   ("array", ["x"]), ("object", {"x": 1})]
    out = [v for t, v in pool if t not in types and not (t == "integer" and "number" in types)]
    if "integer" in types and "number" not in types:
        out.append(1.5)
    return out


def breaking_values(site: Site) -> st.SearchStrategy[Any]:
    """Values that break exactly `site.rule` of the field (and keep its type where the rule allows)."""
    s = site.schema
    if site.rule == "type":
        return st.sampled_from(_wrong_type(s["type"]))
    if site.rule == "enum":
        enum = s["enum"]
        if all(isinstance(v, str) for v in enum):
            return st.text(min_size=1, max_size=12).filter(lambda v: v not in enum)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in enum):
            return st.integers(-10_000, 10_000).filter(lambda v: v not in enum)
        return st.nothing()
    if site.rule in ("minimum", "exclusiveMinimum"):
        low = s[site.rule]
        top = low - 1 if site.rule == "minimum" and s.get("type") == "integer" else low
        if s.get("type") == "integer":
            return st.integers(int(top) - 1000, int(top))
        return st.floats(low - 1000, low, exclude_max=site.rule == "minimum", allow_nan=False)
    if site.rule == "maximum":
        high = s["maximum"]
        if s.get("type") == "integer":
            return st.integers(int(high) + 1, int(high) + 1000)
        return st.floats(high, high + 1000, exclude_min=True, allow_nan=False)
    if site.rule == "maxLength":
        return st.integers(1, 20).map(lambda extra: "长" * (s["maxLength"] + extra))
    if site.rule == "minLength":
        return st.just("长" * (s["minLength"] - 1)) if s["minLength"] > 0 else st.nothing()
    if site.rule == "pattern":
        return st.sampled_from(["not matching!", "12x", "*"]).filter(lambda v: re.search(s["pattern"], v) is None)
    if site.rule in ("maxItems", "minItems"):
        items = list(site.base) if isinstance(site.base, list) and site.base else [None]
        n = s[site.rule]
        if site.rule == "minItems":
            return st.just(items[:max(n - 1, 0)]) if n > 0 else st.nothing()
        return st.integers(1, 3).map(lambda extra: [items[i % len(items)] for i in range(n + extra)])
    if site.rule == "url":
        return st.sampled_from(["a.png", "ftp://host/a.png", "file:///tmp/a.png"])
    return st.nothing()


def canonical(site: Site) -> Any:
    """One value that breaks `site.rule` (None when the rule cannot be broken on its own)."""
    s = site.schema
    if site.rule == "type":
        return _wrong_type(s["type"])[0]
    if site.rule == "enum":
        enum = s["enum"]
        if all(isinstance(v, str) for v in enum):
            return "__not_a_documented_value__"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in enum):
            return max(enum) + 1
        return None
    if site.rule == "minimum":
        return s["minimum"] - 1
    if site.rule == "exclusiveMinimum":
        return s["exclusiveMinimum"]
    if site.rule == "maximum":
        return s["maximum"] + 1
    if site.rule == "maxLength":
        return "长" * (s["maxLength"] + 1)
    if site.rule == "minLength":
        return "长" * (s["minLength"] - 1) if s["minLength"] > 0 else None
    if site.rule == "pattern":
        return "not matching!" if re.search(s["pattern"], "not matching!") is None else None
    if site.rule in ("maxItems", "minItems"):
        items = list(site.base) if isinstance(site.base, list) and site.base else [None]
        n = s[site.rule]
        if site.rule == "minItems":
            return items[:n - 1] if n > 0 else None
        return [items[i % len(items)] for i in range(n + 1)]
    if site.rule == "url":
        return "a.png"
    return None


def expected(site: Site, value: Any) -> set[str]:
    """The messages that word this broken rule for this field (more than one where two rules share a value)."""
    s, where = site.schema, site.path
    custom = s.get("x-dashscope-message")
    overrides = [custom] if isinstance(custom, str) else list(custom.values()) if isinstance(custom, Mapping) else []
    if site.rule == "required":
        return {f"Field required: {where}"}
    words: set[str] = set()
    kinds = {"string": "a valid string", "integer": "a valid integer", "number": "a valid number",
             "boolean": "a valid boolean", "array": "a valid list", "object": "a valid dictionary"}
    if site.rule == "type" or (site.rule == "enum" and "type" in s):
        types = [s["type"]] if isinstance(s["type"], str) else s["type"]
        words.add("Input should be " + " or ".join(kinds[t] for t in types))
    if "enum" in s and site.rule in ("enum", "type"):
        words.add(f"Input should be {quote_list(s['enum'])}")
    bounds = {"minimum": "greater than or equal to", "maximum": "less than or equal to",
              "exclusiveMinimum": "greater than"}
    if site.rule in bounds:
        words.add(f"Input should be {bounds[site.rule]} {s[site.rule]}")
    n = s.get(site.rule)
    if site.rule in ("maxLength", "minLength"):
        words.add(f"String should have {'at most' if site.rule == 'maxLength' else 'at least'} "
                  f"{n} character{'' if n == 1 else 's'}")
    if site.rule == "pattern":  # the spec's words for the format, never the regular expression (issue 20)
        words.add(f"String should be {s['x-dashscope-format']}" if s.get("x-dashscope-format")
                  else "String should match the documented format")
    if site.rule in ("maxItems", "minItems"):
        words.add(f"List should have {'at most' if site.rule == 'maxItems' else 'at least'} "
                  f"{n} item{'' if n == 1 else 's'} after validation, not {len(value)}")
    if site.rule == "url":
        words.add("Value error, url should be an http(s), oss:// or data: URL")
    return {f"{w}: {where}" for w in words} | set(overrides)


def check(site: Site, value: Any) -> str | None:
    """None when breaking `site` with `value` is reported in the rule's words; else what is wrong."""
    profile = REGISTRY.models[site.model]
    body = SPEC.example_body(site.model)
    assert body is not None
    bad = copy.deepcopy(body)
    if site.rule == "required":
        unset_path(bad, site.path)
    else:
        set_path(bad, site.path, value)
    messages = VALIDATOR.errors(profile, bad)
    if not messages:
        return f"{site.model} {site.path} {site.rule}={value!r}: accepted"
    leaking = [m for m in messages if LEAKS.search(m)]
    if leaking:
        return f"{site.model} {site.path} {site.rule}={value!r}: leaks internals: {leaking[0]}"
    if messages[0] not in expected(site, value):
        return f"{site.model} {site.path} {site.rule}={value!r}: {messages[0]!r} not in {sorted(expected(site, value))}"
    return None


SITES = [site for profile in PROFILES for site in sites(profile)]


@pytest.mark.parametrize("model", [p.name for p in PROFILES])
def test_every_rule_of_every_model_in_the_services_words(model: str) -> None:
    """One canonical breaking value per rule per field, for each model: all worded as the rule."""
    problems = []
    for site in (s for s in SITES if s.model == model):
        value = canonical(site)
        if value is not None or site.rule == "required":
            problems.extend(p for p in [check(site, value)] if p)
    assert not problems, "\n".join(problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_property_one_broken_rule_reads_as_that_rule(data: st.DataObject) -> None:
    """Hypothesis: any model, any rule, any value that breaks it: the message is that rule's, for that field."""
    site = data.draw(st.sampled_from(SITES), label="site")
    strategy = breaking_values(site)
    if strategy.is_empty:
        return
    value = data.draw(strategy, label="value")
    problem = check(site, value)
    assert problem is None, problem


CASES = [(schema, case) for schema in sorted({p.schema_name for p in PROFILES})
         for case in SPEC.schemas[schema].get("x-dashscope-cases", []) if not case["valid"]]


@pytest.mark.parametrize(("schema", "case"), CASES, ids=[f"{s}:{c.get('why')}" for s, c in CASES])
def test_invalid_combinations_name_a_field_in_plain_words(schema: str, case: Mapping[str, Any]) -> None:
    """The spec's invalid cases (combinations included): no internals, and the message names a field it touched."""
    body = first_example(schema)
    profile = REGISTRY.models[body["model"]]
    for path in case.get("unset", []):
        unset_path(body, path)
    for path, value in case.get("set", {}).items():
        set_path(body, path, value)
    messages = VALIDATOR.errors(profile, body)
    assert messages, case
    assert not [m for m in messages if LEAKS.search(m)], messages
    paths = [*case.get("unset", []), *case.get("set", {})]
    touched = {seg for path in paths for seg in path.split(".") if not seg.isdigit()}
    touched = touched - {"input", "parameters"} or touched
    named = any(seg.lower() in messages[0].lower() for seg in touched)
    at = re.search(r": ([\w.]+)$", messages[0])  # or it points at another field of the schema (one now required)
    field = at is not None and at.group(1).split(".")[-1] in _property_names(SPEC.schemas[schema])
    assert named or field or messages[0] in _overrides(schema), f"{messages[0]!r} names none of {sorted(touched)}"


def _property_names(node: Any) -> set[str]:
    """Every property name declared anywhere in a schema."""
    if isinstance(node, list):
        return {name for item in node for name in _property_names(item)}
    if not isinstance(node, Mapping):
        return set()
    found = set(node.get("properties") or {}) if isinstance(node.get("properties"), Mapping) else set()
    return found | {n for k, v in node.items() if k != "x-dashscope-cases" for n in _property_names(v)}


def _overrides(schema_name: str) -> set[str]:
    """Every captured message (`x-dashscope-message`) of a request schema."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            custom = node.get("x-dashscope-message")
            found.update([custom] if isinstance(custom, str) else
                         [str(v) for v in custom.values()] if isinstance(custom, Mapping) else [])
            for key, value in node.items():
                if key != "x-dashscope-cases":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC.schemas[schema_name])
    return found


def test_the_captured_messages_are_used_word_for_word() -> None:
    """docs/behaviour.md §1.4: the real service's own sentences for these cases."""
    def first(model: str, path: str, value: Any) -> str | None:
        body = copy.deepcopy(SPEC.example_body(model))
        set_path(body, path, value)
        return VALIDATOR.first_error(REGISTRY.models[model], body)

    assert first("wan2.2-t2v-plus", "parameters.size", "1280*720") == (
        "size must be in 1080*1920,1920*1080,1440*1440,1632*1248,1248*1632,480*832,832*480,624*624")
    assert first("wan2.2-t2v-plus", "parameters.duration", 8) == "duration customization is not supported"
    assert first("wan2.7-t2v", "parameters.duration", 16) == "Duration should be between 2 and 15"
    assert first("wan2.7-t2v", "parameters.resolution", "4K") == \
        "Input should be '1080P' or '720P': parameters.resolution"
    assert first("wan2.7-i2v", "input.media.0.type", "driving_video") == (
        "Input should be 'first_frame', 'last_frame', 'driving_audio' or 'first_clip': input.media.0.type")
    assert first("wan2.7-r2v", "input.media", [{"type": "first_frame", "url": "https://e.com/f.png"}]) == \
        "Only first frame provided is not allowed"


@pytest.mark.parametrize(("model", "path", "value"), [
    ("wan2.7-i2v", "input.media", [{"type": "first_frame", "url": "https://e.com/a.png"},
                                   {"type": "first_clip", "url": "https://e.com/c.mp4"}]),
    ("wan2.2-i2v-plus", "input.template", "flying"),
    ("wan2.1-vace-plus", "input.mask_frame_id", 3),
])
def test_a_failed_tasks_message_is_the_same_plain_sentence(make_mock, model: str, path: str, value: Any) -> None:
    """docs/behaviour.md §1.4: a deferred model fails the task with the message strict mode answers at submit."""
    body = copy.deepcopy(SPEC.example_body(model))
    set_path(body, path, value)
    expected_message = VALIDATOR.first_error(REGISTRY.models[model], body)
    assert expected_message and not LEAKS.search(expected_message)
    faithful = make_mock("faithful", limits=False)
    task_id = faithful.task_id(model, body=body)
    faithful.advance(60)
    out = faithful.get(task_id)["output"]
    assert (out["task_status"], out["code"], out["message"]) == ("FAILED", "InvalidParameter", expected_message)
    strict = make_mock("dev").create(model, body=body)
    assert (strict.status_code, strict.json()["message"]) == (400, expected_message)


def test_every_models_refusals_carry_a_code_of_its_own_family(make_mock) -> None:
    """One broken rule per model, through the twin: the answer's code is one the catalogue does not tie to another
    family (issue 20), and its sentence is the validator's, free of internals."""
    strict = make_mock("dev", limits=False)
    wrong = []
    tried = 0
    for profile in PROFILES:
        site = next((s for s in SITES if s.model == profile.name and canonical(s) is not None), None)
        if site is None:
            continue
        tried += 1
        body = copy.deepcopy(SPEC.example_body(profile.name))
        set_path(body, site.path, canonical(site))
        r = strict.create(profile.name, body=body, headers=strict.headers(asynchronous=profile.mode == "async"))
        code, message = r.json().get("code", ""), r.json().get("message", "")
        family = SPEC.errors.get(code, {}).get("family")
        if r.status_code != 400 or (family and family not in profile.name) or LEAKS.search(message):
            wrong.append(f"{profile.name} {site.path} {site.rule}: {r.status_code} {code} {message!r}")
    assert not wrong, "\n".join(wrong)
    assert tried > len(PROFILES) * 3 // 4
