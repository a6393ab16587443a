"""The client's typed models are the spec's: generated files are current, hand-written parts match it."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from pathlib import Path

import pytest

import clients
from clients import _generated, codegen, errors, responses
from mockserver.spec.document import load_document, load_spec

SPEC = load_spec()


def test_generated_modules_are_current() -> None:
    rendered = codegen.render(load_document())
    assert set(rendered) == {codegen.OUT_PATH, codegen.MODELS_PATH}
    for path, text in rendered.items():
        assert path.read_text(encoding="utf-8") == text, f"clients/{path.name} is stale: run python -m clients.codegen"


def test_async_client_is_the_sync_client_made_async() -> None:
    assert codegen.ASYNC_PATH.read_text(encoding="utf-8") == codegen.render_async(
        codegen.SYNC_PATH.read_text(encoding="utf-8")), "clients/aclient.py is stale: run python -m clients.codegen"


def test_sync_and_async_surfaces_match() -> None:
    def surface(cls: type) -> dict[str, list[str]]:
        return {n: list(inspect.signature(f).parameters) for n, f in vars(cls).items()
                if callable(f) and not n.startswith("_")}

    sync, asyn = surface(clients.Client), surface(clients.AsyncClient)
    assert sync == asyn
    for name in sync:
        if name != "list":  # an async generator: iterated with `async for`, not awaited
            assert inspect.iscoroutinefunction(getattr(clients.AsyncClient, name)), name
    assert inspect.isasyncgenfunction(clients.AsyncClient.list)


def test_every_model_has_its_facts_and_a_helper_on_both_clients() -> None:
    names = {n for s in SPEC.model_schemas().values() for n in s["x-dashscope-model"]["names"]}
    assert set(_generated.MODELS) == names
    for name, info in _generated.MODELS.items():
        ext = SPEC.schemas[info.schema]["x-dashscope-model"]
        assert name in ext["names"]
        assert (info.route, info.mode, info.validation, info.result) == (
            ext["route"].strip("/"), ext.get("mode", "async"), ext.get("validation", "submit"), ext.get("result"))
        assert info.output_field == ext["output"]["field"]
        method = codegen.method_name(name)
        assert callable(getattr(clients.SyncModels, method)), name
        assert inspect.iscoroutinefunction(getattr(clients.AsyncModels, method)), name


def test_request_typeddicts_have_the_schema_properties() -> None:
    for schema_name, schema in SPEC.model_schemas().items():
        base = schema_name.removesuffix("Request")
        td = getattr(_generated, f"{base}Input")
        props = schema["properties"]["input"].get("properties", {})
        assert set(typing.get_type_hints(td)) == set(props), schema_name
        assert td.__required_keys__ == frozenset(schema["properties"]["input"].get("required", [])), schema_name


def test_task_status_literal_is_the_spec_enum() -> None:
    assert list(typing.get_args(clients.TaskStatus)) == SPEC.schemas["TaskStatus"]["enum"]


def _props(name: str) -> set[str]:
    return set(SPEC.schemas[name]["properties"])


def test_task_covers_every_task_output_property() -> None:
    wire: set[str] = set()
    for name in ("TaskOutputPending", "TaskOutputRunning", "TaskOutputSucceeded", "TaskOutputFailed",
                 "TaskOutputCanceled", "TaskOutputUnknown"):
        wire |= _props(name)
    assert set(responses.TASK_WIRE_FIELDS) == wire
    fields = {f.name for f in dataclasses.fields(responses.Task)}
    assert set(responses.TASK_WIRE_FIELDS.values()) <= fields
    # the rest of the query body: request_id and usage
    assert _props("TaskQueryResponse") - {"output"} <= fields


def test_list_and_policy_classes_match_their_schemas() -> None:
    item = {f.name for f in dataclasses.fields(responses.TaskListItem)}
    assert item == _props("TaskListItem")
    page = {f.name for f in dataclasses.fields(responses.TaskList)}
    assert page == _props("TaskListResponse") - {"tasks"}  # `tasks` repeats `data` for the SDK's v2 client
    policy = {f.name for f in dataclasses.fields(responses.UploadPolicy)} - {"request_id"}
    assert policy == set(SPEC.schemas["UploadPolicyResponse"]["properties"]["data"]["properties"])
    created = SPEC.schemas["TaskCreatedResponse"]["properties"]
    assert {"request_id"} | {"task_id", "status"} <= {f.name for f in dataclasses.fields(responses.CreateResult)}
    assert set(created["output"]["properties"]) == {"task_id", "task_status"}


@pytest.mark.parametrize("code", sorted(SPEC.errors))
def test_every_catalogue_code_has_a_family_with_its_status(code: str) -> None:
    family = errors.error_class(code)
    assert family is not errors.UnknownAPIError, code
    assert int(SPEC.errors[code]["status"]) in family.statuses, (code, family.__name__)
    assert _generated.ERROR_STATUS[code] == int(SPEC.errors[code]["status"])


def test_family_statuses_are_the_ones_the_spec_documents() -> None:
    for family in errors.FAMILIES:
        documented = {int(SPEC.errors[c]["status"]) for c in SPEC.errors if errors.error_class(c) is family}
        assert documented == set(family.statuses), family.__name__


def test_result_schemas_of_every_model_exist() -> None:
    for info in _generated.MODELS.values():
        assert info.result in SPEC.schemas
        if info.mode == "async":
            assert hasattr(_generated, f"{info.result}Output") or info.output_kind == "json"


def test_codegen_check_mode_reports_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.argv", ["codegen", "--check"])
    with pytest.raises(SystemExit) as done:
        codegen.main()
    assert done.value.code == 0
    assert "up to date" in capsys.readouterr().out
