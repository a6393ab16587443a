"""Every rule in the spec that can reject a request names its source (openapi/README.md, "Sources").

A rejecting rule without a doc line, a captured exchange or a named vendor reference is how false
rejections creep in: the twin must never refuse a request the real service takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.spec.document import load_spec

SPEC = load_spec()

# A citation: a seed line (`003 L1234`, `001 L1-L9`), a section of the captured behaviour or the SDK
# protocol notes, or a vendor reference named by URL or as `vendor reference: <which page>`.
CITATION = re.compile(
    r"\b00\d L\d+"
    r"|docs/(?:behaviour|sdk-wire)\.md §"
    r"|https?://\S*(?:aliyun|alibabacloud)\S*"
    r"|vendor reference: \w"
)

# JSON-Schema keywords that can make a request fail (`type` is the field's shape and is left out).
REJECTING = (
    "required", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minContains", "maxContains",
    "minProperties", "maxProperties", "dependentRequired", "anyOf", "oneOf", "not", "contains",
    "x-dashscope-media", "x-dashscope-size",
)
MEDIA_LIMITS = ("formats", "max_mb", "min_px", "max_px", "min_s", "max_s", "max_aspect", "min_fps", "max_fps", "alpha",
                "no_chinese_url", "exclusive",
                "schemes")
# Sub-schemas that must hold for the value of their parent (they inherit its source). The branches of
# `anyOf`/`oneOf`/`not`/`contains` and the `if` test are not walked: a keyword there only selects, and the
# rule is the combinator itself, listed in REJECTING (a branch with its own `x-source` sources it too).
SAME_VALUE = ("allOf", "then", "else", "items", "prefixItems", "dependentSchemas")
BRANCHES = ("anyOf", "oneOf", "not", "contains")


def cited(value: Any) -> bool:
    """Whether a description or `x-source` value names a source."""
    if isinstance(value, str):
        return bool(CITATION.search(value))
    if isinstance(value, list):
        return bool(value) and all(cited(v) for v in value)
    return False


def own_source(node: Mapping[str, Any], keyword: str | None = None) -> bool:
    """A sub-schema is sourced by its `x-source` (one citation or a list for all its keywords, or a map
    keyword -> citation), or by a citation in its `description`."""
    src = node.get("x-source")
    if isinstance(src, Mapping):
        return keyword is not None and cited(src.get(keyword))
    return cited(src) or cited(node.get("description"))


def _required_sourced(node: Mapping[str, Any]) -> bool:
    """`required` is also sourced when every field it names documents itself (its own citation)."""
    props = node.get("properties") or {}
    names = node.get("required") or []
    return all(isinstance(props.get(n), Mapping) and own_source(props[n]) for n in names)


def _branches_sourced(branches: Any) -> bool:
    items = branches if isinstance(branches, list) else [branches]
    return all(isinstance(b, Mapping) and own_source(b) for b in items)


def _rejects(node: Mapping[str, Any], key: str) -> bool:
    value = node[key]
    if key == "x-dashscope-media":
        return isinstance(value, Mapping) and any(value.get(k) not in (None, [], "") for k in MEDIA_LIMITS)
    if key == "required":
        return bool(value)
    return value is not None


def unsourced(node: Any, pointer: str, inherited: bool = False, whole: bool = False) -> Iterator[str]:
    """JSON pointers (`<pointer>/<keyword>`) of rejecting keywords with no source, below `node`.

    A source covers the sub-schema it sits in and the sub-schemas that constrain the same value (`allOf`,
    `items`, ...), not its `properties`: each field names its own. A sourced `then`/`else` is one
    conditional rule, so its source covers everything below it (`whole`).
    """
    if not isinstance(node, Mapping):
        return
    sourced = inherited or own_source(node)
    if node.get("additionalProperties") is False and not (sourced or own_source(node, "additionalProperties")):
        yield f"{pointer}/additionalProperties"
    for key in REJECTING:
        if key in node and _rejects(node, key) and not (sourced or own_source(node, key)):
            if key == "required" and _required_sourced(node):
                continue
            if key in BRANCHES and _branches_sourced(node[key]):
                continue
            yield f"{pointer}/{key}"
    for name, sub in (node.get("properties") or {}).items():
        yield from unsourced(sub, f"{pointer}/properties/{name}", whole and sourced, whole)
    for key in SAME_VALUE:
        sub = node.get(key)
        below = whole or (key in ("then", "else") and isinstance(sub, Mapping) and own_source(sub))
        if isinstance(sub, Mapping):
            if key == "dependentSchemas":
                for name, s in sub.items():
                    yield from unsourced(s, f"{pointer}/{key}/{name}", sourced, below)
            else:
                yield from unsourced(sub, f"{pointer}/{key}", sourced, below)
        elif isinstance(sub, list):
            for i, s in enumerate(sub):
                yield from unsourced(s, f"{pointer}/{key}/{i}", sourced, below)


def unsourced_model_rules(name: str, ext: Mapping[str, Any]) -> Iterator[str]:
    """`x-dashscope-model.rules` entries (checks JSON Schema cannot say) without a `source`."""
    for i, rule in enumerate(ext.get("rules") or []):
        if not cited(rule.get("source")):
            yield f"#/components/schemas/{name}/x-dashscope-model/rules/{i}"


def all_unsourced() -> list[str]:
    """Every rejecting rule of every request schema that names no source."""
    found: list[str] = []
    for name, schema in SPEC.model_schemas().items():
        body = {k: v for k, v in schema.items() if k == "x-source" or not k.startswith("x-")}
        found.extend(unsourced(body, f"#/components/schemas/{name}"))
        found.extend(unsourced_model_rules(name, schema["x-dashscope-model"]))
    return found


def test_every_rejecting_rule_names_its_source() -> None:
    missing = all_unsourced()
    assert missing == [], f"{len(missing)} rejecting rules without a source:\n" + "\n".join(missing)


def test_the_walk_finds_rejecting_rules() -> None:
    # guard against a walk that silently finds nothing: strip every source and the list must be long
    def strip(node: Any) -> Any:
        if isinstance(node, Mapping):
            return {k: strip(v) for k, v in node.items() if k not in ("description", "x-source")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    total = 0
    for name, schema in SPEC.model_schemas().items():
        body = {k: v for k, v in schema.items() if k == "x-source" or not k.startswith("x-")}
        total += len(list(unsourced(strip(body), f"#/components/schemas/{name}")))
    assert total > 500


def test_citation_forms() -> None:
    assert cited("up to 5000 characters (000 L15)")
    assert cited(["003 L1234-1240", "docs/behaviour.md §1.4"])
    assert cited("docs/behaviour.md §2.1")
    assert not cited("up to 5000 characters")
    assert not cited([])
    assert not cited(["003 L12", "because"])


def test_the_committed_audit_table_is_current() -> None:
    from openapi.audit import OUT, render

    assert OUT.read_text(encoding="utf-8") == render(), "run `python -m openapi.audit` and commit docs/audit.md"
