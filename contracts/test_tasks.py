"""Free checks: queries and cancels of tasks that do not exist or are finished (docs/behaviour.md §2.1, §3.1)."""

from __future__ import annotations

from .choices import Choices
from .expect import expect_error, expect_status, fixed_uuid
from .probe import Probe

_CANCEL = "Failed to cancel the task, please confirm if the task is in PENDING status."


def test_unknown_task_id_is_unknown(probe: Probe) -> None:
    for task_id, step in ((fixed_uuid("unknown-task"), "query an unknown uuid"),
                          ("contract-not-a-task-id", "query an id that is not a uuid")):
        r = probe.call("GET", f"/tasks/{task_id}", step=step)
        expect_status(r, "UNKNOWN")
        assert r.get("output.task_id") == task_id, f"the id is not echoed as sent: {r.describe()}"
        assert "submit_time" not in r.get("output", {}), r.describe()
    r = probe.call("GET", f"/tasks/{fixed_uuid('unknown-task')}/", step="query with a trailing slash")
    expect_status(r, "UNKNOWN")


def test_cancel_unknown_task_is_400(probe: Probe) -> None:
    r = probe.call("POST", f"/tasks/{fixed_uuid('cancel-unknown')}/cancel", step="cancel an unknown task")
    expect_error(r, 400, "UnsupportedOperation", _CANCEL)


def test_cancel_finished_task_is_400(probe: Probe, choices: Choices) -> None:
    r, task = probe.create(choices.deferred.name, choices.deferred_invalid,
                           route=choices.route_path(choices.deferred), billable=False,
                           step="create a task that will fail")
    expect_status(r, "PENDING")
    expect_status(probe.wait(task), "FAILED")
    r = probe.call("POST", "/tasks/{task}/cancel", task=task, step="cancel the FAILED task")
    expect_error(r, 400, "UnsupportedOperation", _CANCEL)
    expect_status(probe.call("GET", "/tasks/{task}", task=task, step="query after the cancel"), "FAILED")
