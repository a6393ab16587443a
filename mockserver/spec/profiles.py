"""Model profiles: the spec's `x-dashscope-model` extensions as typed, checked dataclasses.

Every key of the extension maps to a field here. A key the code does not know (a typo, or a new idea not yet
implemented) fails at start-up with `SpecError`, instead of being silently ignored. openapi/README.md documents
each key.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .document import Spec

T = TypeVar("T")

_PROMPT_FIELDS = frozenset({"orig_prompt", "actual_prompt"})
_ENDS = frozenset({"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"})
# every status the docs list for a task (the intermediate ones only for some families: 003 L10219, L11720)
_STATUSES = frozenset({"PENDING", "PRE-PROCESSING", "RUNNING", "POST-PROCESSING", *_ENDS})


class SpecError(ValueError):
    """The spec says something the mock cannot read (an unknown extension key, a wrong type)."""


def _typed(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass `cls` from a spec mapping; unknown keys are an error naming `where`."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise SpecError(f"{where}: expected a mapping, got {type(data).__name__}")
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return cls(**data)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """What a SUCCEEDED task returns (`output`): the result field's path, kind, count and extras."""

    kind: str = "video"  # video | image | template | json
    field: str = "video_url"
    count: str | None = None  # request path holding the number of results
    count_default: int = 1
    # the most results a task produces: larger requested counts are clamped to it. Defaults to the schema's
    # `maximum` of the `count` field; a counted output with neither is a SpecError (no unbounded work)
    count_max: int | None = None
    task_metrics: bool | tuple[str, ...] = False  # true: in every status; or the statuses that show it
    prompts: tuple[str, ...] = ()  # the prompt fields the model returns beside its result
    end_time_ms: bool = True
    constants: Mapping[str, Mapping[str, Any]] | None = None
    extra: Mapping[str, Any] | None = None
    value: Mapping[str, Any] | None = None  # the fixed answer of a synchronous detect model

    def __post_init__(self) -> None:
        prompts = tuple(self.prompts or ())
        if not set(prompts) <= _PROMPT_FIELDS:
            raise SpecError(f"output.prompts: {sorted(set(prompts) - _PROMPT_FIELDS)} not in {sorted(_PROMPT_FIELDS)}")
        object.__setattr__(self, "prompts", prompts)
        if not isinstance(self.task_metrics, bool):
            statuses = tuple(self.task_metrics)
            if not set(statuses) <= _STATUSES:
                raise SpecError(f"output.task_metrics: {sorted(set(statuses) - _STATUSES)} are not task statuses")
            object.__setattr__(self, "task_metrics", statuses)

    def metrics_in(self, status: str) -> bool:
        """Whether `task_metrics` is part of the answer in `status` (some families show it only when finished)."""
        return self.task_metrics if isinstance(self.task_metrics, bool) else status in self.task_metrics


@dataclass(frozen=True, slots=True)
class MediaRules:
    """How the output media's size, fps and duration follow from the request (`media`)."""

    resolution: str | None = None
    default_resolution: str | None = None
    table: str | None = None
    ratio: str | None = None
    default_ratio: str | None = None
    ratio_when: str | None = None
    ratio_from_bbox: str | None = None
    size: str | None = None
    default_size: str | None = None
    sizes: Mapping[str, str] | list[str] | None = None
    short_side: str | None = None
    fps: int | Mapping[str, int] = 30
    fps_by: str | None = None
    fps_from: str | None = None
    duration: str | None = None
    default_duration: float = 5
    duration_from_input: bool = False
    fixed_duration: float | None = None
    # billed input: each input video capped at caps[n - 1] s, n = the items at `count` (a shared quota), summed
    input_duration_cap: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """Documented queue and run time, in seconds (the faithful profile), and the statuses the run goes through."""

    queue_s: float = 0.0
    run_s: float = 30.0
    # the statuses between PENDING and the end, each with its share of the run time, in order
    phases: Mapping[str, float] = field(default_factory=lambda: {"RUNNING": 1.0})

    def __post_init__(self) -> None:
        if not self.phases or not set(self.phases) <= _STATUSES - {"PENDING", *_ENDS} or "RUNNING" not in self.phases:
            raise SpecError(f"timing.phases: {dict(self.phases)} must name RUNNING and only intermediate statuses")
        if any(share <= 0 for share in self.phases.values()):
            raise SpecError(f"timing.phases: every share must be positive ({dict(self.phases)})")
        total = sum(self.phases.values())
        object.__setattr__(self, "phases", {k: v / total for k, v in self.phases.items()})

    def phase_at(self, fraction: float) -> str:
        """The status a run is in after `fraction` (0 to 1) of its run time."""
        seen = 0.0
        for name, share in self.phases.items():
            seen += share
            if fraction < seen:
                return name
        return list(self.phases)[-1]


