"""The list API's pages: parameters checked, the account's tasks counted and sliced (O(page) when unfiltered)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .clock import parse_list_time
from .task import TERMINAL, Task
from .tasks import TaskBook

T = TypeVar("T")
_MAX_PAGE_NO = 2**31 - 1  # a Java int on the real service; larger ones broke the JSON encoder (Schemathesis)
# A filtered list (status, model_name) cannot be counted from an index: a status is a function of the plan
# and the clock. The scan of such a list stops after this many tasks of the window, newest first, and
# `total` counts the matches among them (README "Reliability"). Unfiltered lists are counted by the store.
LIST_SCAN_MAX = 10_000
# the list API's `status` filter values (§3.2), and the run phases some families list (spec `timing.phases`)
_STATUSES = frozenset({"PENDING", "RUNNING", *TERMINAL, "PRE-PROCESSING", "POST-PROCESSING"})


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an account's tasks: (task, status) rows and the paging numbers."""

    rows: list[tuple[Task, str]]
    total: int
    page_no: int
    page_size: int

    @property
    def total_page(self) -> int:
        """How many pages there are."""
        return math.ceil(self.total / self.page_size)


def page(book: TaskBook, account: str, params: Mapping[str, str]) -> Page:
    """One page of the account's tasks, filtered as the list API's query parameters say."""
    now = book.clock.now()
    # a parameter sent empty is invalid, not absent: the spec types these (Schemathesis found `page_size=`).
    # The real wording for a malformed list parameter is not captured (docs/behaviour.md §3.2); the
    # catalogue's documented InvalidParameter sentence that names the parameter is the closest.
    page_no = _list_param(book, params, "page_no", int, 1)
    page_size = _list_param(book, params, "page_size", int, 10)
    until = _list_param(book, params, "end_time", parse_list_time, now)
    since = _list_param(book, params, "start_time", parse_list_time, until - 86400)
    if params.get("status", "PENDING") not in _STATUSES:
        raise book.catalog.error("InvalidParameter", like="Required parameter(", values=("status",))
    if not 1 <= page_no <= _MAX_PAGE_NO or not 1 <= page_size <= 100:
        raise book.catalog.error("InvalidParameter", like="page_no must be")
    if until - since > 86400 or until < since:
        raise book.catalog.error("InvalidParameter", like="time range")
    since = max(since, now - book.settings.task_ttl_s)
    status_filter = params.get("status")
    model_filter = params.get("model_name")
    id_filter = params.get("task_id")
    skip, want = (page_no - 1) * page_size, page_size
    if id_filter:  # one id: a lookup, not a scan
        task = book.store.get(id_filter)
        found = [task] if task is not None and task.account == account and since <= task.submit <= until else []
        rows = [(t, book.status_at(t, now)) for t in found]
        rows = [r for r in rows if not status_filter or r[1] == status_filter]
        rows = [r for r in rows if not model_filter or r[0].model == model_filter]
        return Page(rows[skip: skip + want], len(rows), page_no, page_size)
    if not status_filter and not model_filter:  # the store counts; the page costs O(page_no * page_size)
        total = book.store.count_by_account(account, since, until)
        rows = []
        for i, task in enumerate(book.store.by_account(account, since, until)):
            if i >= skip:
                rows.append((task, book.status_at(task, now)))
            if i + 1 >= skip + want:
                break
        return Page(rows, total, page_no, page_size)
    rows, total = [], 0
    for scanned, task in enumerate(book.store.by_account(account, since, until)):
        if scanned >= LIST_SCAN_MAX:
            break
        if model_filter and task.model != model_filter:
            continue
        status = book.status_at(task, now)
        if status_filter and status != status_filter:
            continue
        if skip <= total < skip + want:
            rows.append((task, status))
        total += 1
    return Page(rows, total, page_no, page_size)


def _list_param(book: TaskBook, params: Mapping[str, str], name: str, parse: Callable[[str], T], default: T) -> T:
    """A list query parameter parsed, or 400 InvalidParameter naming it (never the parser's own text)."""
    if name not in params:
        return default
    try:
        return parse(params[name])
    except (ValueError, OverflowError):
        raise book.catalog.error("InvalidParameter", like="Required parameter(", values=(name,)) from None
