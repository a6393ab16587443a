"""The Redis hot path: pipelined calls on a held connection, the task row read with the request's refresh, and
compare-and-set writes that start from the row last read (mockserver/store/redis_link.py, redis_tasks.py). The
batched connection on the event loop has its own tests (tests/test_redis_batch.py)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from mockserver.domain.task import Task
from mockserver.store import StoreUnavailable, TaskStore, open_store
from mockserver.store.redis_link import Link, Script
from mockserver.store.redis_tasks import RedisStore

from .redis_server import RedisServer


def task(i: int) -> Task:
    return Task(task_id=f"t{i}", account="a", key_id="k", model="wan2.6-t2v", request_id=f"r{i}",
                body=b'{"model":"wan2.6-t2v"}', submit=1000.0 + i, scheduled=1001.0 + i, end=1002.0 + i,
                final="SUCCEEDED")


def bump(t: Task) -> None:
    t.polls += 1


@pytest.fixture
def link(redis_url: str) -> Iterator[Link]:
    client = redis.Redis.from_url(redis_url)
    made = Link(client)
    yield made
    made.close()
    client.close()


def test_a_call_is_one_batch_whose_replies_come_back_in_order(link: Link) -> None:
    assert link.call(("SET", "k", 1.5), ("INCRBYFLOAT", "k", 1), ("GET", "k")) == [b"OK", b"2.5", b"2.5"]


def test_an_error_reply_is_raised_after_the_whole_batch_ran_and_the_link_stays_usable(link: Link) -> None:
    with pytest.raises(redis.ResponseError):
        link.call(("SET", "k", "v"), ("INCR", "k"), ("SET", "after", "yes"))
    assert link.call(("GET", "k"), ("GET", "after")) == [b"v", b"yes"]


def test_a_script_runs_again_after_the_server_forgot_it(link: Link) -> None:
    script = Script("return redis.call('INCR', KEYS[1])")
    assert link.script(script, ["n"], []) == 1
    link.call(("SCRIPT", "FLUSH"))
    assert link.script(script, ["n"], []) == 2


def test_the_link_reconnects_after_a_redis_restart(link: Link, redis_server: RedisServer) -> None:
    link.call(("SET", "k", "before"))
    redis_server.restart(hard=False)  # a clean stop saves the AOF: the value comes back
    assert link.call(("GET", "k")) == [b"before"]


def test_a_link_that_cannot_reach_redis_says_the_store_is_unavailable(link: Link,
                                                                      redis_server: RedisServer) -> None:
    redis_server.stop()
    with pytest.raises(StoreUnavailable):
        link.call(("GET", "k"))


def test_a_poll_recorded_on_one_replica_is_in_the_journal_of_another(redis_url: str) -> None:
    from mockserver.store.redis_state import RedisJournal

    clients = [redis.Redis.from_url(redis_url) for _ in range(2)]
    a, b = (RedisJournal(c, "dsm:", 60.0) for c in clients)
    a.record("t1", 5.0, "PENDING")
    assert [p.status for p in b.polls("t1")] == ["PENDING"] and "t1" in b
    a.record("t1", 6.0, "RUNNING")
    assert [p.status for p in a.polls("t1")] == ["PENDING", "RUNNING"]
    for journal, client in zip((a, b), clients, strict=True):
        journal.link.close()
        client.close()


def test_a_prefetched_row_serves_one_read_of_its_own_request(redis_url: str) -> None:
    mine, other = RedisStore(redis.Redis.from_url(redis_url)), open_store(redis_url)
    try:
        mine.put(task(1))
        raw = mine.link.call(("GET", mine.key("t1")))[0]
        other.modify("t1", bump)  # lands after the refresh read the row

        def request() -> tuple[int, int]:
            mine.prefetched("t1", raw)
            first, second = mine.get("t1"), mine.get("t1")
            assert first is not None and second is not None
            return first.polls, second.polls

        assert contextvars.copy_context().run(request) == (0, 1)  # the refresh's snapshot once, then the row
        contextvars.copy_context().run(mine.prefetched, "t1", raw)
        got = contextvars.copy_context().run(mine.get, "t1")  # another request's context: no prefetch there
        assert got is not None and got.polls == 1
    finally:
        mine.close()
        other.close()


@pytest.fixture(params=["sqlite", "redis"])
def two_views(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TaskStore, TaskStore]]:
    """Two store objects on one database, as two replicas hold them."""
    url = f"sqlite:{tmp_path / 'tasks.sqlite'}" if request.param == "sqlite" else request.getfixturevalue("redis_url")
    a, b = open_store(url), open_store(url)
    yield a, b
    a.close()
    b.close()


def test_a_modify_after_another_replica_wrote_applies_to_the_stored_row(two_views: tuple[TaskStore, TaskStore]) -> None:
    a, b = two_views
    a.put(task(1))
    assert a.get("t1") is not None  # what a last read: the first guess of its modify
    b.modify("t1", bump)
    changed = a.modify("t1", bump)
    assert changed is not None and changed.polls == 2
    assert b.get("t1").polls == 2  # type: ignore[union-attr]


def test_a_refusal_is_decided_on_the_stored_row_not_on_an_older_read(two_views: tuple[TaskStore, TaskStore]) -> None:
    a, b = two_views
    a.put(task(1))
    assert a.get("t1") is not None

    def only_after_a_poll(t: Task) -> None:
        if t.polls == 0:
            raise ValueError("refused")
        t.canceled_at = 5.0

    b.modify("t1", bump)
    done = a.modify("t1", only_after_a_poll)  # a's read said polls == 0; the stored row says 1
    assert done is not None and done.canceled_at == 5.0
    b.get("t1")
    b.modify("t1", lambda t: setattr(t, "polls", 0))
    with pytest.raises(ValueError):
        a.modify("t1", only_after_a_poll)
    assert b.get("t1").canceled_at == 5.0  # type: ignore[union-attr]


def test_a_create_that_finds_the_scenario_queue_empty_runs_one_script_not_two(make_mock: Any, redis_url: str) -> None:
    mock = make_mock(store=redis_url)
    plain = redis.Redis.from_url(redis_url)

    def scripts() -> int:
        stats = plain.info("commandstats")
        return sum(int(stats.get(name, {}).get("calls", 0)) for name in ("cmdstat_evalsha", "cmdstat_eval"))

    try:
        mock.queue_scenario("succeeded", model="wan2.6-t2v")
        mock.task_id("wan2.6-t2v")  # warm: both scripts loaded into this Redis
        before = scripts()
        mock.task_id("wan2.6-t2v")
        assert scripts() - before == 1  # the insert; the empty queue cost no take
        mock.queue_scenario("failed(DataInspectionFailed)", model="wan2.6-t2v")
        other = make_mock(store=redis_url)  # queued through one replica, taken by a create on another
        before = scripts()
        task_id = other.task_id("wan2.6-t2v")
        assert scripts() - before == 2  # the take, then the insert
        assert plain.llen("dsm:scenarios") == 0 and task_id in other.task_ids()
    finally:
        plain.close()
