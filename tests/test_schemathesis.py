"""Schemathesis against the spec the mock serves (GET /openapi.json), in process (ASGI, no socket).

Every operation gets positive and negative examples, and a state machine follows the spec's links
(create -> query / cancel, list -> query / cancel). Required: no 5xx; status codes, content types and bodies
as the spec declares them; invalid data rejected; auth never ignored.

`make schemathesis-long` sets SCHEMATHESIS_MAX_EXAMPLES (and adds the trailing-slash routes and random
seeds); the default keeps `make test` inside its time budget.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

from mockserver import Settings, create_app
from mockserver.spec.document import load_spec

LONG = "SCHEMATHESIS_MAX_EXAMPLES" in os.environ
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
_keys = itertools.count()


def _operations() -> list[tuple[str, str, bool]]:
    """(method, path, has negative inputs) per operation; slash twins only in the long run (same handler)."""
    doc = load_spec().doc
    shared = doc["components"].get("parameters", {})
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post") or (path.endswith("/") and not LONG):
                continue
            params = [shared[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p for p in op.get("parameters", [])]
            # no negative input without a constrained body or a query/header parameter: a path id accepts
            # any string, and the cancel body is ignored
            bodies = [c.get("schema") for c in op.get("requestBody", {}).get("content", {}).values()]
            negative = any(bodies) or any(p.get("in") != "path" for p in params)
            out.append((method.upper(), path, negative))
    return out


OPERATIONS = _operations()


def _auth() -> dict[str, str]:
    """A fresh key per request: each is its own account, so the faithful profile's rate limits stay out of
    the way (429 is declared, but a run of 429s would test nothing else)."""
    return {"Authorization": f"Bearer sk-test-st-{next(_keys)}"}


def _settings(examples: int, **kw: Any) -> hypothesis.settings:
    return hypothesis.settings(max_examples=examples, deadline=None, database=None, derandomize=not LONG,
                               suppress_health_check=list(HealthCheck), phases=[Phase.generate], **kw)


_schemas: dict[str, OpenApiSchema] = {}


def served_schema(profile: str) -> OpenApiSchema:
    """The spec as a mock in `profile` serves it, bound to that mock's ASGI app (one per process)."""
    if profile not in _schemas:
        app = create_app(Settings.for_profile(profile, frozen=True, log_requests=False))
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        checks = schema.config.checks
        # Schema-valid bodies can still break the spec's x-dashscope-model `rules` (same_length, url), which
        # JSON Schema cannot say; so a 400 for a schema-valid request is not a failure here.
        checks.positive_data_acceptance.enabled = False
        if profile == "faithful":
            # deferred validation accepts invalid bodies with 200 and FAILS the task later, as the real
            # service does (docs/behaviour.md §1.4); strict validation (dev) rejects them at submit
            checks.negative_data_rejection.enabled = False
        # the tests send a valid key themselves; ignored_auth still re-sends every request without one
        schema.config.generation.update(with_security_parameters=False)
        _schemas[profile] = schema
    return _schemas[profile]


def _sends_a_null_field(body: Any) -> bool:
    """Whether an `input`/`parameters` field is null: the twin reads that as absent, as the official SDK sends
    `"prompt": null` for an unset prompt (docs/sdk-wire.md §2.2), so such a body is not negative data to it."""
    return isinstance(body, dict) and any(
        isinstance(body.get(part), dict) and None in body[part].values() for part in ("input", "parameters"))


def _label(op: tuple[str, str, bool]) -> str:
    return f"{op[0]} {op[1].removeprefix('/api/v1')}"


CASES = [pytest.param(profile, mode, method, path, id=f"{profile}-{mode}-{_label((method, path, neg))}")
         for profile in ("dev", "faithful") for method, path, neg in OPERATIONS
         # faithful negatives (deferred validation: accepted, then FAILED) only in the long run, for time
         for mode in ("positive", "negative") if mode == "positive" or (neg and (profile == "dev" or LONG))]


@pytest.mark.parametrize(("profile", "mode", "method", "path"), CASES)
def test_operation_conforms(profile: str, mode: str, method: str, path: str) -> None:
    operation = served_schema(profile)[path][method]
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))

    @_settings(MAX_EXAMPLES)
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        hypothesis.assume(mode == "positive" or not _sends_a_null_field(case.body))
        case.call_and_validate(headers=_auth())

    run()


# Where creates mostly succeed (prompt-only bodies), so scenarios go on along the links; the long run takes
# every route. In dev, most generated bodies break a `url` rule (400) and end their scenario at once.
_STATEFUL_FOCUS = r"^/api/v1/(tasks|services/aigc/(text2image|video-generation|image-generation)/)"


@pytest.mark.parametrize("profile", ["dev", "faithful"] if LONG else ["faithful"])
def test_stateful_links(profile: str) -> None:
    schema = served_schema(profile)
    twin = schema.app.state.twin
    if not LONG:
        schema = schema.include(path_regex=_STATEFUL_FOCUS)
    schema.config.phases.stateful.generation.update(modes=["positive"])
    machine = schema.as_state_machine()
    links = sum(len(t.outgoing) for t in machine._transitions.operations.values())
    assert links >= 4 * 3, "the spec's create -> query/cancel links are gone"

    class Machine(machine):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__()
            self.headers = _auth()  # one account per scenario, so a link reaches the task it created

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": self.headers}

    polled = len(twin.journal)
    run: Callable[..., None] = Machine.run
    run(settings=_settings(max(10, MAX_EXAMPLES), stateful_step_count=6 if not LONG else 12))
    assert len(twin.journal) > polled, "no scenario followed a create's link to query its task"
