"""Expiry costs O(expired) on every store (issue 19, finding 4): counted in entries touched or in the query plan,
never timed. On the memory store 300 k tasks passing 24 h once froze the next create for 18 s (a front delete
from a list per task: quadratic)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mockserver.domain.task import Task
from mockserver.store import MemoryStore, SqliteStore, open_store
from mockserver.store.redis_tasks import RedisStore

N = 100_000


def _task(i: int, account: str = "a") -> Task:
    return Task(task_id=f"t{i}", account=account, key_id="k", model="wan2.6-t2v", request_id=f"r{i}", body=b"{}",
                submit=float(i), scheduled=i + 1.0, end=i + 2.0, final="SUCCEEDED")


def test_memory_expiry_touches_only_the_expired_tasks() -> None:
    store = MemoryStore()
    for i in range(N):  # one account: the case a per-task front delete made quadratic
        store.put(_task(i))
    listing = store.by_account("a", 0.0, float(N))  # a listing under way while the front is cut
    assert next(listing).task_id == f"t{N - 1}"
    assert store.expire(0.0) == 0 and store.work == 0  # nothing expired: nothing visited
    total = 0
    for step in range(1, 101):  # 100 expiries of 1 k tasks each, as the clock passes them
        assert store.expire(float(step * 1_000)) == 1_000
        total += store.work
    assert len(store) == 0 and store.accounts() == []
    # each task popped once from the expiry heap and once from the board's insertion order, plus cuts of at most
    # as many entries as expired before them
    assert total <= 4 * N
    assert list(listing) == []  # the listing ends cleanly: what it had not reached has expired


def test_memory_listing_after_partial_expiry_sees_exactly_the_live_tasks() -> None:
    store = MemoryStore()
    for i in range(1_000):
        store.put(_task(i, account="a" if i % 2 else "b"))
    store.expire(700.0)  # past the cut threshold of both accounts
    assert [t.task_id for t in store.by_account("a", 0.0, 1e9)] == [f"t{i}" for i in range(999, 699, -2)]
    assert store.count_by_account("b", 0.0, 1e9) == 150
    assert store.count_by_account("b", 800.0, 899.0) == 50
    store.put(_task(5_000, account="b"))
    assert next(iter(store.by_account("b", 0.0, 1e9))).task_id == "t5000"


def test_sqlite_expiry_is_an_indexed_range_delete(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.sqlite")
    store.close()
    db = sqlite3.connect(tmp_path / "t.sqlite")
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN DELETE FROM tasks WHERE submit < ?", (1.0,)))
    db.close()
    assert "USING COVERING INDEX tasks_submit" in plan or "USING INDEX tasks_submit" in plan, plan


def test_redis_expiry_reads_only_the_expired_rows(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(redis_url)
    try:
        for i in range(2_000):
            store.put(_task(i))
        assert isinstance(store, RedisStore)
        read: list[int] = []
        mget = store.r.mget

        def counted(keys: list[str]) -> list[bytes | None]:
            read.append(len(keys))
            return mget(keys)  # type: ignore[no-any-return]

        monkeypatch.setattr(store.r, "mget", counted)
        assert store.expire(10.0) == 10  # a range of the sorted set by submit time, then those rows only
        assert sum(read) == 10 and len(store) == 1_990
    finally:
        store.close()
