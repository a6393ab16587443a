"""Capture, diff and replay (mockserver/capture), offline: the upstream is a second twin made to drift.

See tests/capture_kit.py for the rig. The official SDK and the reference client in the three modes are in
tests/test_capture_clients.py.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import orjson
import pytest
import yaml

from clients import Client
from mockserver.capture.cassette import load
from mockserver.capture.modes import Modes
from mockserver.capture.scrub import body as scrub_body
from mockserver.domain.redaction import redact
from mockserver.domain.scenarios import parse
from mockserver.settings import Settings
from mockserver.testing import DashScopeMock
from tests.capture_kit import KEY, ROUTE, T2V, flow, overlay, replayer, rig, sample_report, with_clock

BAD_SIZE = {"model": T2V, "input": {"prompt": "a cat"}, "parameters": {"size": "1*1"}}
DOCS = Path(__file__).resolve().parents[1] / "docs"


def _cassette_text(directory: Path) -> str:
    files = sorted(directory.rglob("*"))
    return "\n".join([str(f) for f in files] + [f.read_text(encoding="utf-8") for f in files if f.suffix == ".jsonl"])


def _drifts(mock: DashScopeMock) -> set[tuple[str, str]]:
    return {(i["kind"], i["field"]) for i in mock.twin.diffs.view()["items"]}


# ---- capture ---------------------------------------------------------------------------------------------------

def test_capture_records_every_exchange_and_no_secret(tmp_path: Path) -> None:
    cassette = tmp_path / "cassette"
    r = rig(record=cassette, media=True)
    secrets = {KEY, "mock-access-key"}
    try:
        twin = r.twin
        policy = twin.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": T2V},
                               headers=twin.headers()).json()["data"]
        secrets |= {policy["signature"], policy["policy"], policy["oss_access_key_id"]}
        with Client(api_key=KEY, base_url=twin.base_url, transport=twin.transport(), sleep=lambda s: None) as client:
            image = tmp_path / "cat.txt"
            image.write_text("not really a cat")
            assert client.upload(image, T2V).startswith("oss://")
            done = client.run(T2V, {"prompt": "a cat"}, {"size": "832*480"},
                              headers={"X-Mock-Scenario": "pending*1,running*2,succeeded"})
            for url in done.urls:
                secrets |= {v for k, vs in parse_qs(urlsplit(url).query).items() for v in vs if k != "Expires"}
            assert [p.read_bytes()[4:8] for p in client.download(done, tmp_path / "out")] == [b"ftyp"]
            client.list_page()
        assert twin.http.post(ROUTE, json=BAD_SIZE, headers=twin.headers(asynchronous=True)).status_code == 400
        forwarded = [w for w in twin.requests if not w.path.startswith("/__mock")]
    finally:
        r.close()
    entries = load(cassette)
    # every request the upstream answered is one cassette line, and nothing else is
    assert len(entries) == len(r.upstream.requests) == len(forwarded) >= 9
    assert {e["kind"] for e in entries} == {"upload_policy", "upload", "create", "query", "result", "list"}
    assert all(e["task_id"] == done.task_id for e in entries if e["kind"] in ("query", "result"))
    assert all(e["virtual"] > 0 and e["wall"] > 0 for e in entries)
    assert len(list((cassette / "media").glob("*.mp4"))) == 1
    text = _cassette_text(cassette)
    leaked = [s for s in secrets if s in text or quote(s, safe="") in text]
    assert leaked == [] and len(secrets) >= 5  # key, access key id, policy, its signature, a URL signature


def test_secrets_in_oss_xml_and_access_key_ids_are_masked() -> None:
    xml = (b"<Error><Code>SignatureDoesNotMatch</Code><OSSAccessKeyId>LTAIfake1</OSSAccessKeyId>"
           b"<SignatureProvided>c2lnbmF0dXJl</SignatureProvided></Error>")
    kept = scrub_body(xml, "application/xml", ())
    assert "LTAIfake1" not in str(kept) and "c2lnbmF0dXJl" not in str(kept) and "SignatureDoesNotMatch" in str(kept)
    assert redact("/x.mp4?Expires=1&OSSAccessKeyId=LTAIfake1&Signature=abc") == \
        "/x.mp4?Expires=1&OSSAccessKeyId=***&Signature=***"


def test_an_upstream_that_cannot_be_reached_is_a_502_in_the_envelope() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    mock = DashScopeMock(Settings.for_profile("dev"), modes=Modes(upstream="http://upstream.test"),
                         upstream_client=httpx.AsyncClient(transport=httpx.MockTransport(refuse)))
    try:
        reply = mock.create(T2V)
        assert reply.status_code == 502
        assert reply.json()["code"] == "UpstreamUnreachable" and reply.json()["request_id"]
        assert mock.http.get("/__mock/health").status_code == 200  # the control plane stays the twin's
    finally:
        mock.close()


def test_each_forwarded_answer_is_a_request_log_line_and_oversized_bodies_are_refused() -> None:
    import io

    from mockserver.capture.modes import answer_layer
    from mockserver.http.app import create_app
    from mockserver.http.requestlog import RequestLog
    from mockserver.testing.transport import AsyncMockTransport, MockTransport

    up = DashScopeMock(Settings.for_profile("dev", frozen=True), api_key=KEY)
    stream = io.StringIO()
    request_log = RequestLog(stream)
    app = create_app(Settings.for_profile("dev", upload_max_mb=1), request_log)
    layer = answer_layer(app, app.state.twin, Modes(upstream="http://upstream.test"),
                         httpx.AsyncClient(transport=AsyncMockTransport(up.app)), request_log)
    try:
        with httpx.Client(transport=MockTransport(layer), base_url="http://127.0.0.1") as http:
            created = http.post(ROUTE, json=BAD_SIZE, headers={"Authorization": f"Bearer {KEY}",
                                                             "X-DashScope-Async": "enable"})
            big = http.post("/__oss/upload", content=b"x" * (3 << 20), headers={"Content-Type": "text/plain"})
        assert request_log.drain(5.0)  # written by the log's own thread
        line = stream.getvalue()
        assert f"POST {ROUTE} model={T2V} status=400" in line and created.json()["request_id"] in line
        assert KEY not in line
        assert big.status_code == 413 and big.json()["code"] == "RequestTooLarge"
        assert len(up.requests) == 1  # the oversized body never left
    finally:
        request_log.close()
        up.close()


# ---- diff ------------------------------------------------------------------------------------------------------

DRIFTS: dict[str, tuple[dict[str, Any], set[tuple[str, str]]]] = {
    "none": ({}, set()),
    "message-suffix": ({"message_suffix": True}, {("message", "message")}),
    "renamed-field": ({"field": "video_uri"},
                      {("missing", "output.video_url"), ("extra", "output.video_uri"), ("spec", "output")}),
    "added-status": ({"phases": {"PRE-PROCESSING": 1, "RUNNING": 4}},
                     {("task_status", "output.task_status"), ("task_status", "(status sequence)")}),
    # faithful validation defers a bad size to the task (submit 200, then FAILED); the dev twin refuses at once
    "faithful-profile": ({"profile": "faithful", "limits": False},
                         {("status", "HTTP status"), ("missing", "code"), ("missing", "message"),
                          ("extra", "output")}),
}


@pytest.mark.parametrize("name", list(DRIFTS))
def test_diff_reports_exactly_the_induced_drift(name: str, tmp_path: Path) -> None:
    given, expected = DRIFTS[name]
    options = dict(given)
    if "field" in options or "phases" in options:
        options = {"spec_path": overlay(tmp_path, T2V, field=options.pop("field", None),
                                        phases=options.pop("phases", None))}
    r = with_clock(rig(diff=True, **options))
    try:
        flow(r.twin, "pending:1s,running:10s,succeeded", step=2.5)
        flow(r.twin, "pending*1,failed(DataInspectionFailed)")
        flow(r.twin, "pending*3,succeeded", cancel=True)
        flow(r.twin, body=BAD_SIZE)
        assert _drifts(r.twin) == expected
        assert r.twin.twin.diffs.view()["exchanges"] >= 12
    finally:
        r.close()


def test_diff_finds_no_difference_over_every_documented_example() -> None:
    r = rig(diff=True)
    twin = r.twin

    async def run_all() -> tuple[int, int]:  # one event loop for the exchanges: no thread hop per request
        creates = polls = 0
        async with twin.async_http_client() as http:
            for model in sorted(twin.twin.registry.models):
                profile = twin.twin.registry.model(model)
                assert profile is not None
                headers = {"X-Mock-Scenario": "pending:0s,running:0s,succeeded"}  # one poll sees the end
                if profile.mode == "async":
                    headers["X-DashScope-Async"] = "enable"
                for _, body in twin.twin.spec.examples_for(model):
                    if "oss://" in str(body):
                        continue  # names a file uploaded to the real service's OSS: not on this upstream
                    answer = await http.post(f"/services/aigc/{profile.route}", json=body, headers=headers)
                    creates += 1
                    task_id = (answer.json().get("output") or {}).get("task_id")
                    while task_id and answer.json()["output"].get("task_status") == "PENDING":
                        answer = await http.get(f"/tasks/{task_id}")
                        polls += 1
                    assert answer.status_code == 200, answer.text
        return creates, polls

    try:
        creates, polls = asyncio.run(run_all())
        view = twin.http.get("/__mock/diff").json()
    finally:
        r.close()
    assert creates >= 100 and polls >= 100  # every documented request example that needs no upload first
    assert view["items"] == [] and view["exchanges"] == creates + polls


def test_the_diff_is_on_the_admin_api_and_the_board(tmp_path: Path) -> None:
    r = rig(diff=True, message_suffix=True)
    try:
        done = flow(r.twin, CASES["succeeded"]["scenario"])  # type: ignore[arg-type]
        url = urlsplit(r.twin.get(r.upstream.task_ids()[0])["output"]["video_url"])
        before = r.twin.twin.diffs.exchanges
        assert r.twin.http.get(f"{url.path}?{url.query}").headers["content-type"] == "video/mp4"
        assert r.twin.twin.diffs.exchanges == before + 1 and done[-1][3] == "SUCCEEDED"  # compared with the twin's
        flow(r.twin, body=BAD_SIZE)
        view = r.twin.http.get("/__mock/diff").json()
        assert [(i["kind"], i["endpoint"], i["count"]) for i in view["items"]] == [("message", "create", 1)]
        board = r.twin.http.get("/__mock/ui").text
        assert '<a href="/__mock/ui/diff">1 difference(s)</a>' in board
        page = r.twin.http.get("/__mock/ui/diff").text
        assert "For details, see:" in page and "<td>message</td>" in page
        assert r.twin.http.delete("/__mock/diff").json()["differences"] == 0
    finally:
        r.close()


def test_the_sample_report_in_the_docs_is_what_the_tests_produce(tmp_path: Path) -> None:
    def differences(text: str) -> str:
        return text.split("## Differences", 1)[1].split("## How to read", 1)[0]

    fresh = sample_report(tmp_path)
    assert "| PENDING > RUNNING > SUCCEEDED | PENDING > PRE-PROCESSING > RUNNING > SUCCEEDED |" in fresh
    assert differences((DOCS / "capture-sample.md").read_text(encoding="utf-8")) == differences(fresh)


# ---- replay ----------------------------------------------------------------------------------------------------

CASES = {
    "succeeded": dict(scenario="pending*1,running*2,succeeded"),
    "failed": dict(scenario='pending*2,failed(DataInspectionFailed,"flagged, sorry")'),
    "canceled": dict(scenario="pending*4,succeeded", cancel=True),
    "4xx": dict(body=BAD_SIZE),
    "429": dict(scenario="reject(Throttling.RateQuota)"),
}


def test_replay_gives_the_client_what_the_capture_gave(tmp_path: Path) -> None:
    r = rig(record=tmp_path, media=True, message_suffix=True)
    try:
        captured = {name: flow(r.twin, **case) for name, case in CASES.items()}  # type: ignore[arg-type]
        url = urlsplit(r.twin.get(r.upstream.task_ids()[-1])["output"]["video_url"])
        assert r.twin.http.get(f"{url.path}?{url.query}").status_code == 200  # kept by --record-media
    finally:
        r.close()
    mock = replayer(tmp_path)
    try:
        replayed = {name: flow(mock, **case) for name, case in CASES.items()}  # type: ignore[arg-type]
        assert replayed == captured
        assert mock.unmatched_requests() == []
        assert len(captured["succeeded"]) == 5 and captured["canceled"][-1][3] == "CANCELED"
        assert captured["429"][0][:2] == (429, "Throttling.RateQuota")
        # the twin holds real tasks for the replayed ones: its journal counted the same polls
        ids = mock.task_ids()
        assert sorted(len(mock.polls(i)) for i in ids) == sorted(len(v) - 1 - (k == "canceled")
                                                                for k, v in captured.items() if len(v) > 1)
        # the kept result file is served from the cassette, byte for byte
        done = mock.get(ids[-1])["output"]
        assert "/__cassette/media/" in done["video_url"]
        kept = next((tmp_path / "media").glob("*.mp4")).read_bytes()
        assert mock.http.get(urlsplit(done["video_url"]).path).content == kept
        # a request the cassette does not hold is the twin's, and listed
        other = mock.create(T2V, body={**BAD_SIZE, "parameters": {"size": "832*480"}})
        assert other.status_code == 200
        assert mock.unmatched_requests() == [{"method": "POST", "path": ROUTE, "kind": "create"}]
    finally:
        mock.close()


def test_replay_by_time_follows_the_recorded_times_not_the_poll_count(tmp_path: Path) -> None:
    r = with_clock(rig(record=tmp_path))
    try:
        captured = flow(r.twin, "pending:2s,running:4s,succeeded", step=1.0)
    finally:
        r.close()

    def folded(seen: list[tuple[Any, ...]]) -> list[Any]:
        return [s[3] for i, s in enumerate(seen) if i == 0 or s[3] != seen[i - 1][3]]

    by_time, by_polls = replayer(tmp_path, by="time"), replayer(tmp_path)
    try:
        twice_as_often = flow(by_time, step=0.5, max_polls=30)
        assert folded(twice_as_often) == folded(captured) == ["PENDING", "RUNNING", "SUCCEEDED"]
        assert len(twice_as_often) > len(captured) + 4 and twice_as_often[-1] == captured[-1]
        assert flow(by_polls, step=0.5, max_polls=30) == captured  # by polls: the recorded count, whatever the time
    finally:
        by_time.close()
        by_polls.close()


def test_cassette_scenarios_prints_the_recorded_outcomes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    r = rig(record=tmp_path)
    try:
        for name in ("succeeded", "failed", "canceled"):
            flow(r.twin, **CASES[name])  # type: ignore[arg-type]
    finally:
        r.close()
    from mockserver import cli

    monkeypatch.setattr("sys.argv", ["dashscope-mock", "cassette", "scenarios", str(tmp_path)])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    entries = yaml.safe_load(out)["scenarios"]
    assert [e["scenario"] for e in entries] == ["pending*1,running*2,succeeded",
                                               'pending*2,failed(DataInspectionFailed,"flagged, sorry")']
    assert all(parse(e["scenario"]) and e["model"] == T2V for e in entries)
    assert re.search(r"# task \S+ \(wan2.2-t2v-plus\): ended CANCELED", out)


@pytest.mark.parametrize("argv, message", [
    (["serve", "--record", "x"], "--record and --diff need --upstream URL"),
    (["serve", "--upstream", "ftp://x"], "is not an http(s) URL"),
    (["serve", "--replay", "{tmp}", "--port", "0"], "holds no run-*.jsonl cassette"),
    (["cassette", "scenarios", "{tmp}/none"], "is not a directory"),
])
def test_bad_capture_options_are_one_line_and_exit_2(argv: list[str], message: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver import cli

    monkeypatch.setattr("sys.argv", ["dashscope-mock", *[a.replace("{tmp}", str(tmp_path)) for a in argv]])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and message in err and "\n" not in err and "Traceback" not in err


def test_media_is_kept_by_content_hash_up_to_the_cap(tmp_path: Path) -> None:
    from mockserver.capture.cassette import CassetteWriter

    writer = CassetteWriter(tmp_path, media=True, media_cap=10)
    try:
        first = writer.keep(b"0123456789", "mp4")
        assert first is not None and (tmp_path / first).read_bytes() == b"0123456789"
        assert writer.keep(b"0123456789", "mp4") == first  # the same content is one file
        assert writer.keep(b"x", "png") is None  # past the cap: the exchange is kept, the file is not
    finally:
        writer.close()
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == [Path(first).name]


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    r = rig(record=tmp_path)
    try:
        flow(r.twin, **CASES["succeeded"])  # type: ignore[arg-type]
    finally:
        r.close()
    run = next(tmp_path.glob("run-*.jsonl"))
    whole = len(load(tmp_path))
    run.write_bytes(run.read_bytes() + orjson.dumps({"type": "exchange"})[:9])
    assert len(load(tmp_path)) == whole
