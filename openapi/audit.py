"""Render docs/audit.md: every constraint each request schema enforces, with its doc line and verdict.

The rows come from the spec itself (so the table cannot drift from it); the verdicts come from
docs/audit.yaml. Run `python -m openapi.audit` after a spec or audit edit; tests/test_rule_sources.py
checks the committed table is current.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "dashscope.yaml"
AUDIT = ROOT / "docs" / "audit.yaml"
OUT = ROOT / "docs" / "audit.md"
KEYWORDS = ("required", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "minLength", "maxLength", "pattern", "minItems", "maxItems", "minContains", "maxContains",
            "dependentRequired", "not", "default", "x-dashscope-media", "x-dashscope-size", "x-dashscope-truncate")
CITE = re.compile(r"\b00\d L[\d\-L, ]*\d|docs/(?:behaviour|sdk-wire)\.md[^;,)]*|vendor reference: [^;)]*")
SEED_LINE = re.compile(r"\b00\d L\d")
# Where a row's value comes from: a seed line (checked against the seed by tests/test_audit_citations.py), or a
# source outside the seeds, listed apart: a vendor page not among the seeds, a captured exchange, the SDK.
SOURCES = ("seed", "vendor-page", "capture", "sdk")


def source_of(doc: str) -> str | None:
    """The kind of source a doc citation names (`None`: no source at all).

    A named vendor page wins over a seed line beside it: the seed line then locates the field, and the value
    rests on the page (the audit lists such rows apart and does not check the seed for them).
    """
    if "vendor reference" in doc or "vendor-page" in doc:
        return "vendor-page"
    if SEED_LINE.search(doc):
        return "seed"
    if "docs/behaviour.md" in doc:
        return "capture"
    if "docs/sdk-wire.md" in doc:
        return "sdk"
    return None


def _cites(node: Mapping[str, Any], keyword: str | None = None) -> str:
    text = node.get("x-source") or node.get("description") or ""
    if isinstance(text, Mapping):  # keyword -> citation: only that keyword's own (the description covers the rest)
        text = text.get(keyword) or node.get("description") or ""
    found = CITE.findall(text if isinstance(text, str) else json.dumps(text, ensure_ascii=False))
    return "; ".join(dict.fromkeys(c.strip() for c in found))


@dataclass(frozen=True, slots=True)
class Row:
    """One constraint the spec enforces: where, which keyword with which value, and the doc line it cites."""

    field: str
    keyword: str
    value: Any
    doc: str
    pointer: str

    @property
    def constraint(self) -> str:
        """The keyword and its value as the audit table shows them."""
        return f"{self.keyword} {json.dumps(self.value, ensure_ascii=False)[:90]}"

    @property
    def source(self) -> str | None:
        """The kind of source the row's doc line names (SOURCES), None without one."""
        return source_of(self.doc)


def rows(node: Any, pointer: str, field: str, cite: str = "") -> Iterator[Row]:
    """Each constraint below `node`, with the doc line it cites."""
    if not isinstance(node, Mapping):
        return
    here = _cites(node) or cite
    for key in KEYWORDS:
        if key in node and node[key] not in (None, []):
            doc = (_cites(node, key) or cite) if isinstance(node.get("x-source"), Mapping) else here
            if key == "required" and not doc:  # each required field's own line says it is required
                props = node.get("properties") or {}
                doc = "; ".join(c for n in node[key] if isinstance(props.get(n), Mapping)
                                for c in [_cites(props[n])] if c)
            yield Row(field or "(body)", key, node[key], doc, f"{pointer}/{key}")
    for name, sub in (node.get("properties") or {}).items():
        yield from rows(sub, f"{pointer}/properties/{name}", f"{field}.{name}" if field else name)
    for key in ("allOf", "anyOf", "oneOf", "then", "else", "items"):
        sub = node.get(key)
        subs = sub if isinstance(sub, list) else [sub] if isinstance(sub, Mapping) else []
        for i, s in enumerate(subs):
            ptr = f"{pointer}/{key}/{i}" if isinstance(sub, list) else f"{pointer}/{key}"
            inherited = (_cites(node, key) or here) if isinstance(node.get("x-source"), Mapping) else here
            yield from rows(s, ptr, field + ("[]" if key == "items" else ""), inherited)


def load() -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec and docs/audit.yaml, parsed."""
    spec = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return spec, yaml.safe_load(AUDIT.read_text(encoding="utf-8"))


def model_schemas(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, schema) of every request schema that carries `x-dashscope-model`."""
    for name, schema in spec["components"]["schemas"].items():
        if isinstance(schema, Mapping) and schema.get("x-dashscope-model"):
            yield name, schema


