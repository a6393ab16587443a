"""Stores at their edges (issue 19, finding 5): one process per SQLite file, a frozen clock kept across a restart,
every Redis URL form the README documents accepted, and an account named like a pattern reset alone."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import hiredis
import pytest
import redis
from typer.testing import CliRunner

from mockserver import cli
from mockserver.domain.clock import VirtualClock
from mockserver.store import SqliteStore
from mockserver.store.redis_state import RedisLanes
from mockserver.testing import DashScopeMock, free_port
from tests.redis_server import RedisServer
from tests.test_uploads import policy, upload

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
ENV = {"PATH": str(Path(sys.executable).parent), "PYTHONUNBUFFERED": "1"}


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, "serve", "--port", "0", *args], env=ENV, capture_output=True, text=True,
                          timeout=60)


def test_a_second_process_on_one_sqlite_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tasks.sqlite"
    held = SqliteStore(path)  # this test process serves the file
    try:
        done = _serve("--store", f"sqlite:{path}")
    finally:
        held.close()
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert "in use by another process" in line and "Traceback" not in line
    again = SqliteStore(path)  # closed: free for the next process
    again.close()


def _locked_elsewhere(path: Path) -> bool:
    """Whether another process finds the store's lock file locked (a bare lockf, no twin started)."""
    probe = ("import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDWR)\n"
             "try:\n    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n    sys.exit(3)\n")
    return subprocess.run([sys.executable, "-c", probe, str(path) + ".lock"], timeout=30).returncode == 3


def test_twins_of_one_process_share_the_lock_until_the_last_closes(tmp_path: Path) -> None:
    path = tmp_path / "tasks.sqlite"
    first, second = SqliteStore(path), SqliteStore(path)  # a restart in place within one process
    first.close()
    assert _locked_elsewhere(path)  # the second still holds it
    second.close()
    assert not _locked_elsewhere(path)


def test_a_frozen_clock_stays_frozen_where_it_stood_across_a_restart(make_mock: Callable[..., DashScopeMock],
                                                                     tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'tasks.sqlite'}"
    first = make_mock(store=store, frozen=False)
    first.twin.clock.update(advance=3600.0, freeze=True)
    stood = first.twin.clock.now()
    first.close()
    again = make_mock(store=store, frozen=False)
    assert again.twin.clock.frozen and again.twin.clock.now() == stood


def test_resume_of_a_frozen_clock_keeps_its_time_and_a_running_one_never_goes_back() -> None:
    frozen = VirtualClock(start=1_000.0, frozen=True)
    resumed = VirtualClock.resume('{"real": 1, "virtual": 1000.0, "scale": 1.0, "frozen": true}')
    assert resumed.frozen and resumed.now() == frozen.now() == 1_000.0
    running = VirtualClock.resume('{"real": 1, "virtual": 4e9, "scale": 1.0, "frozen": false}')
    assert not running.frozen and running.now() >= 4e9


def test_a_frozen_clock_on_redis_survives_a_restart_of_redis_and_of_the_twin(
        make_mock: Callable[..., DashScopeMock], redis_server: RedisServer, redis_url: str) -> None:
    first = make_mock(store=redis_url, frozen=False)
    first.twin.clock.update(advance=7200.0, freeze=True)
    stood = first.twin.clock.now()
    first.close()
    # stopped, not killed: with appendfsync everysec a busy disk lets Redis postpone the AOF write of the last
    # second, so a kill -9 may lose the freeze in Redis itself (this test is about the twin, not Redis's fsync)
    redis_server.restart(hard=False)
    again = make_mock(store=redis_url, frozen=False)
    assert again.twin.clock.frozen and again.twin.clock.now() == stood


def test_a_unix_socket_store_is_accepted_and_used(make_mock: Callable[..., DashScopeMock],
                                                  redis_server: RedisServer, redis_url: str) -> None:
    url = f"unix://{redis_server.socket_path}?db=0"
    assert cli.check_store(url) == url  # what `serve --store` refused
    mock = make_mock(store=url)
    task_id = mock.task_id("wan2.6-t2v")
    client = redis_server.client()
    try:
        assert client.exists(f"dsm:t:{task_id}")  # the twin keeps its tasks in that server
    finally:
        client.close()


