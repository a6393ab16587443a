"""Stores: one contract for memory, SQLite and Redis; SQLite and Redis keep every acknowledged task across a
restart; expiry never scans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.domain.task import Task
from mockserver.store import MemoryStore, SqliteStore, TaskExists, TaskStore, open_store


def task(i: int, account: str = "a", submit: float = 1000.0) -> Task:
    return Task(task_id=f"t{i}", account=account, key_id="k", model="wan2.6-t2v", request_id=f"r{i}",
                body=b'{"model":"wan2.6-t2v"}', submit=submit + i, scheduled=submit + i + 1, end=submit + i + 2,
                final="SUCCEEDED")


@pytest.fixture
def store(store_url: str) -> Iterator[TaskStore]:
    """An empty store of the kind under test."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.mark.all_stores
def test_store_contract(store: TaskStore) -> None:
    for i in range(5):
        store.put(task(i, account="a" if i % 2 == 0 else "b"))
    assert len(store) == 5
    with pytest.raises(TaskExists):
        store.put(task(1, account="c"))  # insert only: an id is never reused or replaced
    assert store.get("t1").account == "b"  # type: ignore[union-attr]
    assert store.count_by_account("a", 0, 1e9) == 3
    assert store.count_by_account("a", 1001.5, 1004.0) == 2
    assert [t.task_id for t in store.by_account("a", 0, 1e9)] == ["t4", "t2", "t0"]
    assert [t.task_id for t in store.by_account("a", 1001.5, 1003.5)] == ["t2"]
    t = store.get("t1")
    assert t is not None and t.account == "b"
    t.canceled_at = 5.0
    t.polls = 3
    store.update(t)
    again = store.get("t1")
    assert again is not None and again.canceled_at == 5.0 and again.polls == 3

    def bump(t: Task) -> None:
        t.polls += 1

    def refuse(t: Task) -> None:
        t.polls = 99
        raise ValueError("refused")

    assert store.modify("t1", bump).polls == 4  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        store.modify("t1", refuse)
    assert store.get("t1").polls == 4  # type: ignore[union-attr]
    assert store.modify("nope", bump) is None
    store.meta_set("secret.url", "abc")
    assert store.meta_get("secret.url") == "abc" and store.meta_get("clock") is None
    assert store.expire(1002.0) == 2
    assert store.get("t0") is None and store.get("t2") is not None
    store.reset("a")
    assert [t.task_id for t in store.by_account("a", 0, 1e9)] == []
    assert len(store) == 1
    store.reset()
    assert len(store) == 0


def test_open_store(tmp_path: Path) -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    assert isinstance(open_store(f"sqlite:{tmp_path / 'x.sqlite'}"), SqliteStore)
    with pytest.raises(ValueError):
        open_store("mongodb://nope")


def test_sqlite_restart_keeps_every_acknowledged_task(make_mock, tmp_path: Path) -> None:
    path = tmp_path / "tasks.sqlite"
    first = make_mock(store=f"sqlite:{path}", start_time=1_800_000_000.0)
    ids = [first.task_id("wan2.6-t2v") for _ in range(5)]
    first.http.post(f"/api/v1/tasks/{ids[0]}/cancel", headers={"Authorization": "Bearer sk-test-key-0001"})
    poll_counted = first.task_id("wan2.6-t2v", headers={
        "Authorization": "Bearer sk-test-key-0001", "X-DashScope-Async": "enable",
        "X-Mock-Scenario": "pending*1,succeeded"})
    first.get(poll_counted)
    restarted = make_mock(store=f"sqlite:{path}", start_time=1_800_000_010.0)
    assert restarted.get(ids[0])["output"]["task_status"] == "CANCELED"
    for task_id in ids[1:]:
        assert restarted.get(task_id)["output"]["task_status"] == "SUCCEEDED"
    assert restarted.get(poll_counted)["output"]["task_status"] == "SUCCEEDED"  # its poll count survived
    assert restarted.http.get("/api/v1/tasks", headers={"Authorization": "Bearer sk-test-key-0001"}).json()[
        "total"] == 6
