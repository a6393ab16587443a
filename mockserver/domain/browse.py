"""Browsing every account's tasks (the board): one page, filtered and sorted on the server, at a bounded cost.

A page never walks every account or every task. Unfiltered and newest first, it is one range of the store's
submit order (`TaskStore.newest`: O(offset + limit)). A search for a task id is a lookup; one for an account
(`account:NAME`) walks that account's own index. Any other filter or sort (free text, status, model, oldest
first) looks at the newest SCAN_MAX tasks only, since a status is a function of the plan and the clock and no
index can answer it; the page then says the search stopped there (`truncated`). docs/board.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from .task import Task
from .tasks import SYNC, TaskBook

SCAN_MAX = 5_000  # tasks a filtered or re-sorted page may look at, newest first
MAX_LIMIT = 200
MAX_OFFSET = SCAN_MAX  # deeper pages would cost O(offset): narrow the search instead
SORTS = ("newest", "oldest", "model", "status", "account")
_CHUNK = 100  # tasks in the first read from the store while scanning (each next read is 4 times larger)


@dataclass(frozen=True, slots=True)
class Query:
    """What the board asks for: free-text words (matched ignoring case; `account:NAME` exactly), an exact status,
    a sort, and the page (offset, limit)."""

    words: tuple[str, ...] = ()
    status: str = ""
    sort: str = "newest"
    offset: int = 0
    limit: int = 50

    @classmethod
    def parse(cls, params: dict[str, str]) -> Query:
        """A query from the board's URL parameters (`q`, `status`, `sort`, `offset`, `limit`); out-of-range numbers
        are clamped and an unknown sort is newest first, so every URL shows a page."""
        return cls(words=tuple(params.get("q", "").split()), status=params.get("status", "").upper(),
                   sort=params.get("sort", "newest") if params.get("sort") in SORTS else "newest",
                   offset=min(max(_int(params.get("offset"), 0), 0), MAX_OFFSET),
                   limit=min(max(_int(params.get("limit"), 50), 1), MAX_LIMIT))


@dataclass(frozen=True, slots=True)
class Row:
    """One task as the board lists it."""

    task: Task
    status: str
    key: str  # the masked key of a default account when known, else ""
    prompt: str
    end: float  # when it ends as served (poll-counted plans: when a poll saw it end)


@dataclass(slots=True)
class Page:
    """A page of rows, whether another follows, how many tasks were looked at, and whether the look stopped at
    SCAN_MAX before the end of the store."""

    rows: list[Row] = field(default_factory=list)
    more: bool = False
    touched: int = 0
    truncated: bool = False


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def prompt_of(task: Task) -> str:
    """The prompt the task was created with (its text fields joined), or "" when it has none."""
    try:
        body: Any = orjson.loads(task.body)
    except orjson.JSONDecodeError:
        return ""
    given = body.get("input") if isinstance(body, dict) else None
    if not isinstance(given, dict):
        return ""
    texts = [given[k] for k in ("prompt", "text", "title", "prompt_text_zh") if isinstance(given.get(k), str)]
    return " · ".join(texts)


def page(book: TaskBook, query: Query, label: Callable[[str], str | None]) -> Page:
    """One page of every account's tasks as `query` asks; `label` gives a default account's masked key."""
    now = book.clock.now()
    result = Page()

    def row(task: Task, status: str) -> Row:
        return Row(task, status, label(task.account.removesuffix(SYNC)) or "", prompt_of(task), book.times(task)[1])

    if not query.words and not query.status and query.sort == "newest":  # one range of the submit order
        tasks = book.store.newest(query.offset, query.limit + 1)
        result.touched = len(tasks)
        result.more = len(tasks) > query.limit
        result.rows = [row(t, book.status_at(t, now)) for t in tasks[:query.limit]]
        return result
    keep = query.offset + query.limit + 1 if query.sort == "newest" else math.inf
    matched: list[tuple[Task, str]] = []
    for task in _candidates(book, query, result):
        status = book.status_at(task, now)
        if query.status and status != query.status:
            continue
        if query.words and not _matches(task, status, label, query.words):
            continue
        matched.append((task, status))
        if len(matched) >= keep:
            break
    if query.sort != "newest":  # stable: ties stay newest first
        matched.sort(key=_SORT_KEYS[query.sort])
    result.rows = [row(t, s) for t, s in matched[query.offset:query.offset + query.limit]]
    result.more = len(matched) > query.offset + query.limit
    return result


def _candidates(book: TaskBook, query: Query, result: Page) -> Iterator[Task]:
    """The tasks a filtered page looks at, newest first, counting them in `result.touched` (at most SCAN_MAX)."""
    source: Iterator[Task]
    ids = [w for w in query.words if len(w) >= 32 and "-" in w]  # a task id: a lookup, not a scan
    accounts = [w.split(":", 1)[1] for w in query.words if w.startswith("account:")]
    if ids:
        found = book.find(ids[0])
        source = iter([found] if found is not None else [])
    elif accounts:
        source = iter(book.store.by_account(accounts[0], -math.inf, math.inf))
    else:
        source = _newest(book, SCAN_MAX + 1)  # one more than the window: whether the search stopped early
    for task in source:
        if result.touched >= SCAN_MAX:
            result.truncated = True
            return
        result.touched += 1
        yield task


def _newest(book: TaskBook, most: int) -> Iterator[Task]:
    """Every account's tasks, newest first, at most `most` of them, read from the store in growing chunks (a page
    found early reads little; a long scan makes few calls)."""
    offset, size = 0, _CHUNK
    while offset < most:
        want = min(size, most - offset)
        chunk = book.store.newest(offset, want)
        yield from chunk
        if len(chunk) < want:
            return
        offset += len(chunk)
        size *= 4


def _matches(task: Task, status: str, label: Callable[[str], str | None], words: tuple[str, ...]) -> bool:
    """Whether every word is in the task's id, account, masked key, model, status or prompt (`account:NAME`: the
    account itself); the prompt is read only when the rest does not have the word."""
    text = f"{task.task_id} {task.account} {label(task.account.removesuffix(SYNC)) or ''} {task.model} {status}"
    text = text.lower()
    prompt: str | None = None
    for word in words:
        if word.startswith("account:"):
            if task.account.removesuffix(SYNC) != word[8:]:
                return False
            continue
        low = word.lower()
        if low in text:
            continue
        if prompt is None:
            prompt = prompt_of(task).lower()
        if low not in prompt:
            return False
    return True


_SORT_KEYS: dict[str, Callable[[tuple[Task, str]], Any]] = {
    "oldest": lambda r: r[0].submit,
    "model": lambda r: (r[0].model, -r[0].submit),
    "status": lambda r: (r[1], -r[0].submit),
    "account": lambda r: (r[0].account, -r[0].submit),
}
