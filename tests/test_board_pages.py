"""Issue 19 finding 4 (the board half) and issue 23 item 6: the board asks for a page and receives changes; its
work is bounded by the page, never by the number of accounts or tasks (counted in rows the store hands out, not
in wall time). Also what a row shows (masked key, prompt), the poll kinds and the timeline's scale."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.domain import browse
from mockserver.domain.journal import Poll
from mockserver.domain.task import Task
from mockserver.http import board_views
from mockserver.testing import DashScopeMock

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


class CountingStore:
    """A store wrapper that counts the tasks it hands out and the calls that list every account."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.touched = 0
        self.account_walks = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)

    def _count(self, tasks: Any) -> Iterator[Task]:
        for task in tasks:
            self.touched += 1
            yield task

    def newest(self, offset: int, limit: int) -> list[Task]:
        return list(self._count(self.store.newest(offset, limit)))

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        return self._count(self.store.by_account(account, since, until))

    def get(self, task_id: str) -> Task | None:
        task = self.store.get(task_id)
        self.touched += task is not None
        return task

    def accounts(self) -> list[str]:
        self.account_walks += 1
        return list(self.store.accounts())


def _fill(mock: DashScopeMock, count: int, model: str = "wan2.6-t2v") -> list[Task]:
    """`count` tasks, each of its own account (every `sk-` key is one), put straight into the store."""
    now = mock.now()
    made = []
    for i in range(count):
        task = Task(task_id=str(uuid.uuid4()), account=f"acct-{i:08x}", key_id="1", model=model, request_id="r",
                    body=b'{"model":"%s","input":{"prompt":"task %d"}}' % (model.encode(), i), submit=now + i * 1e-3,
                    scheduled=now + i * 1e-3 + 1, end=now + i * 1e-3 + 2, final="SUCCEEDED")
        mock.twin.tasks.store.put(task)
        made.append(task)
    return made


def _counting(mock: DashScopeMock) -> CountingStore:
    counting = CountingStore(mock.twin.tasks.store)
    mock.twin.tasks.store = counting  # type: ignore[assignment]
    return counting


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-task="([^"]+)"', html)


def test_a_board_page_costs_a_page_whatever_the_number_of_accounts(mock: DashScopeMock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "SCAN_MAX", 1000)  # the bound at a test's scale (5,000 in use)
    made = _fill(mock, 3000)
    counting = _counting(mock)
    page = mock.http.get("/__mock/ui")
    assert page.status_code == 200
    assert _ids(page.text) == [t.task_id for t in made[::-1][:50]]  # newest first, one page
    assert counting.account_walks == 0 and counting.touched <= 51
    counting.touched = 0
    older = mock.http.get("/__mock/ui/live", params={"offset": 100, "limit": 25}).json()["parts"]["tasks"]
    assert _ids(older) == [t.task_id for t in made[::-1][100:125]] and counting.touched <= 26
    counting.touched = 0
    searched = mock.http.get("/__mock/ui/live", params={"q": "no-such-word"}).json()["parts"]
    assert counting.account_walks == 0 and counting.touched <= browse.SCAN_MAX + 1  # a filter: a bounded window
    assert "newest 1,000 tasks only" in searched["pager"]
    counting.touched = 0
    one = made[10]
    found = mock.http.get("/__mock/ui/live", params={"q": one.task_id}).json()["parts"]["tasks"]
    assert _ids(found) == [one.task_id] and counting.touched == 1  # an id is a lookup
    counting.touched = 0
    mine = mock.http.get("/__mock/ui/live", params={"q": f"account:{one.account}"}).json()["parts"]["tasks"]
    assert _ids(mine) == [one.task_id] and counting.touched == 1  # an account walks its own index
    counting.touched = 0
    assert mock.http.get(f"/__mock/ui/tasks/{one.task_id}/live").status_code == 200
    assert counting.account_walks == 0 and counting.touched <= 2


