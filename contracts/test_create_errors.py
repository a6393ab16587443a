"""Free checks: creates the service refuses, at submit or (for deferred models) as a FAILED task.

Failed calls and failed tasks are not billed (docs/behaviour.md §2.5), so these cost nothing; the
deferred one still creates a task, which the spend ledger counts as free.
"""

from __future__ import annotations

from .choices import Choices
from .expect import ASYNC, expect_error, expect_status
from .probe import Probe


def test_unknown_model_is_400(probe: Probe, choices: Choices) -> None:
    body = {**choices.paid_body, "model": "contract-no-such-model"}
    r = probe.call("POST", choices.route_path(choices.paid), step="create an unknown model", json=body,
                   headers=ASYNC)
    expect_error(r, 400, "InvalidParameter", "Model not exist.")


def test_malformed_body_is_400(probe: Probe, choices: Choices) -> None:
    r = probe.call("POST", choices.route_path(choices.paid), step="create with broken JSON",
                   content=b'{"model": "' + choices.paid.name.encode() + b'", "input": ',
                   headers={**ASYNC, "Content-Type": "application/json"})
    expect_error(r, 400, "InvalidParameter", "Required body invalid")


def test_model_on_another_route_is_403(probe: Probe, choices: Choices) -> None:
    """A model posted to another family's route meets the async gate, not a 404 (docs/behaviour.md §1.2, inferred)."""
    r, _ = probe.create(choices.paid.name, choices.paid_body, route=choices.route_path(choices.deferred),
                        billable=False, expect_task=False, step="create on another family's route")
    expect_error(r, 403, "AccessDenied")


def test_immediate_parameter_error(probe: Probe, choices: Choices) -> None:
    """A model that validates at submit answers 400 InvalidParameter and creates nothing."""
    r, _ = probe.create(choices.paid.name, choices.submit_invalid, route=choices.route_path(choices.paid),
                        billable=False, expect_task=False, step=f"create: {choices.submit_invalid_why}")
    expect_error(r, 400, "InvalidParameter")


def test_deferred_parameter_error(probe: Probe, choices: Choices) -> None:
    """A deferred model accepts the create, then the task FAILS with InvalidParameter (docs/behaviour.md §1.4)."""
    r, task = probe.create(choices.deferred.name, choices.deferred_invalid,
                           route=choices.route_path(choices.deferred), billable=False,
                           step=f"create: {choices.deferred_invalid_why}")
    expect_status(r, "PENDING")
    final = probe.wait(task)
    expect_status(final, "FAILED")
    assert final.get("output.code") == "InvalidParameter", final.describe()
    assert "prompt" in str(final.get("output.message", "")), final.describe()
    assert final.get("usage.video_count", 0) == 0, f"a failed task reports billable output: {final.describe()}"
