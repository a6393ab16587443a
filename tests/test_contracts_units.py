"""The contract suite's parts on their own: redaction, normalization, drift, spec validation, spend cap,
replay, and the poll schedule on a real (sleeping) endpoint."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.drift import compare, compare_status
from contracts.normalize import normalize
from contracts.probe import Probe, TaskRef
from contracts.redact import find_secrets, redact, redact_headers
from contracts.replay import ReplayDiverged, ReplayTransport
from contracts.snapshots import SecretInSnapshot, load_snapshot, save_snapshot
from contracts.spend import SpendCapReached, SpendLedger
from contracts.target import Endpoint
from contracts.validation import ResponseValidator
from mockserver.spec.document import load_spec
from mockserver.spec.profiles import Registry

KEY = "sk-test-redact-0042"
SIGNATURE = "hYtUqvYDYnQxYS1RKPzU0nAPaR0%3D"
ACCESS_KEY_ID = "LTAI5tKPD3TMqf2Lna1fASuh"
SIGNED_URL = (f"https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1d/df/20250518/8928fb36/x.png"
              f"?Expires=1747643196&OSSAccessKeyId={ACCESS_KEY_ID}&Signature={SIGNATURE}")
POLICY_SIGNATURE = "n3dNX/aD3+WAly0QgzsURfiIk00="
ACCOUNT = "1493478651020171"
SUCCEEDED = {
    "request_id": "ae572916-c40f-9a36-9701-317538cb5105",
    "output": {"task_id": "c2145ead-f262-44c3-8b4e-7ff711cc8f37", "task_status": "SUCCEEDED",
               "submit_time": "2025-05-18 16:26:27.871", "scheduled_time": "2025-05-18 16:26:27.890",
               "end_time": "2025-05-18 16:26:36.803",
               "results": [{"orig_prompt": "a", "actual_prompt": "a, ink", "url": SIGNED_URL}],
               "task_metrics": {"TOTAL": 1, "SUCCEEDED": 1, "FAILED": 0}},
    "usage": {"image_count": 1},
}
POLICY = {"request_id": "b744f4f8-1a9c-9c6b-950d-0d327e331f2f", "data": {
    "policy": "eyJleHBpcmF0aW9uIjoiMjAyNS0wNy0xMlQxMjoxMDoyNC40ODhaIn0=", "signature": POLICY_SIGNATURE,
    "upload_dir": "dashscope-instant/52afe077fb4825c6d74411758cb1ab98/2025-07-12/b744f4f8-1a9c-9c6b-950d-0d327e331f2f",
    "upload_host": "https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com", "expire_in_seconds": 300,
    "max_file_size_mb": 1024, "capacity_limit_mb": 999999999, "oss_access_key_id": ACCESS_KEY_ID,
    "x_oss_object_acl": "private", "x_oss_forbid_overwrite": "true"}}
LIST_ITEM = {"api_key_id": "42677", "caller_parent_id": ACCOUNT, "caller_uid": ACCOUNT}
PLANTED = [KEY, SIGNATURE, ACCESS_KEY_ID, POLICY_SIGNATURE, ACCOUNT, "52afe077fb4825c6d74411758cb1ab98"]


@pytest.fixture(scope="module")
def validator() -> ResponseValidator:
    spec = load_spec()
    return ResponseValidator(spec, Registry(spec))


def _exchange(body: Any) -> dict[str, Any]:
    return {"step": "s", "request": {"method": "GET", "path": "/tasks/x",
                                     "headers": {"Authorization": f"Bearer {KEY}"}},
            "response": {"status": 200, "headers": {}, "body": body,
                         "echo": f"the key {KEY} in an error message"}}


# ---- redaction ---------------------------------------------------------------------------------------

def test_redaction_removes_every_planted_secret() -> None:
    raw = {"query": SUCCEEDED, "policy": POLICY, "item": LIST_ITEM, "note": f"Bearer {KEY}",
           "headers": redact_headers({"Authorization": f"Bearer {KEY}", "Set-Cookie": "acw_tc=1"}, request=True)}
    text = json.dumps(redact(raw))
    survivors = [s for s in PLANTED if s in text]
    assert survivors == [], f"secrets survived redaction: {len(survivors)}"
    assert find_secrets(redact(raw), [KEY]) == []


def test_the_secret_finder_sees_each_kind_of_secret_unredacted() -> None:
    # the guard must be able to fail: each planted secret, alone and unredacted, is found
    for raw in ({"url": SIGNED_URL}, {"k": KEY}, {"h": f"Bearer {KEY}"}, POLICY, LIST_ITEM,
                {"url": f"https://x/y.png?Signature={SIGNATURE}"}):
        assert find_secrets(raw), raw
    assert find_secrets({"x": "opaque-credential-42"}, known=["opaque-credential-42"])


def test_redaction_keeps_keys_types_and_spec_conformance(validator: ResponseValidator) -> None:
    red = redact(SUCCEEDED)
    assert red["output"]["results"][0]["url"].endswith("Expires=REDACTED&OSSAccessKeyId=REDACTED&Signature=REDACTED")
    assert normalize(red) == normalize(SUCCEEDED)  # redaction does not change what is compared
    assert validator.errors("GET", "/api/v1/tasks/x", 200, red, "wanx2.1-t2i-turbo") == []
    assert validator.errors("GET", "/api/v1/uploads", 200, redact(POLICY)) == []


def test_snapshot_writer_refuses_a_surviving_secret(tmp_path: Path) -> None:
    path = save_snapshot(tmp_path, "contracts/test_x.py::test_y", "t", [_exchange(SUCCEEDED)], [KEY])
    text = path.read_text()
    assert all(s not in text for s in PLANTED) and "Bearer <redacted>" in text
    assert load_snapshot(tmp_path, "contracts/test_x.py::test_y")["exchanges"][0]["response"]["status"] == 200
    with pytest.raises(SecretInSnapshot):  # a secret that looks like nothing redaction knows
        save_snapshot(tmp_path, "contracts/test_x.py::test_z", "t", [_exchange({"v": "opaque-42-secret"})],
                      ["opaque-42-secret"])
    assert not (tmp_path / "test_x.py_test_z.json").exists()


# ---- normalization and drift -------------------------------------------------------------------------

def test_normalized_bodies_of_two_targets_compare_equal() -> None:
    other = json.loads(json.dumps(SUCCEEDED).replace("c2145ead", "0badf00d").replace("16:26", "09:01"))
    other["output"]["results"][0]["url"] = "http://127.0.0.1:9/aa/b.png?Expires=1&OSSAccessKeyId=m&Signature=s"
    assert compare("c", "s", SUCCEEDED, other) == []


def test_drift_names_each_kind_of_difference() -> None:
    mock = {"request_id": "ae572916-c40f-9a36-9701-317538cb5105", "code": "InvalidApiKey",
            "message": "Invalid API-key provided.", "output": {"submit_time": "2025-05-18 16:26:27.871", "n": 1}}
    target = {"request_id": "ae572916-c40f-9a36-9701-317538cb5105", "code": "InvalidApiKey",
              "message": "Invalid API-key provided. For details, see: https://help.aliyun.com/x",
              "output": {"submit_time": "2025-05-18T16:26:27+08:00", "extra": True}}
    kinds = {(d.kind, d.field) for d in compare("c", "s", target, mock)}
    assert kinds == {("message", "message"), ("type", "output.submit_time"), ("missing", "output.n"),
                     ("extra", "output.extra")}
    assert [d.kind for d in compare_status("c", "s", 401, 400)] == ["status"]


def test_list_items_compare_by_shape_not_by_count() -> None:
    mock = {"total": 1, "data": [{"task_id": "ae572916-c40f-9a36-9701-317538cb5105", "gmt_create": 1709260684485}]}
    target = {"total": 7, "data": [{"task_id": "c2145ead-f262-44c3-8b4e-7ff711cc8f37",
                                    "gmt_create": 1709260600000}] * 7}
    assert compare("c", "s", target, mock) == []


# ---- spec validation ---------------------------------------------------------------------------------

def test_validator_checks_status_shape_and_model_result(validator: ResponseValidator) -> None:
    unknown = {"request_id": "ae572916-c40f-9a36-9701-317538cb5105",
               "output": {"task_id": "1111", "task_status": "UNKNOWN"}}
    assert validator.errors("GET", "/api/v1/tasks/1111", 200, unknown) == []
    extra = {**unknown, "output": {**unknown["output"], "submit_time": "2025-05-18 16:26:27.871"}}
    assert [f for f, _, _ in validator.errors("GET", "/api/v1/tasks/1111", 200, extra)] == ["output"]
    assert validator.errors("GET", "/api/v1/tasks/1111", 404, unknown)[0][0] == "HTTP status"
    no_usage = {k: v for k, v in SUCCEEDED.items() if k != "usage"}
    problems = validator.errors("GET", "/api/v1/tasks/x", 200, no_usage, "wanx2.1-t2i-turbo")
    assert any("WanT2iResult" in p for _, p, _ in problems), problems
    assert validator.errors("GET", "https://oss/x.png", 200, None) == []  # not an API route


# ---- spend cap ---------------------------------------------------------------------------------------

def test_ledger_enforces_the_cap_before_each_create(tmp_path: Path) -> None:
    ledger = SpendLedger(tmp_path / "l.jsonl", limit=2)
    first = ledger.reserve("a", "m", billable=True)
    ledger.created(first, "t1")
    ledger.reserve("b", "m", billable=False)  # free creates are counted, not capped
    refused = ledger.reserve("c", "m", billable=True)
    ledger.release(refused)  # answered with an error: no task, the reservation comes back
    ledger.reserve("d", "m", billable=True)
    with pytest.raises(SpendCapReached):
        ledger.reserve("e", "m", billable=True)
    summary = ledger.summary()
    assert (summary["paid"], summary["free"], summary["limit"]) == (2, 1, 2)


def _reserve_many(path: str, n: int, out: Any) -> None:
    ledger = SpendLedger(Path(path), limit=3)
    ok = 0
    for _ in range(n):
        try:
            ledger.reserve("x", "m", billable=True)
            ok += 1
        except SpendCapReached:
            pass
    out.put(ok)


def test_ledger_cap_holds_across_processes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_reserve_many, args=(str(tmp_path / "l.jsonl"), 5, out)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(10)
    assert sum(out.get(timeout=5) for _ in procs) == 3


# ---- the poll loop on a real endpoint, and replay ----------------------------------------------------

def _scripted(statuses: list[str], seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        out: dict[str, Any] = {"task_id": "t-1", "task_status": status, "submit_time": "2025-05-18 16:26:27.871"}
        if status != "PENDING":
            out["scheduled_time"] = "2025-05-18 16:26:27.871"
        if status == "FAILED":
            out.update(code="InvalidParameter", message="m", end_time="2025-05-18 16:26:28.000")
        return httpx.Response(200, json={"request_id": "ae572916-c40f-9a36-9701-317538cb5105", "output": out})
    return httpx.MockTransport(handle)


def test_real_endpoint_polls_on_the_sdk_schedule_without_moving_a_clock(tmp_path: Path,
                                                                       validator: ResponseValidator) -> None:
    slept: list[float] = []
    seen: list[str] = []
    ep = Endpoint("target", "url", "fake", "https://real.invalid/api/v1",
                  httpx.Client(transport=_scripted(["PENDING"] + ["RUNNING"] * 7 + ["FAILED"], seen)),
                  api_key="sk-test-poll", sleep=slept.append)
    probe = Probe("c", "free", ep, None, validator, SpendLedger(tmp_path / "l", None), poll_timeout=600)
    final = probe.wait(TaskRef("wanx2.1-t2v-turbo", {"target": "t-1"}))
    assert final.get("output.task_status") == "FAILED"
    assert slept == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 4.0, 4.0]  # 1 s, doubling every 3 polls (docs/sdk-wire.md §3.1)
    assert len(seen) == 9 and probe.summary()["steps"][-1] == "poll (FAILED) -> 200"
    timed_out = Probe("c", "free", ep, None, validator, SpendLedger(tmp_path / "l", None), poll_timeout=0)
    seen.clear()
    ep.client = httpx.Client(transport=_scripted(["RUNNING"], seen))
    assert timed_out.wait(TaskRef("m", {"target": "t-1"})).get("output.task_status") == "RUNNING"
    assert len(seen) == 1


def test_replay_serves_in_order_and_stops_at_a_divergence(tmp_path: Path) -> None:
    save_snapshot(tmp_path, "contracts/test_r.py::test_r", "t", [_exchange({"a": 1})])
    transport = ReplayTransport(tmp_path)
    transport.begin("contracts/test_r.py::test_r")
    client = httpx.Client(transport=transport, base_url="https://replay.invalid/api/v1")
    assert client.get("/tasks/x").json() == {"a": 1}
    with pytest.raises(ReplayDiverged):
        client.get("/tasks/x")
    transport.begin("contracts/test_r.py::test_r")
    with pytest.raises(ReplayDiverged):
        client.post("/tasks/x/cancel")


def test_an_unexpected_task_is_cancelled_at_once_and_noted(tmp_path: Path, validator: ResponseValidator) -> None:
    sent: list[str] = []

    def accept_everything(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        body: dict[str, Any] = {"request_id": "ae572916-c40f-9a36-9701-317538cb5105"}
        if request.url.path.endswith("image-synthesis"):
            body["output"] = {"task_id": "c2145ead-f262-44c3-8b4e-7ff711cc8f37", "task_status": "PENDING"}
        return httpx.Response(200, json=body)

    ep = Endpoint("target", "url", "fake", "https://real.invalid/api/v1",
                  httpx.Client(transport=httpx.MockTransport(accept_everything)), api_key="sk-test-unexpected")
    ledger = SpendLedger(tmp_path / "l", 0)
    probe = Probe("c", "free", ep, None, validator, ledger, poll_timeout=0)
    reply, task = probe.create("wanx2.0-t2i-turbo", {"model": "wanx2.0-t2i-turbo", "input": {}},
                               route="/services/aigc/text2image/image-synthesis", billable=False,
                               expect_task=False)
    assert reply.status == 200 and task.ids["target"] == "c2145ead-f262-44c3-8b4e-7ff711cc8f37"
    assert sent == ["POST /api/v1/services/aigc/text2image/image-synthesis",
                    "POST /api/v1/tasks/c2145ead-f262-44c3-8b4e-7ff711cc8f37/cancel"]
    assert "cancelled it" in probe.summary()["notes"][0] and len(probe.exchanges) == 2
    assert ledger.summary()["free"] == 1  # counted even though no cap applies to it
