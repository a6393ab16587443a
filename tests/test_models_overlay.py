"""Models as data: a model overlay (`models: {<id>: {like: <id>, ...}}`) makes a model the spec lacks a full
citizen (validation, routes, the official SDK's call) through the fixture and through `serve`; a bad overlay is a
one-line error naming the entry; `dashscope-mock models` lists what the twin serves; and in the dev profile an
unknown model's "Model not exist." carries a hint pointing to `--models`."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.settings import Settings
from mockserver.spec.document import load_spec
from mockserver.spec.model_table import model_rows
from mockserver.spec.overlay import OverlayError, apply_overlay, overlaid_spec, overlay_option
from mockserver.spec.profiles import Registry
from mockserver.testing import DashScopeMock
from tests.test_cli_serve import COMMAND, _env, serve

pytest_plugins = ["pytester"]

OVERLAY = "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n"  # the three lines the docs show
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


@pytest.fixture
def overlay_file(tmp_path: Path) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    return path


def _registry(models: dict[str, Any]) -> Registry:
    return Registry(overlaid_spec(models))


def test_without_an_overlay_the_model_does_not_exist(dashscope_mock: DashScopeMock) -> None:
    from dashscope import VideoSynthesis

    rsp = VideoSynthesis.async_call(model="wan2.8-t2v", prompt="a cat")
    assert rsp.status_code == 400 and rsp.message == "Model not exist."


def test_sdk_video_call_succeeds_with_the_three_line_overlay(pytester: pytest.Pytester, overlay_file: Path) -> None:
    pytester.makepyfile(f"""
        import pytest
        from dashscope import VideoSynthesis

        @pytest.mark.dashscope_mock(models={str(overlay_file)!r})
        def test_new_model(dashscope_mock):
            rsp = VideoSynthesis.call(model="wan2.8-t2v", prompt="a cat", size="1280*720")
            assert rsp.status_code == 200, rsp
            assert rsp.output.task_status == "SUCCEEDED" and rsp.output.video_url
            assert dashscope_mock.twin.tasks.store.get(rsp.output.task_id).model == "wan2.8-t2v"

        @pytest.mark.dashscope_mock(models={{"wan2.8-t2v": {{"like": "wan2.6-t2v"}}}}, profile="faithful",
                                    time_scale=1000)
        def test_validation_is_the_like_models(dashscope_mock):
            rsp = VideoSynthesis.call(model="wan2.8-t2v", prompt="a cat", size="640*480")
            # wan2.6-t2v defers parameter errors (faithful): FAILED InvalidParameter, and so does its copy
            assert rsp.output.task_status == "FAILED" and rsp.output.code == "InvalidParameter", rsp
    """)
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "0").assert_outcomes(passed=2)


def test_a_bad_marker_overlay_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.dashscope_mock(models={"wan2.8-t2v": {"like": "wan9-t2v"}})
        def test_it(dashscope_mock):
            pass
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-n", "0")
    result.stdout.fnmatch_lines(["*models.wan2.8-t2v.like: 'wan9-t2v' is not a model of the spec*"])
    assert result.ret != 0


def test_sdk_call_succeeds_through_serve(tmp_path: Path, overlay_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dashscope
    from dashscope import VideoSynthesis

    scenarios = tmp_path / "scenarios.yaml"  # the task is done at its first poll: the SDK's real sleep is not hit
    scenarios.write_text("- {scenario: 'pending:0s,succeeded', model: wan2.8-t2v}\n", encoding="utf-8")
    with serve(tmp_path, "--models", str(overlay_file), "--scenarios", str(scenarios), "--quiet") as (base, _):
        monkeypatch.setattr(dashscope, "base_http_api_url", base + "/api/v1")
        rsp = VideoSynthesis.call(model="wan2.8-t2v", prompt="a cat", api_key="sk-anything")
        assert rsp.status_code == 200 and rsp.output.task_status == "SUCCEEDED", rsp
        assert httpx.get(rsp.output.video_url).status_code == 200
        # a model the overlay does not name is still unknown, with the dev hint
        r = httpx.post(base + CREATE, json={"model": "wan2.9-t2v", "input": {"prompt": "x"}},
                       headers={"Authorization": "Bearer sk-anything", "X-DashScope-Async": "enable"})
        assert r.status_code == 400 and r.json()["message"] == "Model not exist."
        assert "--models" in r.headers["x-mock-hint"]


BAD = {
    "models:\n  wan2.8-t2v:\n    like: wan9-t2v\n": "models.wan2.8-t2v.like: 'wan9-t2v' is not a model",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    colour: red\n": "models.wan2.8-t2v: unknown key colour",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    timing: {run_secs: 3}\n":
        "models.wan2.8-t2v.timing: unknown key(s) run_secs",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    limits: 5\n": "models.wan2.8-t2v.limits: 5 is not a mapping",
    "models:\n  wan2.9-x: {}\n": "models.wan2.9-x is not a model of the spec",
    "model:\n  wan2.8-t2v: {like: wan2.6-t2v}\n": "an overlay is one mapping `models:",
    "models: [wan2.8-t2v]\n": "`models:` must map at least one model id",
    "models:\n  wan2.8-t2v: [like]\n": "models.wan2.8-t2v must be a mapping",
    "models: {\n": "cannot read",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    timing: {run_s: slow}\n":
        "models.wan2.8-t2v.timing.run_s: 'slow' is not a float",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    output: {field: 5}\n": "models.wan2.8-t2v.output.field: 5",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    route: 7\n": "models.wan2.8-t2v.route: 7 is not a string",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    docs: 5\n": "models.wan2.8-t2v.docs: 5 is not a list",
    "models:\n  wan2.8-t2v:\n    like: wan2.6-t2v\n    rules: [5]\n": "models.wan2.8-t2v: a value has the wrong type",
}


def test_bad_overlays_are_one_line_errors_naming_the_entry(tmp_path: Path) -> None:
    for i, (text, words) in enumerate(BAD.items()):
        path = tmp_path / f"bad{i}.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(OverlayError) as caught:
            overlay_option(path)
        assert words in str(caught.value) and "\n" not in str(caught.value), caught.value


def test_serve_refuses_a_bad_overlay_with_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mockserver.cli import app

    path = tmp_path / "bad.yaml"
    path.write_text("models:\n  wan2.8-t2v:\n    like: wan9-t2v\n", encoding="utf-8")
    words = "models.wan2.8-t2v.like: 'wan9-t2v' is not a model"
    flag = CliRunner().invoke(app, ["serve", "--port", "0", "--models", str(path)])
    assert flag.exit_code == 2 and words in flag.output
    run = subprocess.run([COMMAND, "serve", "--port", "0"], env=_env(DASHSCOPE_MOCK_MODELS=str(path)),
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and words in run.stderr  # one line, as every usage error of serve


def test_models_command_lists_spec_and_overlay_models(overlay_file: Path) -> None:
    from typer.testing import CliRunner

    from mockserver.cli import app

    run = CliRunner().invoke(app, ["models", "--json", "--models", str(overlay_file)])
    assert run.exit_code == 0, run.output
    rows = {r["model"]: r for r in json.loads(run.stdout)}
    assert set(rows) == set(Registry(load_spec()).models) | {"wan2.8-t2v"}
    assert rows["wan2.8-t2v"] == {**rows["wan2.6-t2v"], "model": "wan2.8-t2v", "source": "overlay"}
    assert rows["wan2.6-t2v"] == {"model": "wan2.6-t2v", "route": "video-generation/video-synthesis",
                                  "sync_route": None, "family": "Wan26T2v", "mode": "async",
                                  "validates": "task (deferred)", "output": "video", "source": "spec"}
    table = CliRunner().invoke(app, ["models"]).stdout.splitlines()
    assert table[0].split() == ["model", "route", "family", "mode", "validates", "output", "source"]
    assert len(table) == 1 + len(Registry(load_spec()).models)
    assert any(line.startswith("wan2.6-t2i ") and "(+ sync multimodal-generation/generation)" in line
               for line in table)


def test_overrides_merge_and_an_existing_model_can_change() -> None:
    base = Registry(load_spec())
    registry = _registry({
        "wan2.8-t2v": {"like": "wan2.6-t2v", "timing": {"run_s": 5}, "limits": {"concurrency": 1}},
        "wan2.6-t2v": {"validation": "submit"},  # changed; its own sibling ids are untouched
        "wanx2.1-vace-plus": {"timing": {"queue_s": 1}},  # an alias leaves the schema it shares
    })
    new, old = registry.models["wan2.8-t2v"], base.models["wan2.6-t2v"]
    assert new.timing.run_s == 5 and new.timing.queue_s == old.timing.queue_s  # a mapping merges key by key
    assert new.limits.concurrency == 1 and new.limits.rps == old.limits.rps
    # `like` names the model as the spec has it, whatever the overlay does to that model
    assert new.validation == "deferred" and new.route == old.route and new.output == old.output
    assert registry.models["wan2.6-t2v"].validation == "submit"
    assert registry.models["wanx2.1-vace-plus"].timing.queue_s == 1
    assert registry.models["wan2.1-vace-plus"].timing == base.models["wan2.1-vace-plus"].timing
    assert "wan2.8-t2v" in registry.routes["video-generation/video-synthesis"].models
    assert set(registry.models) == set(base.models) | {"wan2.8-t2v"}
    assert base.models["wan2.6-t2v"].validation == "deferred"  # the cached spec itself is untouched


def test_overlay_model_validates_with_the_copied_schema() -> None:
    spec = overlaid_spec({"wan2.8-t2v": {"like": "wan2.6-t2v"}})
    schema = Registry(spec).models["wan2.8-t2v"].schema_name
    body = spec.example_body("wan2.8-t2v")
    assert body is not None and body["model"] == "wan2.8-t2v"
    assert not list(spec.validator(schema).iter_errors(body))
    assert list(spec.validator(schema).iter_errors({**body, "parameters": {"size": "1*1"}}))
    assert list(spec.validator(schema).iter_errors({**body, "model": "wan2.6-t2v"}))  # serves only its own id


def test_overlay_shapes_accepted_by_the_marker(overlay_file: Path) -> None:
    want = {"wan2.8-t2v": {"like": "wan2.6-t2v"}}
    assert overlay_option(overlay_file) == want
    assert overlay_option({"models": want}) == want
    assert overlay_option(want) == want
    with pytest.raises(OverlayError, match="expected an overlay file path or mapping"):
        overlay_option(3)
    with pytest.raises(OverlayError, match=r"models.wan2.8-t2v.result: 'Nope' is not a schema"):
        overlay_option({"wan2.8-t2v": {"like": "wan2.6-t2v", "result": "Nope"}})
    doc = load_spec().doc
    apply_overlay(doc, want)
    assert "wan2.8-t2v" not in json.dumps(doc["components"]["schemas"]["Wan26T2vRequest"])


def test_rows_name_every_registry_model() -> None:
    rows = model_rows(_registry({"wan2.8-t2v": {"like": "wan2.6-t2v"}}))
    assert [r["model"] for r in rows].count("wan2.8-t2v") == 1
    assert {r["validates"] for r in rows} == {"submit", "task (deferred)"}


def test_unknown_model_hint_in_dev_only(caplog: pytest.LogCaptureFixture) -> None:
    body = {"model": "wan2.9-t2v", "input": {"prompt": "x"}}
    for profile, hinted in (("dev", True), ("faithful", False)):
        with DashScopeMock(Settings.for_profile(profile, log_requests=False)) as mock, \
                caplog.at_level(logging.WARNING, logger="mockserver.models"):
            caplog.clear()
            for _ in range(2):
                r = mock.http.post(CREATE, json=body, headers=mock.headers(asynchronous=True))
                assert r.status_code == 400 and r.json()["message"] == "Model not exist."
                assert ("x-mock-hint" in r.headers) is hinted
            policy = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.9-t2v"},
                                   headers=mock.headers())
            assert policy.status_code == 400 and ("x-mock-hint" in policy.headers) is hinted
            lines = [r.getMessage() for r in caplog.records]
        if hinted:
            assert "wan2.9-t2v" in r.headers["x-mock-hint"] and "--models" in r.headers["x-mock-hint"]
            assert len([x for x in lines if "'wan2.9-t2v'" in x and "--models" in x]) == 2  # once per API, per model
        else:
            assert lines == []


def test_hint_header_is_safe_for_any_model_name() -> None:
    with DashScopeMock(Settings.for_profile("dev", log_requests=False)) as mock:
        r = mock.http.post(CREATE, json={"model": "x\r\nSet-Cookie: a=b" + "é" * 200, "input": {}},
                           headers=mock.headers(asynchronous=True))
    assert r.status_code == 400 and "set-cookie" not in r.headers
    assert r.headers["x-mock-hint"].isascii() and "x??Set-Cookie" in r.headers["x-mock-hint"]


def test_the_overlaid_document_is_still_valid_openapi_and_shows_the_model() -> None:
    from openapi_spec_validator import validate

    models = {"wan2.8-t2v": {"like": "wan2.6-t2v"}, "wan2.6-t2v": {"validation": "submit"}}
    with DashScopeMock(Settings.for_profile("dev", log_requests=False, models=models)) as mock:
        doc = mock.http.get("/openapi.json").json()
    validate(doc)  # component names, refs, the discriminator: an overlay keeps the document valid
    for path in (CREATE, CREATE + "/"):
        post = doc["paths"][path]["post"]
        mapping = post["requestBody"]["content"]["application/json"]["schema"]["discriminator"]["mapping"]
        assert mapping["wan2.8-t2v"] == "#/components/schemas/Wan26T2vRequest__wan2.8-t2v"
        assert mapping["wan2.6-t2v"] == "#/components/schemas/Wan26T2vRequest__wan2.6-t2v"
        assert "wan2.8-t2v" in post["x-dashscope-route"]["models"]
    assert "wan2.8-t2v" not in json.dumps(load_spec().doc["paths"])  # the cached spec itself is untouched