def test_the_live_parts_come_only_when_they_changed(mock: DashScopeMock) -> None:
    first = mock.http.get("/__mock/ui/live")
    assert first.status_code == 200 and set(first.json()["parts"]) == {"tasks", "pager", "clock", "scenarios",
                                                                       "faults"}
    digest = first.json()["digest"]
    assert mock.http.get("/__mock/ui/live", params={"seen": digest}).status_code == 204
    r = mock.http.post(CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "a heron"}},
                       headers={"Authorization": "Bearer sk-board-live-0001", "X-DashScope-Async": "enable"})
    task_id = r.json()["output"]["task_id"]
    changed = mock.http.get("/__mock/ui/live", params={"seen": digest})
    assert changed.status_code == 200 and task_id in changed.json()["parts"]["tasks"]
    task_digest = mock.http.get(f"/__mock/ui/tasks/{task_id}/live").json()["digest"]
    assert mock.http.get(f"/__mock/ui/tasks/{task_id}/live", params={"seen": task_digest}).status_code == 204
    mock.advance(30)  # the clock moves the task on: its page changes
    moved = mock.http.get(f"/__mock/ui/tasks/{task_id}/live", params={"seen": task_digest})
    assert moved.status_code == 200 and "SUCCEEDED" in moved.json()["parts"]["status"]
    assert mock.http.get("/__mock/ui/tasks/nope/live").status_code == 404


@pytest.mark.all_stores
def test_every_store_hands_out_the_newest_tasks_in_pages(make_mock: Any) -> None:
    mock = make_mock()
    made = _fill(mock, 30)
    newest = [t.task_id for t in made[::-1]]
    store = mock.twin.tasks.store
    assert [t.task_id for t in store.newest(0, 10)] == newest[:10]
    assert [t.task_id for t in store.newest(25, 10)] == newest[25:]
    assert store.newest(40, 10) == []
    mock.http.post("/__mock/reset", json={"account": made[-1].account})
    assert [t.task_id for t in store.newest(0, 2)] == newest[1:3]  # a reset account's task is gone
    mine = mock.http.get("/__mock/ui/live", params={"q": f"account:{made[3].account}"}).json()["parts"]["tasks"]
    assert _ids(mine) == [made[3].task_id]  # the account's own index, on every store
    assert made[3].task_id in mock.http.get(f"/__mock/ui/tasks/{made[3].task_id}").text
    assert mock.http.get(f"/__mock/ui/tasks/{made[3].task_id}/live").json()["parts"]["status"]


def test_filters_and_sorts_are_answered_by_the_server(mock: DashScopeMock) -> None:
    made = _fill(mock, 6)
    mock.advance(0.01)
    made += _fill(mock, 2, model="wan2.2-t2v-plus")
    mock.advance(1.49)  # the first tasks are RUNNING, the last still PENDING
    page = mock.http.get("/__mock/ui/live", params={"q": "WAN2.2"}).json()["parts"]
    assert _ids(page["tasks"]) == [t.task_id for t in made[:-3:-1]]
    page = mock.http.get("/__mock/ui/live", params={"sort": "oldest", "limit": 3}).json()["parts"]
    assert _ids(page["tasks"]) == [t.task_id for t in made[:3]] and "older →" in page["pager"]
    page = mock.http.get("/__mock/ui/live", params={"sort": "model"}).json()["parts"]
    assert _ids(page["tasks"])[:2] == [t.task_id for t in made[:-3:-1]]  # wan2.2 before wan2.6, newest first
    statuses = {t.task_id: mock.twin.tasks.status(t) for t in made}
    running = mock.http.get("/__mock/ui/live", params={"status": "running"}).json()["parts"]["tasks"]
    assert _ids(running) == [t.task_id for t in made[::-1] if statuses[t.task_id] == "RUNNING"] != []
    for bad in ({"limit": "x"}, {"offset": "-5"}, {"sort": "evil"}, {"limit": "100000"}):
        assert mock.http.get("/__mock/ui", params=bad).status_code == 200  # every URL shows a page


