"""Issue 11, findings 2 and 3: ids, secrets and the clock survive a restart of a persistent twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.domain.task import Task
from mockserver.store import MemoryStore, SqliteStore, TaskExists

AUTH = {"Authorization": "Bearer sk-reliability-0002"}


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_put_never_replaces_a_task(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "t.sqlite")
    first = Task("same", "a", "k", "wan2.6-t2v", "r1", b"{}", 1.0, 2.0, 3.0, "SUCCEEDED")
    store.put(first)
    with pytest.raises(TaskExists):
        store.put(Task("same", "b", "k", "wan2.6-t2v", "r2", b"{}", 5.0, 6.0, 7.0, "FAILED"))
    again = store.get("same")
    assert again is not None and again.account == "a" and again.final == "SUCCEEDED"
    assert store.count_by_account("a", 0, 10) == 1 and store.count_by_account("b", 0, 10) == 0
    store.meta_set("x", "1")
    store.meta_set("x", "2")
    assert store.meta_get("x") == "2" and store.meta_get("y") is None
    store.close()


def test_a_seeded_restart_never_overwrites_earlier_tasks(make_mock: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    first = make_mock(store=f"sqlite:{path}", seed=7)
    keys = [f"sk-account-{i:04d}" for i in range(10)]
    before = {first.task_id("wan2.6-t2v", headers={**first.headers(k, asynchronous=True)}): k for k in keys}
    again = make_mock(store=f"sqlite:{path}", seed=7)
    after = {again.task_id("wan2.6-t2v", headers={**again.headers(k, asynchronous=True)}): k for k in keys}
    assert not set(before) & set(after)
    for task_id, key in before.items():
        assert again.get(task_id, key)["output"]["task_status"] != "UNKNOWN"
    assert len(again.twin.tasks.store) == 20


def test_result_urls_survive_a_restart(make_mock: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    first = make_mock(store=f"sqlite:{path}", start_time=1_800_000_000.0)
    task_id = first.task_id("wan2.6-t2v")
    first.advance(60)
    url = first.get(task_id)["output"]["video_url"]
    again = make_mock(store=f"sqlite:{path}", start_time=1_800_000_000.0)
    r = again.http.get(httpx.URL(url).raw_path.decode())
    assert r.status_code == 200, r.text
    assert r.content[4:8] == b"ftyp"


def test_the_seed_does_not_give_the_signing_secret(make_mock: Any) -> None:
    a, b = make_mock(seed=1), make_mock(seed=1)
    assert a.twin.url_secret != b.twin.url_secret
    assert a.twin.url_secret != b"dashscope-mock:1"  # what a seed of 1 used to make it


def test_time_never_runs_backwards_across_a_restart(make_mock: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    first = make_mock("faithful", store=f"sqlite:{path}", frozen=False)
    task_id = first.task_id("wan2.6-t2v")
    first.advance(3 * 3600)  # long past the documented run time
    assert first.get(task_id)["output"]["task_status"] == "SUCCEEDED"
    before = first.twin.clock.now()
    again = make_mock("faithful", store=f"sqlite:{path}", frozen=False)
    assert again.twin.clock.now() >= before
    assert again.get(task_id)["output"]["task_status"] == "SUCCEEDED"
