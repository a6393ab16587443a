"""Stores: the SQLite store keeps every acknowledged task across a restart; expiry never scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.domain.task import Task
from mockserver.store import MemoryStore, SqliteStore, open_store


def task(i: int, account: str = "a", submit: float = 1000.0) -> Task:
    return Task(task_id=f"t{i}", account=account, key_id="k", model="wan2.6-t2v", request_id=f"r{i}",
                body=b'{"model":"wan2.6-t2v"}', submit=submit + i, scheduled=submit + i + 1, end=submit + i + 2,
                final="SUCCEEDED")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_store_contract(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "t.sqlite")
    for i in range(5):
        store.put(task(i, account="a" if i % 2 == 0 else "b"))
    assert len(store) == 5
    assert [t.task_id for t in store.by_account("a", 0, 1e9)] == ["t4", "t2", "t0"]
    assert [t.task_id for t in store.by_account("a", 1001.5, 1003.5)] == ["t2"]
    t = store.get("t1")
    assert t is not None and t.account == "b"
    t.canceled_at = 5.0
    t.polls = 3
    store.update(t)
    again = store.get("t1")
    assert again is not None and again.canceled_at == 5.0 and again.polls == 3
    assert store.expire(1002.0) == 2
    assert store.get("t0") is None and store.get("t2") is not None
    store.reset("a")
    assert [t.task_id for t in store.by_account("a", 0, 1e9)] == []
    assert len(store) == 1
    store.reset()
    assert len(store) == 0


def test_open_store() -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    with pytest.raises(ValueError):
        open_store("redis://nope")


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