def test_a_row_shows_the_masked_key_and_the_prompt(mock: DashScopeMock) -> None:
    key = "sk-board-account-7f3e"
    r = mock.http.post(CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "a heron in the rain"}},
                       headers={"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"})
    task_id = r.json()["output"]["task_id"]
    board = mock.http.get("/__mock/ui").text
    assert '<span class="key">sk-…7f3e</span>' in board and key not in board and "a heron in the rain" in board
    found = mock.http.get("/__mock/ui/live", params={"q": "heron"}).json()["parts"]["tasks"]
    assert _ids(found) == [task_id]
    page = mock.http.get(f"/__mock/ui/tasks/{task_id}").text
    assert "a heron in the rain" in page.split('class="prompt-full"', 1)[1] and "sk-…7f3e" in page and key not in page


def _poll(at: float, status: str) -> Poll:
    return Poll(at, 0.0, status)


def test_ordinary_reads_after_the_end_are_not_late() -> None:
    polls = [_poll(0, "PENDING"), _poll(0.2, "PENDING"), _poll(5, "SUCCEEDED"), _poll(5.1, "SUCCEEDED"),
             _poll(6, "SUCCEEDED"), _poll(7, "SUCCEEDED")]
    assert board_views.poll_kinds(polls) == ["ok", "early", "ok", "read", "read", "late"]


def test_admin_reads_and_downloads_are_not_polls(mock: DashScopeMock) -> None:
    key = "sk-board-reads-0001"
    r = mock.http.post(CREATE, json={"model": "wan2.6-t2v", "input": {"prompt": "x"}},
                       headers={"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"})
    task_id = r.json()["output"]["task_id"]
    mock.advance(60)
    output = mock.get(task_id, key)["output"]  # the terminal poll
    mock.http.get(f"/__mock/tasks/{task_id}")
    mock.http.get(f"/__mock/tasks/{task_id}/journal")
    assert mock.http.get(output["video_url"]).status_code == 200
    mock.get(task_id, key)  # the app reads the result once more
    assert [p.status for p in mock.polls(task_id)] == ["SUCCEEDED", "SUCCEEDED"]
    timeline = mock.http.get(f"/__mock/ui/tasks/{task_id}").text
    assert 'class="poll ok"' in timeline and 'class="poll read"' in timeline and "poll late" not in timeline


def test_a_short_task_fills_the_timeline_whatever_comes_later() -> None:
    task = Task(task_id="t", account="a", key_id="1", model="m", request_id="r", body=b"{}", submit=1000.0,
                scheduled=1000.2, end=1001.0, final="SUCCEEDED")
    polls = [_poll(1000.0, "PENDING"), _poll(1001.1, "SUCCEEDED"), _poll(4600.0, "SUCCEEDED")]
    svg = board_views.timeline(task, task.scheduled, task.end, task.final, polls, now=8200.0)
    width = float(re.search(r'class="band b-running" x="[\d.]+" y="14" width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert width > 400  # of 860: the task's own second, not a sliver of two hours
    xs = [float(x) for x in re.findall(r'<circle class="poll \w+" data-status="\w+" cx="([\d.]+)"', svg)]
    assert xs == sorted(xs) and xs[-1] <= 850  # the late read sits in the tail, inside the picture
    assert "≈" in svg


def test_the_memory_stores_newest_page_stays_in_order_after_expiry() -> None:
    """The expiry heap's list is not in submit order once something was popped: pages read their own order."""
    from mockserver.store.memory import MemoryStore

    store = MemoryStore()
    made = []
    for i in range(40):
        task = Task(task_id=f"t{i:02d}", account=f"a{i % 3}", key_id="1", model="m", request_id="r", body=b"{}",
                    submit=100.0 + i, scheduled=101.0 + i, end=102.0 + i, final="SUCCEEDED")
        store.put(task)
        made.append(task.task_id)
    assert store.expire(before=105.0) == 5  # pops five from the heap, which reshuffles its list
    assert [t.task_id for t in store.newest(0, 35)] == made[5:][::-1]
