"""Free checks: authentication comes first, then the async-header gate (docs/behaviour.md §1.1-1.2).

None of these creates a task: the service refuses them before the body is read.
"""

from __future__ import annotations

from .choices import Choices
from .expect import ASYNC, expect_error, fixed_uuid
from .probe import Probe


def test_missing_key_is_401(probe: Probe, choices: Choices) -> None:
    route = choices.route_path(choices.paid)
    r = probe.call("POST", route, step="create without a key", auth="none", json=choices.paid_body, headers=ASYNC)
    expect_error(r, 401, "InvalidApiKey", "No API-key provided.")
    r = probe.call("GET", f"/tasks/{fixed_uuid('missing-key')}", step="query without a key", auth="none")
    expect_error(r, 401, "InvalidApiKey", "No API-key provided.")


def test_invalid_key_is_401(probe: Probe, choices: Choices) -> None:
    route = choices.route_path(choices.paid)
    r = probe.call("POST", route, step="create with a bad key", auth="invalid", json=choices.paid_body,
                   headers=ASYNC)
    expect_error(r, 401, "InvalidApiKey", "Invalid API-key provided.")
    r = probe.call("GET", f"/tasks/{fixed_uuid('invalid-key')}", step="query with a bad key", auth="invalid")
    expect_error(r, 401, "InvalidApiKey", "Invalid API-key provided.")
    r = probe.call("GET", "/tasks", step="list with a bad key", auth="invalid")
    expect_error(r, 401, "InvalidApiKey", "Invalid API-key provided.")


def test_auth_is_checked_before_the_body(probe: Probe, choices: Choices) -> None:
    r = probe.call("POST", choices.route_path(choices.paid), step="bad key and bad body", auth="invalid",
                   content=b"{not json", headers={**ASYNC, "Content-Type": "application/json"})
    expect_error(r, 401, "InvalidApiKey")


def test_async_route_without_async_header_is_403(probe: Probe, choices: Choices) -> None:
    route = choices.route_path(choices.paid)
    r = probe.call("POST", route, step="create without X-DashScope-Async", json=choices.paid_body)
    expect_error(r, 403, "AccessDenied")
    # any value other than `enable` is a synchronous call (docs/behaviour.md §5.3)
    r = probe.call("POST", route, step="create with X-DashScope-Async: disable", json=choices.paid_body,
                   headers={"X-DashScope-Async": "disable"})
    expect_error(r, 403, "AccessDenied")
