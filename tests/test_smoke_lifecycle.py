"""Every model's documented example creates a task that reaches SUCCEEDED (dev profile)."""

from __future__ import annotations

import pytest

from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry

MODELS = sorted(Registry(load_spec()).models)


@pytest.mark.parametrize("model", MODELS)
def test_example_reaches_terminal(mock, model):
    profile = mock.twin.registry.model(model)
    r = mock.create(model)
    assert r.status_code == 200, r.text
    if profile.mode == "sync":
        assert "output" in r.json()
        return
    task_id = r.json()["output"]["task_id"]
    assert mock.get(task_id)["output"]["task_status"] == "PENDING"
    mock.advance(5)
    assert mock.get(task_id)["output"]["task_status"] == "SUCCEEDED"