@dataclass(frozen=True, slots=True)
class Limits:
    """Submit RPS and concurrent tasks per account (null: no limit)."""

    rps: float | None = None
    concurrency: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A check JSON Schema cannot express: `same_length`, `url`, `combined_length` or `box_ratio`."""

    rule: str
    fields: tuple[str, ...] = ()
    message: str | None = None
    source: str | None = None  # the doc line or capture the rule follows (tests/test_rule_sources.py)
    max: float | None = None  # combined_length: the most Chinese characters plus English words over `fields`
    ratios: tuple[str, ...] = ()  # box_ratio: the width:height ratios an [x1, y1, x2, y2] box may have
    tolerance: float = 0.0  # box_ratio: relative slack for boxes rounded to whole pixels


_RATIO = re.compile(r"[1-9][0-9]*(?:\.[0-9]+)?:[1-9][0-9]*(?:\.[0-9]+)?")
_RULE_KINDS = frozenset({"same_length", "url", "combined_length", "box_ratio"})
_MODEL_KEYS = frozenset({"names", "route", "sync_route", "mode", "validation", "result", "output", "media",
                         "usage", "timing", "limits", "rules", "docs", "choices"})


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """Everything the mock needs to know about one model id, read from the spec."""

    name: str
    schema_name: str
    route: str
    mode: str  # "async" | "sync"
    validation: str  # "submit" | "deferred"
    result_schema: str | None
    output: OutputSpec
    media: MediaRules
    usage: Mapping[str, Any]
    timing: Timing
    limits: Limits
    rules: tuple[Rule, ...]
    docs: tuple[str, ...] = ()
    choices: tuple[Any, ...] = ()
    sync_route: str | None = None  # a second route that answers at once (multimodal-generation)
    schema: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @property
    def output_kind(self) -> str:
        """video | image | template | json."""
        return self.output.kind

    @property
    def rps(self) -> float:
        """Submits per second allowed (no documented limit: effectively none)."""
        return float(self.limits.rps or 1000)

    @property
    def concurrency(self) -> int:
        """Tasks that may run at once per account (null in the spec: sync models, no limit)."""
        return int(self.limits.concurrency or 1_000_000)


@dataclass(frozen=True, slots=True)
class Route:
    """One create route below /api/v1/services/aigc/ and the models it serves."""

    path: str
    mode: str
    models: frozenset[str]


def _bounded(output: OutputSpec, schema: Mapping[str, Any], where: str) -> OutputSpec:
    """`output` with its `count_max` set from the count field's schema `maximum` when the spec gives none."""
    if output.count is None or output.count_max is not None:
        return output
    node: Any = schema
    for part in output.count.split("."):
        node = (node.get("properties") or {}).get(part, {}) if isinstance(node, Mapping) else {}
    maximum = node.get("maximum") if isinstance(node, Mapping) else None
    if not isinstance(maximum, int):
        raise SpecError(f"{where}: count {output.count} has no `maximum` in the schema and no `count_max`")
    return dataclasses.replace(output, count_max=maximum)


def _profiles(schema_name: str, schema: Mapping[str, Any]) -> list[ModelProfile]:
    """The profiles of every model id a request schema names; SpecError on anything unreadable."""
    ext = schema["x-dashscope-model"]
    where = f"components.schemas.{schema_name}.x-dashscope-model"
    unknown = sorted(set(ext) - _MODEL_KEYS)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {', '.join(unknown)}")
    rules = tuple(_typed(Rule, {**r, "fields": tuple(r.get("fields", ())), "ratios": tuple(r.get("ratios", ()))},
                         f"{where}.rules[{i}]")
                  for i, r in enumerate(ext.get("rules") or ()))
    for r in rules:
        if r.rule not in _RULE_KINDS:
            raise SpecError(f"{where}.rules: unknown rule kind {r.rule!r}")
        if r.rule == "combined_length" and not (isinstance(r.max, int | float) and r.max > 0):
            raise SpecError(f"{where}.rules: combined_length needs a positive max")
        if r.rule == "box_ratio" and not (r.ratios and all(_RATIO.fullmatch(str(x)) for x in r.ratios)):
            raise SpecError(f"{where}.rules: box_ratio needs ratios like '3:4' (positive sides), not {list(r.ratios)}")
    mode = ext.get("mode", "async")
    validation = ext.get("validation", "submit")
    if mode not in ("async", "sync") or validation not in ("submit", "deferred"):
        raise SpecError(f"{where}: mode must be async|sync and validation submit|deferred")
    output = _bounded(_typed(OutputSpec, ext.get("output"), f"{where}.output"), schema, f"{where}.output")
    shared = {
        "schema_name": schema_name, "route": ext["route"].strip("/"), "mode": mode, "validation": validation,
        "result_schema": ext.get("result"), "output": output,
        "media": _typed(MediaRules, ext.get("media"), f"{where}.media"), "usage": dict(ext.get("usage") or {}),
        "timing": _typed(Timing, ext.get("timing"), f"{where}.timing"),
        "limits": _typed(Limits, ext.get("limits"), f"{where}.limits"), "rules": rules,
        "docs": tuple(str(d) for d in ext.get("docs") or ()), "choices": tuple(ext.get("choices") or ()),
        "sync_route": ext["sync_route"].strip("/") if ext.get("sync_route") else None, "schema": schema,
    }
    return [ModelProfile(name=name, **shared) for name in ext["names"]]


class Registry:
    """Model and route lookups; the only place that interprets `x-dashscope-model`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.models: dict[str, ModelProfile] = {}
        routes: dict[str, set[str]] = {}
        modes: dict[str, str] = {}
        for schema_name, schema in spec.model_schemas().items():
            for profile in _profiles(schema_name, schema):
                self.models[profile.name] = profile
                routes.setdefault(profile.route, set()).add(profile.name)
                modes[profile.route] = profile.mode
                if profile.sync_route:
                    routes.setdefault(profile.sync_route, set()).add(profile.name)
                    modes[profile.sync_route] = "sync"
        self.routes = {p: Route(p, modes[p], frozenset(m)) for p, m in routes.items()}

    def model(self, name: str) -> ModelProfile | None:
        """The profile of `name`, or None for a model the docs do not name."""
        return self.models.get(name)

    def route(self, path: str) -> Route | None:
        """The route at `path` (below /api/v1/services/aigc/, slashes stripped)."""
        return self.routes.get(path.strip("/"))


@functools.lru_cache(maxsize=8)
def registry_for(spec: Spec) -> Registry:
    """The registry of `spec`, built once per spec (a fresh twin per test reuses it; nothing changes a registry)."""
    return Registry(spec)
