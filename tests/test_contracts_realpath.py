"""The contract suite's real-target path, proven without a real key.

A mock in this test process, on a real socket, acts as "the real service": configured to differ from the
spec's mock (messages carry the doc-link suffix; the cheapest model's results carry no prompts). The suite
runs in a separate process against its URL, as it would against dashscope.aliyuncs.com: the spend cap is
enforced, snapshots are written and redacted, a drift report lists the differences, and the snapshots
replay without a key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.choices import PAID_MODEL
from contracts.redact import find_secrets
from mockserver import MockServer, Settings
from mockserver.domain.oss import ACCESS_KEY_ID
from mockserver.spec.document import load_document, load_spec
from mockserver.spec.profiles import Registry

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-test-contract-real-7"
CAP = 2
# the plugins the suite does not use cost a second of start-up each run
FAST = ["-p", "no:xdist", "-p", "no:hypothesispytest", "-p", "no:schemathesis", "-p", "no:anyio",
        "-p", "no:cacheprovider"]


@pytest.fixture(scope="module")
def real_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """A mock on a free port standing in for the real service, set up to differ from the reference."""
    doc = load_document()
    schema = Registry(load_spec()).models[PAID_MODEL].schema_name
    doc["components"]["schemas"][schema]["x-dashscope-model"]["output"]["prompts"] = False
    spec_path = tmp_path_factory.mktemp("real") / "spec.json"
    spec_path.write_text(json.dumps(doc), encoding="utf-8")
    settings = Settings.for_profile("faithful", spec_path=spec_path, message_suffix=True, limits=False,
                                    log_requests=False)
    with MockServer(settings) as server:
        yield server


def _suite(*args: str, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DASHSCOPE_"))}
    if key:
        env["DASHSCOPE_API_KEY"] = key
    return subprocess.run([sys.executable, "-m", "pytest", "contracts", *FAST, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def _checks(report: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads((report / "drift.json").read_text())
    return {c["id"]: c for c in doc["checks"]}


def _prompted_tasks(server: MockServer) -> int:
    """Tasks on the service whose body has a prompt: the billable ones (free ones are sent without one)."""
    account = server.twin.keys.account_of(KEY)
    assert account is not None
    tasks = server.twin.tasks.of_account(account, limit=1_000_000)
    return sum(1 for t in tasks if (t.request().get("input") or {}).get("prompt"))


def test_real_target_spend_cap_snapshots_drift_and_replay(real_service: MockServer, tmp_path: Path) -> None:
    report, snaps = tmp_path / "report", tmp_path / "snapshots"
    run = _suite("--target", real_service.base_url, "--allow-spend", str(CAP), "--contracts-report", str(report),
                 "--snapshots", str(snaps))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "PASS  free auth::missing_key_is_401" in run.stdout and "Contract checks" in run.stdout

    # the cap: exactly CAP billable tasks reached the service; the other paid checks stopped before creating
    checks = _checks(report)
    paid = [c for c in checks.values() if c["kind"] == "paid"]
    capped = [c for c in paid if c["outcome"] == "skipped" and "spend cap reached" in c.get("reason", "")]
    assert len(paid) == 4 and len(capped) == len(paid) - CAP, [(c["id"], c["outcome"]) for c in paid]
    assert _prompted_tasks(real_service) == CAP
    spend = json.loads((report / "drift.json").read_text())["meta"]["spend"]
    assert (spend["paid"], spend["limit"]) == (CAP, CAP) and spend["free"] == 3

    # the drift report names the ways the service was configured to differ
    drifts = [d for c in checks.values() for d in c["drifts"]]
    messages = [d for d in drifts if d["kind"] == "message"]
    assert messages and all("For details, see:" in d["actual"] for d in messages), messages
    assert any(d["kind"] == "missing" and d["field"] == "output.results[0].orig_prompt" for d in drifts), drifts
    assert not [d for d in drifts if d["kind"] == "spec"]
    markdown = (report / "drift.md").read_text()
    assert "| message |" in markdown and "`output.results[0].orig_prompt`" in markdown

    # snapshots: one per check that ran, redacted
    files = sorted(snaps.glob("*.json"))
    ran = [c for c in checks.values() if c["outcome"] == "passed"]
    assert len(files) == len(ran) > 0
    for f in files:
        text = f.read_text()
        assert find_secrets(json.loads(text), [KEY]) == [], f.name
        assert KEY not in text and ACCESS_KEY_ID not in text, f.name
    success = next(f for f in files if "task_succeeds" in f.name).read_text()
    assert "Signature=REDACTED" in success and "Bearer <redacted>" in success

    # replay: the same check ids, no key, no service; the recorded answers still differ from the mock, and
    # --fail-on-drift turns that into a failing exit status while every check itself passes
    replayed = tmp_path / "replayed"
    again = _suite("--replay", str(snaps), "--contracts-report", str(replayed), "--fail-on-drift", key=None)
    assert again.returncode == pytest.ExitCode.TESTS_FAILED, again.stdout[-3000:] + again.stderr[-2000:]
    replay_checks = _checks(replayed)
    assert set(replay_checks) == set(checks)
    for check_id, first in checks.items():
        expected = "passed" if first["outcome"] == "passed" else "skipped"
        assert replay_checks[check_id]["outcome"] == expected, (check_id, replay_checks[check_id])
    assert any(d["kind"] == "message" for c in replay_checks.values() for d in c["drifts"])


def test_paid_checks_need_allow_spend_on_a_url_target(real_service: MockServer, tmp_path: Path) -> None:
    before = _prompted_tasks(real_service)
    run = _suite("--target", real_service.base_url, "-k", "paid", "--contracts-report", str(tmp_path))
    assert run.returncode == 0, run.stdout[-3000:]
    checks = _checks(tmp_path).values()
    assert len(checks) == 4 and all(c["outcome"] == "skipped" and "--allow-spend" in c["reason"] for c in checks)
    assert _prompted_tasks(real_service) == before


def test_a_url_target_needs_a_key(tmp_path: Path) -> None:
    run = _suite("--target", "http://127.0.0.1:9/api/v1", "--contracts-report", str(tmp_path), key=None)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR and "DASHSCOPE_API_KEY" in run.stderr
