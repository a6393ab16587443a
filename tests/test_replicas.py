"""Several replicas on one Redis: every replica answers for every task, shares the clock, the scenario queue,
lanes and rate windows and uploads; a replica killed under load or a Redis restart loses no acknowledged task."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mockserver.testing import ASYNC, AUTH, KEY, DashScopeMock, free_port
from tests.health import wait_healthy

from .redis_server import RedisServer
from .test_uploads import PNG, RESOLVE, i2v, policy, upload

Pair = tuple[DashScopeMock, DashScopeMock]
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def pair(make_mock: Callable[..., DashScopeMock], redis_url: str) -> Pair:
    """Two twins in this process on the same Redis database (as two replicas would be)."""
    return make_mock(store=redis_url), make_mock(store=redis_url)


@pytest.fixture
def limited(make_mock: Callable[..., DashScopeMock], redis_url: str) -> Pair:
    """Two faithful-profile replicas (lanes and rate limits on) on one Redis."""
    return (make_mock("faithful", validation="strict", store=redis_url),
            make_mock("faithful", validation="strict", store=redis_url))


def status(mock: DashScopeMock, task_id: str) -> str:
    return str(mock.get(task_id)["output"]["task_status"])


def test_a_task_created_on_one_replica_is_polled_listed_and_canceled_on_the_other(pair: Pair) -> None:
    a, b = pair
    task_id = a.task_id("wan2.6-t2v")
    assert status(b, task_id) == "PENDING"
    listed = b.http.get("/api/v1/tasks", headers=AUTH).json()
    assert [t["task_id"] for t in listed["data"]] == [task_id] and listed["total"] == 1
    assert b.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=AUTH).status_code == 200
    assert status(a, task_id) == "CANCELED"
    assert a.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=AUTH).status_code == 400  # only once
    assert [p.status for p in a.polls(task_id)] == ["PENDING", "CANCELED"]  # one journal for both replicas


def test_the_virtual_clock_is_shared(pair: Pair) -> None:
    a, b = pair
    task_id = a.task_id("wan2.6-t2v")
    a.advance(30)  # frozen clocks: only an advance moves them, on every replica
    assert abs(b.http.get("/__mock/clock").json()["now"] - a.now()) < 1e-6
    assert status(b, task_id) == "SUCCEEDED"
    b.http.post("/__mock/clock", json={"advance": 24 * 3600})
    assert status(a, task_id) == "UNKNOWN"


def test_a_poll_counted_plan_counts_polls_from_every_replica(pair: Pair) -> None:
    a, b = pair
    task_id = a.task_id("wan2.6-t2v", headers={**ASYNC, "X-Mock-Scenario": "pending*2,running*2,succeeded"})
    seen = [status(m, task_id) for m in (a, b, a, b, b)]
    assert seen == ["PENDING", "PENDING", "RUNNING", "RUNNING", "SUCCEEDED"]


def test_polls_and_cancels_racing_on_two_replicas_agree(pair: Pair) -> None:
    a, b = pair
    ids = [a.task_id("wan2.6-t2v", headers={**ASYNC, "X-Mock-Scenario": "pending*3,running*1,succeeded"})
           for _ in range(12)]

    def race(task_id: str) -> tuple[int, list[str]]:
        with ThreadPoolExecutor(4) as pool:
            polls = [pool.submit(status, m, task_id) for m in (a, b, a)]
            cancel = pool.submit(b.http.post, f"/api/v1/tasks/{task_id}/cancel", headers=AUTH)
            return cancel.result().status_code, [p.result() for p in polls]

    for task_id in ids:
        code, _ = race(task_id)
        final = status(a, task_id)
        stored = a.twin.tasks.find(task_id)
        assert stored is not None
        if code == 200:  # the cancel saw PENDING at its poll number: nothing a poll wrote can undo it
            assert final == "CANCELED" and stored.canceled_at is not None
        else:
            assert final != "CANCELED" and stored.canceled_at is None
        assert stored.polls == sum(1 for p in a.polls(task_id) if p.status != "CANCELED") or final == "CANCELED"


def test_a_scenario_queued_on_one_replica_fires_on_the_other_once(pair: Pair) -> None:
    a, b = pair
    r = a.http.post("/__mock/scenarios", json={"scenario": "failed(DataInspectionFailed)", "model": "wan2.6-t2v"})
    assert r.status_code == 200
    assert len(b.http.get("/__mock/scenarios").json()["scenarios"]) == 1
    first, second = b.task_id("wan2.6-t2v"), a.task_id("wan2.6-t2v")
    a.advance(30)
    assert b.get(first)["output"]["code"] == "DataInspectionFailed"
    assert status(a, second) == "SUCCEEDED"
    assert b.http.get("/__mock/scenarios").json()["scenarios"] == []


def test_racing_creates_on_both_replicas_take_each_scenario_use_once(pair: Pair) -> None:
    a, b = pair
    a.queue_scenario("failed(DataInspectionFailed)", model="wan2.6-t2v", times=5)
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(lambda i: (a, b)[i % 2].task_id("wan2.6-t2v"), range(16)))
    a.advance(30)
    finals = [status((a, b)[i % 2], t) for i, t in enumerate(ids)]
    assert finals.count("FAILED") == 5 and finals.count("SUCCEEDED") == 11


def test_a_lane_holds_across_replicas(limited: Pair) -> None:
    a, b = limited
    headers = {**ASYNC, "X-Mock-Scenario": "pending:1s,running:30s,succeeded"}
    first = a.task_id("wan2.2-s2v", headers=headers)  # s2v: one task at a time per account
    second = b.task_id("wan2.2-s2v", headers=headers)
    a.advance(2)
    assert (status(b, first), status(a, second)) == ("RUNNING", "PENDING")
    a.advance(29.5)
    assert (status(a, first), status(b, second)) == ("SUCCEEDED", "RUNNING")


def test_the_20_qps_window_holds_across_replicas(limited: Pair) -> None:
    a, b = limited
    task_id = a.task_id("wan2.6-t2v")
    window = ("query", a.twin.keys.account_of(KEY) or "")
    # the windows themselves, alternating replicas: 30 calls take milliseconds, well inside one second
    allowed = [m.twin.rates.allow(window, 20) for m in (a, b) * 15]
    assert allowed == [True] * 20 + [False] * 10
    # and as the API answers it: both replicas refuse while the shared window is full, then both recover
    assert b.http.get(f"/api/v1/tasks/{task_id}", headers=AUTH).status_code == 429
    assert a.http.get("/api/v1/tasks", headers=AUTH).status_code == 429
    time.sleep(1.05)
    assert b.http.get(f"/api/v1/tasks/{task_id}", headers=AUTH).status_code == 200


def test_a_file_uploaded_through_one_replica_resolves_on_the_other(pair: Pair) -> None:
    a, b = pair
    data = policy(a)["data"]
    assert upload(b, data).status_code == 200  # the grant and the signing secret are shared
    url = "oss://" + data["upload_dir"] + "/a.png"
    r = a.http.post("/api/v1/services/aigc/video-generation/video-synthesis", json=i2v(url), headers=RESOLVE)
    assert r.status_code == 200, r.text
    assert b.twin.uploads.files.get(data["upload_dir"] + "/a.png").data == PNG  # type: ignore[union-attr]


def test_redis_restarted_from_its_aof_loses_no_acknowledged_task(make_mock: Callable[..., DashScopeMock],
                                                                  redis_server: RedisServer, redis_url: str) -> None:
    mock = make_mock(store=redis_url)
    ids = [mock.task_id("wan2.6-t2v") for _ in range(20)]
    mock.http.post(f"/api/v1/tasks/{ids[0]}/cancel", headers=AUTH)
    redis_server.restart(hard=True)  # SIGKILL: only what the append-only file holds comes back
    after = make_mock(store=redis_url)
    assert status(after, ids[0]) == "CANCELED"
    after.advance(30)
    assert [status(after, t) for t in ids[1:]] == ["SUCCEEDED"] * 19
    assert status(mock, ids[1]) == "SUCCEEDED"  # the first twin reconnects by itself


# ---- two real `dashscope-mock serve` processes ------------------------------------------------------------------


def serve(redis_url: str, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen([str(VENV_BIN / "dashscope-mock"), "serve", "--port", str(port), "--store", redis_url,
                                 "--time-scale", "100", *extra], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return proc, f"http://127.0.0.1:{port}"


def wait_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    wait_healthy(base, lambda: proc.poll() is None, log.read_text)


@pytest.fixture
def two_serves(redis_url: str, tmp_path: Path) -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    """Replica A with two uvicorn workers, replica B with one, both on the same Redis."""
    started = [serve(redis_url, tmp_path / "a.log", "--workers", "2"), serve(redis_url, tmp_path / "b.log")]
    try:
        for (proc, base), name in zip(started, ("a", "b"), strict=True):
            wait_up(base, proc, tmp_path / f"{name}.log")
        yield started
    finally:
        for proc, _ in started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()


def test_kill_9_of_one_replica_under_load_loses_no_acknowledged_task(two_serves: list[
        tuple[subprocess.Popen[bytes], str]]) -> None:
    (_, a), (victim, b) = two_serves
    body = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}
    create = "/api/v1/services/aigc/video-generation/video-synthesis"
    acknowledged: list[str] = []
    failures_on_a: list[str] = []
    stop = threading.Event()

    def load(base: str) -> None:
        with httpx.Client(base_url=base, timeout=5) as client:
            while not stop.is_set():
                try:
                    r = client.post(create, json=body, headers=ASYNC)
                except httpx.TransportError:
                    if base == a:
                        failures_on_a.append("transport")
                    continue
                if r.status_code == 200:
                    acknowledged.append(r.json()["output"]["task_id"])
                elif base == a:
                    failures_on_a.append(r.text)

    threads = [threading.Thread(target=load, args=(base,)) for base in (a, a, b, b)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    victim.send_signal(signal.SIGKILL)
    victim.wait(5)
    before_kill = len(acknowledged)
    time.sleep(0.7)
    stop.set()
    for t in threads:
        t.join(10)
    assert before_kill > 20 and len(acknowledged) > before_kill  # load ran on both, and A kept answering
    assert failures_on_a == []
    with httpx.Client(base_url=a, timeout=5, headers=AUTH) as client:
        seen = {task_id: client.get(f"/api/v1/tasks/{task_id}").json()["output"]["task_status"]
                for task_id in acknowledged}
        assert "UNKNOWN" not in seen.values()
        listed = client.get("/api/v1/tasks", params={"page_size": 1}).json()
        # the killed replica may have stored a task it never got to acknowledge (one per load thread at most)
        assert len(set(acknowledged)) <= listed["total"] <= len(set(acknowledged)) + 2


def test_several_workers_on_the_memory_store_is_a_usage_error() -> None:
    done = subprocess.run([str(VENV_BIN / "dashscope-mock"), "serve", "--workers", "2"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert "--workers" in done.stderr and "redis://" in done.stderr