def render() -> str:
    """The Markdown audit table."""
    spec, audit = load()
    audited = set(audit["audited"])
    findings: dict[str, list[dict[str, Any]]] = audit.get("findings") or {}
    counts: dict[str, int] = {}
    sources: dict[str, int] = {}
    out = ["# Request-constraint audit", "",
           "Generated by `python -m openapi.audit` from `openapi/dashscope.yaml` and `docs/audit.yaml`; do not",
           "edit by hand. Per model: each constraint the spec enforces (field, keyword and value, the doc line it",
           "cites, the verdict, the JSON pointer in the spec), the constraints sourced outside the seeds listed",
           "apart (a vendor page not among the seeds, a captured exchange, the SDK), then the findings:",
           "constraints found wrong, missing, removed or needing code. Verdict `unaudited` = cited in the spec but",
           "not yet re-read against the docs. Every value a row cites a seed line for is looked up in that seed",
           "by `tests/test_audit_citations.py`.", ""]
    body: list[str] = []
    outside: list[str] = []
    for name, schema in model_schemas(spec):
        ext = schema["x-dashscope-model"]
        status = "right" if name in audited else "unaudited"
        body += [f"## {', '.join(ext['names'])} (`{name}`)", "", f"Docs: {'; '.join(ext.get('docs', []))}", "",
                 "| field | constraint | doc line | status | spec location |", "|---|---|---|---|---|"]
        apart: list[str] = []
        for row in rows(schema, f"#/components/schemas/{name}", ""):
            verdict = status if row.doc or status == "unaudited" else "no doc line"
            if row.source == "vendor-page":
                verdict = "vendor"
            counts[verdict] = counts.get(verdict, 0) + 1
            kind = row.source or "none"
            sources[kind] = sources.get(kind, 0) + 1
            line = (f"| `{row.field}` | `{row.constraint.replace('|', '/')}` | {row.doc or '-'} | {verdict} "
                    f"| `{row.pointer}` |")
            (body if kind in ("seed", "none") else apart).append(line)
        for rule in ext.get("rules") or []:
            counts[status] = counts.get(status, 0) + 1
            kind = source_of(str(rule.get("source", ""))) or "none"
            sources[kind] = sources.get(kind, 0) + 1
            line = (f"| `{', '.join(rule.get('fields', []))}` | rule `{rule.get('rule')}` | "
                    f"{rule.get('source', '-')} | {status} | `x-dashscope-model.rules` |")
            (body if kind in ("seed", "none") else apart).append(line)
        if apart:
            body += ["", "Sourced outside the seeds (vendor page, captured exchange or SDK):", "",
                     "| field | constraint | doc line | status | spec location |", "|---|---|---|---|---|", *apart]
            outside.append(f"| `{name}` | {len(apart)} |")
        if findings.get(name):
            body += ["", "Findings:", "", "| field | constraint | doc line | source | status | note |",
                     "|---|---|---|---|---|---|"]
            for f in findings[name]:
                counts["finding: " + f["status"]] = counts.get("finding: " + f["status"], 0) + 1
                kind = finding_source(f) or "-"
                body.append(f"| `{f['field']}` | {f['constraint']} | {f['doc']} | {kind} | {f['status']} "
                            f"| {f['note']} |")
        body.append("")
    out += ["| verdict | rows |", "|---|---|"] + [f"| {k} | {v} |" for k, v in sorted(counts.items())] + [""]
    out += ["| source of the value | rows |", "|---|---|"] + [
        f"| {k} | {v} |" for k, v in sorted(sources.items())] + [""]
    out += summary(counts, [f for rows_ in findings.values() for f in rows_])
    out += third_pass(audit)
    out += ["Constraint rows sourced outside the seeds, per schema (each model's section lists them apart):", "",
            "| schema | rows |", "|---|---|", *outside, ""]
    return "\n".join(out + body)


def finding_source(finding: Mapping[str, Any]) -> str | None:
    """A finding's source: its `source:` (vendor-page, capture, sdk) when set, else what its doc line names."""
    return str(finding["source"]) if finding.get("source") else source_of(str(finding.get("doc", "")))


def third_pass(audit: Mapping[str, Any]) -> list[str]:
    """The third pass (issue 20) in numbers: the findings it added, by status, and the rows that changed status."""
    found = [f for rows_ in (audit.get("findings") or {}).values() for f in rows_ if f.get("pass") == 3]
    by: dict[str, int] = {}
    for f in found:
        by[f["status"]] = by.get(f["status"], 0) + 1
    changed = audit.get("pass3_changed") or {}
    return ["Third pass (issue 20): findings added, by status:", "",
            "| " + " | ".join(sorted(by)) + " | rows that changed status |",
            "|" + "---|" * (len(by) + 1),
            "| " + " | ".join(str(by[k]) for k in sorted(by)) + f" | {sum(changed.values())} |", "",
            *(f"- {why}: {n}" for why, n in changed.items()), ""]


def summary(counts: Mapping[str, int], findings: list[Mapping[str, Any]]) -> list[str]:
    """Constraints documented / right / wrong / missing over all models, as they were before the fixes.

    Documented = the spec's constraint rows with a doc line (right or vendor) plus the findings for constraints
    the spec did not have (missing, needs code, fixed from missing); wrong = findings wrong or fixed from
    wrong; rules removed for want of any source are counted apart, they document nothing.
    """
    def n(*kinds: str) -> int:
        return sum(1 for f in findings if f["status"] in kinds or f"{f['status']}/{f.get('was')}" in kinds)

    missing = n("missing", "needs code", "fixed/missing")
    wrong = n("wrong", "fixed/wrong")
    documented = counts.get("right", 0) + counts.get("vendor", 0) + missing
    return ["Before the fixes, over all models:", "",
            "| documented | right (vendor-sourced included) | wrong | missing "
            "| rejecting rules with no source (removed) "
            "| needs code now |",
            "|---|---|---|---|---|---|",
            f"| {documented} | {documented - wrong - missing} | {wrong} | {missing} | {n('removed')} | "
            f"{n('needs code')} |", ""]


def main() -> None:
    """Write docs/audit.md."""
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
