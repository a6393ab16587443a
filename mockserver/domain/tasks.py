"""The task book: create -> plan; a task's state is a pure function of its plan and the virtual clock.

Nothing here knows about HTTP or the JSON the service sends (wire/ renders it). The book plans tasks, answers
what state a task is in, applies the few mutations there are (cancel, counted polls), selects list pages, and
offers the read API the admin side and the test harness use (`find`, `of_account`, `status`, `polls`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

import orjson

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.document import Spec
from ..spec.profiles import ModelProfile, Registry
from ..store.base import TaskExists, TaskStore
from . import media
from .backends import JournalBackend, LaneBackend
from .bounds import MAX_KEPT_STRING, shrink
from .clock import VirtualClock
from .ids import Ids
from .journal import Poll
from .lanes import Lanes
from .scenarios import Scenario
from .task import Task
from .validation import RequestValidator

T = TypeVar("T")

_PUT_TRIES = 8  # a taken id (a restarted seeded twin) is retried with a fresh one; the last try is random
SYNC = "#sync"  # synchronous generations are stored under "<account>#sync": never listed, never counted


def _compact(body: Mapping[str, Any]) -> bytes:
    """The body as compact JSON in an exact-size buffer (orjson's own buffer keeps ~4 KB of slack)."""
    return bytes(memoryview(orjson.dumps(body)))


def _kept(body: Mapping[str, Any], raw: bytes | None) -> bytes:
    """The body a task keeps: as sent when small, else without its long strings (bounds.shrink)."""
    if raw is not None and len(raw) <= MAX_KEPT_STRING:
        return raw
    small, changed = shrink(body)
    return _compact(small) if changed or raw is None else raw


class TaskBook:
    """Plans tasks, answers their state from plans, and applies cancel and counted polls."""

    def __init__(self, spec: Spec, registry: Registry, store: TaskStore, clock: VirtualClock, settings: Settings,
                 catalog: ErrorCatalog, ids: Ids, journal: JournalBackend, lanes: LaneBackend | None = None) -> None:
        self.spec = spec
        self.registry = registry
        self.store = store
        self.clock = clock
        self.settings = settings
        self.catalog = catalog
        self.ids = ids
        self.journal = journal
        self.validator = RequestValidator(spec)
        self.lanes: LaneBackend = lanes if lanes is not None else Lanes()
        self._last_expiry = 0.0

    # ---- create ---------------------------------------------------------------------------------

    def validate_at_submit(self, profile: ModelProfile, body: Mapping[str, Any]) -> None:
        """Raise the parameter error to report at submit (HTTP 400), per validation mode and the model's spec."""
        if self.settings.validation == "faithful" and profile.validation == "deferred":
            return
        self.validate_now(profile, body)

    def validate_now(self, profile: ModelProfile, body: Mapping[str, Any]) -> None:
        """Raise InvalidParameter for the first problem with `body` (synchronous routes check at once)."""
        error = self.validator.first_error(profile, body)
        if error:
            raise self.catalog.error("InvalidParameter", error)

    def create(self, *, account: str, key_id: str, profile: ModelProfile, body: Mapping[str, Any],
               request_id: str, scenario: Scenario | None = None,
               input_duration: float | None = None, deferred_error: tuple[str, str] | None = None,
               raw: bytes | None = None) -> Task:
        """Plan a new task and store it before the create is acknowledged.

        `deferred_error` is a (code, message) the task fails with shortly after submit (an input problem the
        real service reports on the task, domain/inputs.py); a deferred schema error takes precedence over it.
        `raw` is the body as the client sent it (valid JSON of `body`), kept instead of re-encoding `body`.
        """
        now = self.clock.now()
        self._expire(now)
        code = message = None
        final = "SUCCEEDED"
        failure = deferred_error
        if self.settings.validation == "faithful" and profile.validation == "deferred":
            schema_error = self.validator.first_error(profile, body)
            if schema_error is not None:
                failure = ("InvalidParameter", schema_error)
        queue_s, run_s = self._timing(profile)
        poll_plan = None
        failed_items = 0
        if failure is not None:
            # docs/behaviour.md §1.4: submit 200, then FAILED InvalidParameter 0.1-3 s later
            final, (code, message) = "FAILED", failure
            queue_s, run_s = 0.05, self.ids.jitter(0.1, 1.0)
        elif scenario is not None:
            if scenario.steps:  # a time-based scenario says how long each phase lasts (0 when it skips one)
                queue_s = scenario.seconds("PENDING") or 0.0
                run_s = scenario.seconds("RUNNING") or 0.0
            final = scenario.final
            failed_items = scenario.failed_items
            if final == "FAILED":
                code = scenario.code or "InternalError"
                message = scenario.message or (self.catalog.message(code) if code in self.catalog else code)
            if scenario.poll_counted:
                poll_plan = scenario.poll_steps
        ready = now + queue_s
        if self.settings.limits and poll_plan is None and failure is None:
            scheduled = self.lanes.schedule((account, profile.name), profile.concurrency, ready, run_s)
        else:
            scheduled = ready
        task = Task(
            task_id="", account=account, key_id=key_id, model=profile.name,
            request_id=request_id, body=_kept(body, raw), submit=now, scheduled=scheduled,
            end=scheduled + run_s, final=final, code=code, message=message, failed_items=failed_items,
            poll_plan=poll_plan, extra={"input_duration": input_duration} if input_duration else None,
        )
        self._insert(task)
        return task

    def _insert(self, task: Task) -> None:
        """Store a new task under a fresh id: never over a stored task, whatever the seed (TaskExists: retry)."""
        for attempt in range(_PUT_TRIES):
            task.task_id = self.ids.uuid(fresh=attempt == _PUT_TRIES - 1)
            try:
                self.store.put(task)
                return
            except TaskExists:
                continue
        raise self.catalog.error("InternalError")

    def create_finished(self, *, account: str, key_id: str, profile: ModelProfile, body: Mapping[str, Any],
                        request_id: str, input_duration: float | None = None) -> Task:
        """A synchronous generation: validated up front and SUCCEEDED at once.

        The task is stored (its result URLs serve files like any task's) but hidden from the task list:
        a synchronous call is not a task to the caller.
        """
        self.validate_now(profile, body)
        now = self.clock.now()
        task = Task(task_id="", account=account + SYNC, key_id=key_id, model=profile.name,
                    request_id=request_id, body=_kept(body, None), submit=now, scheduled=now, end=now,
                    final="SUCCEEDED", extra={"sync": True, "input_duration": input_duration})
        self._insert(task)
        return task

    def _timing(self, profile: ModelProfile) -> tuple[float, float]:
        if self.settings.timings == "fast":
            return self.ids.jitter(0.05, 0.2), self.ids.jitter(0.4, 0.8)
        timing = profile.timing
        return timing.queue_s * self.ids.jitter(0.8, 1.2), max(0.1, timing.run_s * self.ids.jitter(0.8, 1.2))

    # ---- state ----------------------------------------------------------------------------------

    def _phase(self, task: Task, now: float, poll: int | None = None) -> str:
        """The plan's status at `now` (poll-counted plans: at poll number `poll`), ignoring expiry."""
        if task.canceled_at is not None:
            return "CANCELED"
        if task.poll_plan is not None:
            n = task.polls if poll is None else poll
            seen = 0
            for status, count in task.poll_plan:
                seen += count
                if n <= seen:
                    return status
            return task.final
        if now < task.scheduled:
            return "PENDING"
        if now < task.end:
            phases = self.profile_of(task).timing
            if len(phases.phases) == 1:
                return "RUNNING"
            # a family whose docs list PRE-PROCESSING/POST-PROCESSING runs through them (spec `timing.phases`)
            return phases.phase_at((now - task.scheduled) / (task.end - task.scheduled))
        return task.final

    def status_at(self, task: Task, now: float, poll: int | None = None) -> str:
        """The task's status at virtual time `now` (and, for poll-counted plans, at poll number `poll`)."""
        if now >= task.submit + self.settings.task_ttl_s:
            return "UNKNOWN"
        return self._phase(task, now, poll)

    def status(self, task: Task) -> str:
        """The task's status now (without counting a poll)."""
        return self.status_at(task, self.clock.now())

    def has_results(self, task: Task) -> bool:
        """Whether the task reached SUCCEEDED: its result files exist from then on, even after the 24 h record."""
        if task.final != "SUCCEEDED" or task.canceled_at is not None:
            return False
        if task.poll_plan is not None:
            return task.final in (task.marks or {})
        return self._phase(task, self.clock.now()) == "SUCCEEDED"

    def times(self, task: Task) -> tuple[float, float]:
        """(scheduled, end) as served: poll-counted plans take them from when the polls saw them."""
        if task.poll_plan is None:
            return task.scheduled, task.end
        marks = task.marks or {}
        end = marks.get(task.final, task.end)
        return marks.get("RUNNING", end), end

    def facts(self, task: Task) -> media.Facts:
        """The task's output media facts (size, fps, duration, count)."""
        profile = self.profile_of(task)
        extra = task.extra or {}
        return media.facts(profile, task.request(), self.spec.resolutions, extra.get("input_duration"))

    def profile_of(self, task: Task) -> ModelProfile:
        """The model profile of a stored task (stores only hold tasks of models the spec names)."""
        profile = self.registry.model(task.model)
        if profile is None:
            raise LookupError(f"task {task.task_id} names unknown model {task.model}")
        return profile

    # ---- reads ------------------------------------------------------------------------------------

    def get(self, account: str, task_id: str, now: float | None = None) -> Task | None:
        """The task if it exists, belongs to `account` and has not expired (at virtual time `now`, default now)."""
        task = self.store.get(task_id)
        if task is None or (task.account != account and task.account != account + SYNC):
            return None
        if (self.clock.now() if now is None else now) >= task.submit + self.settings.task_ttl_s:
            return None
        return task

    def find(self, task_id: str) -> Task | None:
        """Any stored task by id, whatever its account (admin and test views)."""
        return self.store.get(task_id)

    def of_account(self, account: str, limit: int = 100) -> list[Task]:
        """The account's newest stored tasks, synchronous generations included (admin and test views)."""
        rows: list[Task] = []
        for key in (account, account + SYNC):
            for task in self.store.by_account(key, 0, math.inf):
                rows.append(task)
                if len(rows) >= limit:
                    break
        rows.sort(key=lambda t: t.submit, reverse=True)
        return rows[:limit]

    def polls(self, task_id: str) -> list[Poll]:
        """Every poll the task got."""
        return self.journal.polls(task_id)

    def poll(self, account: str, task_id: str) -> tuple[Task, str] | None:
        """A client's GET: the task and its status now, counting the poll; None when the caller sees no task."""
        now = self.clock.now()
        task = self.get(account, task_id, now)
        if task is None:
            return None
        if task.poll_plan is not None and (task.marks is None or task.final not in task.marks):
            served: list[str] = []

            def count(stored: Task) -> None:  # atomic: a cancel or another replica's poll cannot interleave
                served.clear()
                if stored.marks is None or stored.final not in stored.marks:
                    stored.polls += 1
                    stored.marks = dict(stored.marks or {})
                    stored.marks.setdefault(self.status_at(stored, now), now)
                served.append(self.status_at(stored, now))

            task = self.store.modify(task.task_id, count) or task
            status = served[0] if served else self.status_at(task, now)
        else:
            status = self.status_at(task, now)
        self.journal.record(task.task_id, now, status)
        return task, status

    def note_fault(self, task_id: str, fault: str) -> None:
        """Record a fault injected instead of answering a poll."""
        self.journal.record(task_id, self.clock.now(), "-", fault)

    # ---- cancel, list -----------------------------------------------------------------------------

    def cancel(self, account: str, task_id: str) -> None:
        """Cancel a PENDING task of `account`; anything else is 400 UnsupportedOperation (§3.1)."""
        task = self.get(account, task_id)
        now = self.clock.now()

        def cancel(stored: Task) -> None:  # atomic against a poll-counted transition on another replica
            if self.status_at(stored, now, stored.polls + 1 if stored.poll_plan else None) != "PENDING":
                raise self.catalog.error("UnsupportedOperation", like="cancel")
            stored.canceled_at = now

        if task is None or self.store.modify(task_id, cancel) is None:
            raise self.catalog.error("UnsupportedOperation", like="cancel")

    # ---- housekeeping -----------------------------------------------------------------------------

    def _expire(self, now: float) -> None:
        """Drop expired tasks at most once a virtual minute (amortized; never a scan per request)."""
        if now - self._last_expiry < 60:
            return
        self._last_expiry = now
        gone_before = now - self.settings.task_ttl_s
        self.store.expire(gone_before)
        self.journal.expire(gone_before)

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes and journals (all, or one account's)."""
        if account is None:
            self.journal.forget()
            self.store.reset()
        else:
            for key in (account, account + SYNC):
                self.journal.forget({t.task_id for t in self.store.by_account(key, 0, math.inf)})
                self.store.reset(key)
        self.lanes.reset(account)
