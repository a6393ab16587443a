"""Outputs and statuses as each model's docs show them: prompt fields, task_metrics, run phases (issue 12 part 4)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mockserver.spec.document import load_spec
from mockserver.spec.profiles import OutputSpec, Registry, SpecError, Timing

REGISTRY = Registry(load_spec())


def _finished(mock, model: str, body: dict[str, Any] | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    task_id = mock.task_id(model, body=body)
    mock.advance(3600)
    done = mock.get(task_id)
    assert done["output"]["task_status"] == "SUCCEEDED", done
    return done


def test_wan26_never_returns_actual_prompt(mock) -> None:
    # 003 L7716-7722 and L5269-5271: not even with prompt_extend on
    body = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}, "parameters": {"prompt_extend": True}}
    out = _finished(mock, "wan2.6-t2v", body)["output"]
    assert out["orig_prompt"] == "a cat" and "actual_prompt" not in out


def test_wan27_videoedit_shows_only_orig_prompt(mock) -> None:
    body = copy.deepcopy(mock.twin.spec.example_body("wan2.7-videoedit"))
    body.setdefault("parameters", {})["prompt_extend"] = True  # 004 L130: still orig_prompt only
    out = _finished(mock, "wan2.7-videoedit", body)["output"]
    assert "orig_prompt" in out and "actual_prompt" not in out


@pytest.mark.parametrize(("extend", "shown"), [(True, {"orig_prompt", "actual_prompt"}), (False, {"orig_prompt"})])
def test_actual_prompt_follows_prompt_extend_where_the_model_returns_it(mock, extend: bool, shown: set[str]) -> None:
    # 003 L5982-5983: returned only while prompt rewriting is on
    body = {"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"}, "parameters": {"prompt_extend": extend}}
    out = _finished(mock, "wan2.2-t2v-plus", body)["output"]
    assert {k for k in out if k.endswith("_prompt")} == shown


def test_every_model_returns_exactly_its_spec_prompt_fields(mock) -> None:
    """The switch is the spec's `output.prompts`: each SUCCEEDED answer carries those fields, no others."""
    checked: set[str] = set()
    for profile in (p for p in REGISTRY.models.values() if p.mode == "async" and p.output.kind != "json"):
        body = copy.deepcopy(mock.twin.spec.example_body(profile.name))
        if body is None or "oss://" in str(body):
            continue
        body.setdefault("parameters", {})["prompt_extend"] = True
        r = mock.create(profile.name, body=body)
        if r.status_code != 200:
            continue  # an example that needs an upload first is another test's business
        mock.advance(3600)
        done = mock.get(r.json()["output"]["task_id"])
        if done["output"]["task_status"] != "SUCCEEDED":
            continue
        found = {k for k in _keys(done["output"]) if k in ("orig_prompt", "actual_prompt")}
        assert found == set(profile.output.prompts), (profile.name, found)
        checked.add(profile.name)
    assert {"wan2.6-t2v", "wan2.2-t2v-plus", "wanx2.1-t2i-turbo", "wan2.7-videoedit"} <= checked, sorted(checked)


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_task_metrics_only_when_finished_where_the_spec_says_so(mock) -> None:
    # docs/behaviour.md §2.2-2.3: wanx-v1 (2024) shows task_metrics while PENDING and RUNNING
    task_id = mock.task_id("wanx-v1")
    assert "task_metrics" in mock.get(task_id)["output"]
    assert REGISTRY.models["wanx2.1-t2i-turbo"].output.task_metrics == ("SUCCEEDED", "FAILED")
    assert REGISTRY.models["wanx-v1"].output.metrics_in("PENDING")


@pytest.mark.parametrize("model", ["animate-anyone-gen2", "videoretalk"])
def test_documented_run_phases_appear_in_the_timeline(make_mock, model: str) -> None:
    # 003 L10214-10234 (AnimateAnyone), L11716-11734 (VideoRetalk): PRE-PROCESSING and POST-PROCESSING
    mock = make_mock("faithful", limits=False)
    mock.freeze()
    task_id = mock.task_id(model)
    seen = []
    for _ in range(400):
        status = mock.get(task_id)["output"]["task_status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("SUCCEEDED", "FAILED"):
            break
        mock.advance(1)
    assert seen == ["PENDING", "PRE-PROCESSING", "RUNNING", "POST-PROCESSING", "SUCCEEDED"], seen
    listed = {i["task_id"]: i["status"] for i in mock.http.get("/api/v1/tasks", headers=mock.headers()).json()["data"]}
    assert listed[task_id] == "SUCCEEDED"


def test_a_phase_answer_carries_the_running_fields(make_mock) -> None:
    mock = make_mock("faithful", limits=False)
    mock.freeze()
    task_id = mock.task_id("videoretalk")
    timing = REGISTRY.models["videoretalk"].timing
    while mock.get(task_id)["output"]["task_status"] == "PENDING":
        mock.advance(0.5)
    out = mock.get(task_id)["output"]
    assert out["task_status"] == "PRE-PROCESSING" and set(out) == {"task_id", "task_status", "submit_time",
                                                                   "scheduled_time"}
    assert list(timing.phases) == ["PRE-PROCESSING", "RUNNING", "POST-PROCESSING"]


def test_models_without_phases_only_run(mock) -> None:
    assert all(list(p.timing.phases) == ["RUNNING"] for p in REGISTRY.models.values()
               if p.name not in ("animate-anyone-gen2", "videoretalk"))


def test_the_switches_refuse_what_they_cannot_mean() -> None:
    with pytest.raises(SpecError):
        OutputSpec(prompts=("rewritten_prompt",))
    with pytest.raises(SpecError):
        OutputSpec(task_metrics=("DONE",))
    with pytest.raises(SpecError):
        Timing(phases={"PRE-PROCESSING": 1})
    with pytest.raises(SpecError):
        Timing(phases={"RUNNING": 1, "SUCCEEDED": 1})
    assert Timing(phases={"PRE-PROCESSING": 1, "RUNNING": 3}).phase_at(0.3) == "RUNNING"