def test_serve_takes_a_rediss_url_for_a_store_not_for_a_typo() -> None:
    url = f"rediss://127.0.0.1:{free_port()}/0"  # TLS; nothing listens there
    done = CliRunner().invoke(cli.app, ["serve", "--port", "0", "--quiet", "--store", url])
    assert done.exit_code == 2, done.output
    assert "cannot use Redis" in done.output and "is not a store" not in done.output


def test_resetting_an_account_named_star_resets_that_account_only(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        lanes = RedisLanes(client, "dsm:", 3600.0)
        for account in ("*", "alice", "bob"):
            lanes.schedule((account, "wan2.6-t2v"), 1, 0.0, 10.0)
        lanes.reset("*")
        assert lanes.schedule(("*", "wan2.6-t2v"), 1, 0.0, 10.0) == 0.0  # its lane was emptied
        assert lanes.schedule(("alice", "wan2.6-t2v"), 1, 0.0, 10.0) == 10.0  # the others' slots are still held
        assert lanes.schedule(("bob", "wan2.6-t2v"), 1, 0.0, 10.0) == 10.0
        lanes.reset()
        assert lanes.schedule(("bob", "wan2.6-t2v"), 1, 0.0, 10.0) == 0.0
    finally:
        client.close()


# ---- Redis that cannot serve now: LOADING and BUSY are outages (503), never a 500 --------------------------

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
KEY = {"Authorization": "Bearer sk-test-key-0001"}


def _answers_an_outage(mock: DashScopeMock, task_id: str) -> None:
    """A create, a poll and a list each answer 503 ModelServingError in the envelope."""
    for r in (mock.create("wan2.6-t2v"), mock.http.get(f"/api/v1/tasks/{task_id}", headers=KEY),
              mock.http.get("/api/v1/tasks", headers=KEY)):
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "ModelServingError" and "request_id" in r.json()


def test_a_redis_busy_running_a_script_is_an_outage(make_mock: Callable[..., DashScopeMock],
                                                    redis_server: RedisServer, redis_url: str) -> None:
    mock = make_mock(store=redis_url)
    task_id = mock.task_id("wan2.6-t2v")
    admin = redis_server.client()
    admin.config_set("busy-reply-threshold", "10")  # ms a script runs before others are told BUSY
    looping = threading.Thread(target=_loop_forever, args=(redis_server,), daemon=True)
    looping.start()
    try:
        _wait_until_busy(redis_server)
        _answers_an_outage(mock, task_id)
    finally:
        _kill_script(redis_server)
        looping.join(10)
        admin.config_set("busy-reply-threshold", "5000")
        admin.close()
    assert mock.get(task_id)["output"]["task_status"] != "UNKNOWN"  # and it answers again at once


def _loop_forever(server: RedisServer) -> None:
    client = server.client()
    try:
        client.eval("local i = 0 while true do i = i + 1 end", 0)
    except redis.RedisError:
        pass  # killed by SCRIPT KILL
    finally:
        client.close()


def _raw(server: RedisServer, *command: str) -> bytes:
    """One command on a fresh socket, its reply's raw bytes (no client library between the test and Redis)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(hiredis.pack_command(command))  # type: ignore[arg-type]
        return conn.recv(4096)


def _wait_until_busy(server: RedisServer) -> None:
    deadline = time.monotonic() + 10
    while not _raw(server, "GET", "x").startswith(b"-BUSY"):
        assert time.monotonic() < deadline, "Redis never answered BUSY"
        time.sleep(0.01)


def _kill_script(server: RedisServer) -> None:
    deadline = time.monotonic() + 10
    while _raw(server, "SCRIPT", "KILL").startswith(b"-BUSY") and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_redis_loading_its_data_is_an_outage(make_mock: Callable[..., DashScopeMock], tmp_path: Path) -> None:
    # its own server: snapshots on, each key loaded slowly, so that a restart answers LOADING for a while
    slow = ("--appendonly", "no", "--key-load-delay", "400", "--loading-process-events-interval-bytes", "1024")
    server = RedisServer(tmp_path / "loading", *slow).start()
    try:
        url = server.url
        mock = make_mock(store=url)
        task_id = mock.task_id("wan2.6-t2v")
        client = server.client()
        with client.pipeline(transaction=False) as pipe:
            for i in range(10_000):
                pipe.set(f"filler:{i}", "x")
            pipe.execute()
        client.save()
        client.close()
        server.kill()
        server.proc = subprocess.Popen(
            [server.binary, "--port", str(server.port), "--bind", "127.0.0.1", "--dir", str(server.dir),
             *slow, "--logfile", str(server.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if _raw(server, "GET", "x").startswith(b"-LOADING"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Redis never answered LOADING"
            time.sleep(0.005)
        _answers_an_outage(mock, task_id)
    finally:
        server.stop()


# ---- Redis that lost its data: the clock never moves back, secrets never change silently ------------------

DAY = 86400.0


def _poke(mock: DashScopeMock) -> None:
    """One request, so that the replica re-reads the shared state as every request does."""
    assert mock.http.get("/api/v1/tasks", headers=KEY).status_code == 200


def test_a_replica_started_after_redis_lost_its_data_never_moves_the_clock_back(
        make_mock: Callable[..., DashScopeMock], redis_server: RedisServer, redis_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    a = make_mock(store=redis_url)
    a.advance(2 * DAY)
    before = a.twin.clock.now()
    redis_server.flush()  # no persistence, FLUSHALL or eviction: the same to the twin
    b = make_mock(store=redis_url)  # seeds a fresh clock: two days behind
    assert b.twin.clock.now() < before
    with caplog.at_level(logging.WARNING, logger="dashscope_mock"):
        _poke(a)  # A notices: its clock goes back into Redis
    assert a.twin.clock.now() == before
    assert [r for r in caplog.records if "put its clock back" in r.getMessage()]
    _poke(b)
    assert b.twin.clock.now() == before  # and B runs on it from its next request
    assert [r for r in caplog.records if r.levelno == logging.ERROR and "new secrets" in r.getMessage()]
    assert a.twin.url_secret != b.twin.url_secret  # said loudly above: B made its own before A noticed


def test_a_running_replica_puts_the_clock_and_its_secrets_back_for_those_started_later(
        make_mock: Callable[..., DashScopeMock], redis_server: RedisServer, redis_url: str) -> None:
    a = make_mock(store=redis_url)
    data = policy(a)["data"]
    assert upload(a, data).status_code == 200
    held = a.twin.uploads.files.held()
    a.advance(DAY)
    before = a.twin.clock.now()
    redis_server.flush()
    assert a.twin.uploads.files.held() == 0  # the shared index of uploaded files went with the rest
    _poke(a)  # the clock key is gone: A seeds it again from its own clock, its secrets, and counts its files
    assert a.twin.clock.now() == before
    assert a.twin.uploads.files.held() == held > 0
    c = make_mock(store=redis_url)
    assert c.twin.clock.now() == before
    assert c.twin.url_secret == a.twin.url_secret


def test_a_configured_secret_keeps_signatures_across_a_loss_of_redis_data(
        make_mock: Callable[..., DashScopeMock], redis_server: RedisServer, redis_url: str) -> None:
    secret = "a-secret-of-the-operators-own-123"
    a = make_mock(store=redis_url, secret=secret)
    redis_server.flush()
    b = make_mock(store=redis_url, secret=secret)
    assert a.twin.url_secret == b.twin.url_secret
    task_id = a.task_id("wan2.6-t2v")
    a.advance(60)
    url = a.get(task_id)["output"]["video_url"]
    r = b.http.get(_path(url))  # a result URL signed by A, fetched from B
    assert r.status_code == 200, r.text


def _path(url: str) -> str:
    rest = url.split("://", 1)[1]
    return "/" + rest.partition("/")[2]


def test_serve_refuses_a_short_secret_file(tmp_path: Path) -> None:
    short = tmp_path / "secret"
    short.write_text("abc\n")
    done = CliRunner().invoke(cli.app, ["serve", "--port", "0", "--secret-file", str(short)])
    assert done.exit_code == 2 and "at least 16" in done.output
