"""Model profiles, built once from the spec's `x-dashscope-model` extensions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .spec import Spec


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """Everything the engine needs to know about one model id, read from the spec."""

    name: str
    schema_name: str
    route: str
    mode: str  # "async" | "sync"
    validation: str  # "submit" | "deferred"
    result_schema: str | None
    output: dict[str, Any]
    media: dict[str, Any]
    usage: dict[str, Any]
    queue_s: float
    run_s: float
    rps: float
    concurrency: int
    rules: tuple[dict[str, Any], ...]
    raw: dict[str, Any] = field(repr=False)
    sync_route: str | None = None  # a second route that answers at once (multimodal-generation)
    schema: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def output_kind(self) -> str:
        """video | image | template | json."""
        return str(self.output.get("kind", "video"))


@dataclass(frozen=True, slots=True)
class Route:
    """One create route below /api/v1/services/aigc/ and the models it serves."""

    path: str
    mode: str
    models: frozenset[str]


class Registry:
    """Model and route lookups; the only place that interprets `x-dashscope-model`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.models: dict[str, ModelProfile] = {}
        routes: dict[str, set[str]] = {}
        modes: dict[str, str] = {}
        for schema_name, schema in spec.model_schemas().items():
            ext = schema["x-dashscope-model"]
            timing = ext.get("timing", {})
            limits = ext.get("limits", {})
            for name in ext["names"]:
                profile = ModelProfile(
                    name=name,
                    schema_name=schema_name,
                    route=ext["route"].strip("/"),
                    mode=ext.get("mode", "async"),
                    validation=ext.get("validation", "submit"),
                    result_schema=ext.get("result"),
                    output=dict(ext.get("output", {})),
                    media=dict(ext.get("media", {}) or {}),
                    usage=dict(ext.get("usage", {}) or {}),
                    queue_s=float(timing.get("queue_s", 0)),
                    run_s=float(timing.get("run_s", 30)),
                    rps=float(limits.get("rps") or 1000),
                    concurrency=int(limits.get("concurrency") or 1_000_000),  # null: sync, no limit
                    rules=tuple(ext.get("rules", []) or []),
                    raw=ext,
                    schema=schema,
                    sync_route=ext["sync_route"].strip("/") if ext.get("sync_route") else None,
                )
                self.models[name] = profile
                routes.setdefault(profile.route, set()).add(name)
                modes[profile.route] = profile.mode
                if profile.sync_route:
                    routes.setdefault(profile.sync_route, set()).add(name)
                    modes[profile.sync_route] = "sync"
        self.routes = {p: Route(p, modes[p], frozenset(m)) for p, m in routes.items()}

    def model(self, name: str) -> ModelProfile | None:
        """The profile of `name`, or None for a model the docs do not name."""
        return self.models.get(name)

    def route(self, path: str) -> Route | None:
        """The route at `path` (below /api/v1/services/aigc/, slashes stripped)."""
        return self.routes.get(path.strip("/"))
