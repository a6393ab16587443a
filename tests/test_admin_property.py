"""The admin API cannot be broken: Hypothesis drives every `/__mock/*` operation from the admin API's own OpenAPI
document (Schemathesis, positive and negative inputs), and after every call the twin must still answer health,
create and get; a refused call must have changed nothing.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode

from mockserver import Settings, create_app
from mockserver.testing import MockTransport

EXAMPLES = int(os.environ.get("ADMIN_PROPERTY_EXAMPLES", "8"))
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
PROBE_KEY = "sk-admin-property-probe"
_n = itertools.count()

APP = create_app(Settings.for_profile("dev", frozen=True, log_requests=False))
TWIN = APP.state.twin
SCHEMA = schemathesis.openapi.from_asgi("/__mock/openapi.json", APP)
# schema-valid inputs may still be refused by rules only the domain knows (an advance past the year 3000 from
# the current virtual time, a code missing from the catalogue, a scenario that does not parse)
SCHEMA.config.checks.positive_data_acceptance.enabled = False
HTTP = httpx.Client(transport=MockTransport(APP), base_url="http://127.0.0.1")
DOC = HTTP.get("/__mock/openapi.json").json()
# (method, path, takes input): negative inputs only where there is a body or a typed parameter to break (a
# string path id accepts anything)
OPERATIONS = [(method.upper(), path, bool(op.get("requestBody") or any(
    p["in"] != "path" or p["schema"].get("type") != "string" for p in op.get("parameters", []))))
    for path, item in DOC["paths"].items() for method, op in item.items()]


def _snapshot() -> dict[str, Any]:
    """Everything an admin call can change (virtual time itself only while the clock is frozen)."""
    keys = TWIN.keys
    clock = TWIN.clock.state()
    if not clock["frozen"]:
        del clock["now"], clock["iso"]
    return {"clock": clock, "faults": TWIN.faults.plan.view(),
            "scenarios": [i.view() for i in TWIN.scenarios.items], "marks": TWIN.downloads.listed(),
            "keys": dict(keys._keys), "blocked": set(keys._blocked), "only_listed": keys.only_listed,
            "tasks": len(TWIN.tasks.store)}


def _still_works() -> None:
    """Health answers; with the clock frozen (a fast one may expire a task between create and get) and faults
    and queued scenarios cleared (all deliberate), a create and a get work."""
    assert HTTP.get("/__mock/health").status_code == 200
    assert HTTP.post("/__mock/clock", json={"freeze": True}).status_code == 200
    assert HTTP.post("/__mock/faults", json={}).status_code == 200
    assert HTTP.delete("/__mock/scenarios").status_code == 200
    account = {"keys": {"accounts": {"probe": {"keys": [PROBE_KEY]}}}, "account": "probe", "state": "active"}
    assert HTTP.post("/__mock/accounts", json=account).status_code == 200
    auth = {"Authorization": f"Bearer {PROBE_KEY}", "X-DashScope-Async": "enable"}
    created = HTTP.post(CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": f"probe {next(_n)}"}},
                        headers=auth, timeout=10)
    assert created.status_code == 200, created.text
    task_id = created.json()["output"]["task_id"]
    got = HTTP.get(f"/api/v1/tasks/{task_id}", headers=auth, timeout=10)
    assert got.status_code == 200 and got.json()["output"]["task_status"] != "UNKNOWN", got.text


CASES = [pytest.param(mode, method, path, id=f"{mode}-{method} {path}")
         for method, path, takes_input in OPERATIONS for mode in ("positive", "negative")
         if mode == "positive" or takes_input]


def test_every_admin_operation_is_covered() -> None:
    paths = {p for _, p, _ in OPERATIONS}
    assert {"/clock", "/faults", "/scenarios", "/accounts", "/reset", "/undownloadable"} <= paths


@pytest.mark.parametrize(("mode", "method", "path"), CASES)
def test_no_admin_input_breaks_the_twin(mode: str, method: str, path: str) -> None:
    strategy = SCHEMA[path][method].as_strategy(generation_mode=GenerationMode(mode))

    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        before = _snapshot()
        response = case.call_and_validate()
        assert response.status_code < 500
        if response.status_code >= 400:
            body = response.json()
            rid = response.headers["x-request-id"]
            assert set(body) == {"request_id", "code", "message"}
            assert [body["request_id"]] == (rid if isinstance(rid, list) else [rid])
            assert _snapshot() == before, "a refused admin call changed the twin"
        _still_works()

    run()
