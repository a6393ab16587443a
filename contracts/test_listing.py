"""Free checks: the task list and the upload policy (docs/behaviour.md §3.2, §4.1)."""

from __future__ import annotations

import base64
import json

from .choices import Choices
from .expect import expect_status
from .probe import Probe


def test_list_shape(probe: Probe, choices: Choices) -> None:
    r, task = probe.create(choices.deferred.name, choices.deferred_invalid,
                           route=choices.route_path(choices.deferred), billable=False,
                           step="create a task to list")
    expect_status(r, "PENDING")
    expect_status(probe.wait(task), "FAILED")
    listed = probe.call("GET", "/tasks", step="list page 1", params={"page_no": "1", "page_size": "5"})
    assert listed.status == 200, listed.describe()
    assert listed.get("page_no") == 1 and listed.get("page_size") == 5, listed.describe()
    assert len(listed.get("data")) <= 5 and listed.get("total") >= len(listed.get("data")), listed.describe()
    task_id = task.ids["target"]
    one = probe.call("GET", "/tasks", step="list by task id", model=task.model,
                     params={"task_id": str(task_id), "page_no": "1", "page_size": "10"})
    items = [i for i in one.get("data", []) if i.get("task_id") == task_id]
    assert len(items) == 1, f"the task is not listed: {one.describe()}"
    assert items[0].get("status") == "FAILED" and items[0].get("model_name") == task.model, one.describe()
    assert isinstance(items[0].get("gmt_create"), int), "list times are epoch milliseconds (docs/behaviour.md §3.2)"


def test_upload_policy_shape(probe: Probe, choices: Choices) -> None:
    r = probe.call("GET", "/uploads", step="get an upload policy",
                   params={"action": "getPolicy", "model": choices.paid.name})
    assert r.status == 200, r.describe()
    data = r.get("data")
    # the last segment of upload_dir is the request_id (docs/behaviour.md §4.1, observed)
    assert str(data["upload_dir"]).rsplit("/", 1)[-1] == r.get("request_id"), r.describe()
    if data["policy"] != "REDACTED":  # a replayed snapshot has the policy redacted
        policy = json.loads(base64.b64decode(data["policy"]))
        assert "expiration" in policy and isinstance(policy.get("conditions"), list), policy
