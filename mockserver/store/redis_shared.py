"""Redis backends for the shared clock, fault plan and upload grants, and the per-request
refresh that keeps a replica's copy of the clock and the fault plan current.

The clock and the fault plan change rarely and are read many times per request, so each replica keeps a copy
and re-reads both (one MGET) at the start of every request: a change made through any replica is seen by every
request that starts after it was answered. A request that names a task reads its row in that same MGET.
Clock changes are compare-and-set (WATCH/MULTI), so two replicas advancing the clock at once both count.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Container
from dataclasses import asdict
from typing import Any

import orjson
import redis

from ..domain.clock import VirtualClock, format_cst
from ..domain.faults import FaultPlan, Faults
from ..domain.uploads import Grant
from .redis_batch import Batcher
from .redis_link import Link
from .redis_state import RedisScenarios
from .redis_tasks import RedisStore

log = logging.getLogger("dashscope_mock")


class SharedClock(VirtualClock):
    """A virtual clock whose anchors live in Redis: advancing or freezing it on one replica moves them all.

    The stored clock carries a generation, made by the replica that seeded it. A Redis that lost its data (no
    persistence, FLUSHALL, eviction) shows as the clock key gone, or as a clock of another generation seeded by a
    replica started since. Either way a running replica never moves back: it puts its own time back (with the
    newest generation, so that every replica converges on one clock), adopts the stored clock only when that is
    ahead, logs one line, and hands over to `on_lost` (the secrets re-seed, store/__init__.py StoreSecrets).
    """

    def __init__(self, client: redis.Redis, prefix: str, scale: float = 1.0, start: float | None = None,
                 frozen: bool = False, on_lost: Callable[[], None] | None = None) -> None:
        self.gen = secrets.token_hex(8)
        super().__init__(scale, start, frozen)
        self.r, self.key = client, f"{prefix}clock"
        self.on_lost = on_lost
        self.seen: bytes | str | None = None
        self._put_back = self.r.register_script(_PUT_BACK)
        self.r.set(self.key, orjson.dumps(self.doc()), nx=True)  # the first replica's settings start the clock
        self.load(self.r.get(self.key))

    def doc(self) -> dict[str, Any]:
        """The clock's anchors, scale, frozen flag and generation."""
        return {**super().doc(), "gen": self.gen}

    def adopt(self, doc: dict[str, Any]) -> None:
        """Run from `doc` (another replica's `doc()`) from now on, in its generation."""
        super().adopt(doc)
        self.gen = str(doc.get("gen", self.gen))

    def load(self, raw: bytes | str | None) -> None:
        """Adopt the stored clock when it changed since last seen; after a loss of Redis's data, re-seed it and
        never go back."""
        if raw is None:
            if self.seen is not None:  # the key is gone: seed it again from this replica's own clock
                self._reseed(None)
            return
        if raw == self.seen:
            return
        doc = orjson.loads(raw)
        if self.seen is not None and doc.get("gen") != self.gen:  # seeded anew by a replica started since
            self._reseed(doc, raw)
            return
        self.seen = raw
        self.adopt(doc)

    def _reseed(self, doc: dict[str, Any] | None, raw: bytes | str | None = None) -> None:
        was = self.now()
        if doc is not None and _now_of(doc) >= was:  # the new clock is not behind this one: take it
            self.seen = raw
            self.adopt(doc)
            log.warning("Redis lost the twin's shared state; this replica takes the clock seeded anew "
                        "(%.0f s ahead of its own)", _now_of(doc) - was)
        else:
            if doc is not None:
                self.gen = str(doc.get("gen", self.gen))  # every replica converges on the newest generation
            mine = orjson.dumps(self.doc())
            if not self._put_back(keys=[self.key], args=[raw or "", mine]):
                self.load(self.r.get(self.key))  # another replica re-seeded first: judge its clock instead
                return
            self.seen = mine
            log.warning("Redis lost the twin's shared state; this replica put its clock back (%s)%s",
                        format_cst(was), f", {was - _now_of(doc):.0f} s ahead of the one seeded anew"
                        if doc is not None else "")
        if self.on_lost is not None:
            self.on_lost()

    def _change(self, apply: Any, advance: float | None, freeze: bool | None, scale: float | None) -> Any:
        with self.r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self.key)  # type: ignore[no-untyped-call]
                    raw = pipe.get(self.key)
                    if raw is not None:
                        self.adopt(orjson.loads(raw))
                    result = apply(advance=advance, freeze=freeze, scale=scale)
                    new = orjson.dumps(self.doc())
                    pipe.multi()
                    pipe.set(self.key, new)
                    pipe.execute()
                    self.seen = new
                    return result
                except redis.WatchError:
                    continue

    def update(self, *, advance: float | None = None, freeze: bool | None = None,
               scale: float | None = None) -> float:
        """Change every replica's clock (advance, freeze and scale all go through here), checked as locally."""
        moved: float = self._change(super().update, advance, freeze, scale)
        return moved


def _now_of(doc: dict[str, Any]) -> float:
    """The virtual time a stored clock says now."""
    if doc.get("frozen"):
        return float(doc["virtual"])
    return float(doc["virtual"]) + (time.time() - float(doc["real"])) * float(doc["scale"])


# write ARGV[2] where the clock is still ARGV[1] (empty: where it is gone)
_PUT_BACK = """
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


class SharedFaults(Faults):
    """The fault plan in Redis; each replica draws from its own seeded sequence of the shared plan."""

    def __init__(self, client: redis.Redis, prefix: str, plan: FaultPlan | None = None,
                 codes: Container[str] | None = None) -> None:
        super().__init__(None, codes)  # before `r` is set: Faults.__init__ configures a local empty plan
        self.r, self.key = client, f"{prefix}faults"
        self.seen: bytes | str | None = None
        if plan is not None:
            self.r.set(self.key, orjson.dumps(asdict(plan)), nx=True)
        self.load(self.r.get(self.key))

    def load(self, raw: bytes | str | None) -> None:
        """Adopt the stored plan when it changed since last seen (none stored: no faults)."""
        if raw != self.seen:
            self.seen = raw
            super().configure(FaultPlan.from_dict(orjson.loads(raw)) if raw is not None else FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        """Replace the plan on every replica."""
        if not hasattr(self, "r"):  # Faults.__init__ configures before this class has set up
            super().configure(plan)
            return
        raw = orjson.dumps(asdict(plan))
        self.r.set(self.key, raw)
        self.load(raw)


class Refresher:
    """Re-reads the shared clock and fault plan in one round trip (as each request starts), with the row of the
    task the request names, if any, so that a poll's read costs no round trip of its own, or else the scenario
    queue's length, so that a create finding it empty costs none to take from it. On the serving loop the read
    is batched with concurrent requests' (redis_batch.py): the call returns what to await."""

    def __init__(self, batch: Batcher, link: Link, clock: SharedClock, faults: SharedFaults, tasks: RedisStore,
                 scenarios: RedisScenarios) -> None:
        self.batch, self.link, self.clock, self.faults, self.tasks = batch, link, clock, faults, tasks
        self.scenarios = scenarios

    def __call__(self, task_id: str = "") -> Awaitable[None] | None:
        reads = (("MGET", self.clock.key, self.faults.key, self.tasks.key(task_id)),) if task_id else (
            ("MGET", self.clock.key, self.faults.key), ("LLEN", self.scenarios.key))
        if self.batch.here():
            return self._batched(task_id, reads)
        self._adopt(task_id, self.link.call(*reads))
        return None

    async def _batched(self, task_id: str, reads: tuple[tuple[str, ...], ...]) -> None:
        self._adopt(task_id, await self.batch.read(*reads))

    def _adopt(self, task_id: str, replies: list[Any]) -> None:
        values = replies[0]
        if task_id:
            self.tasks.prefetched(task_id, values[2])
        else:
            self.scenarios.noted(int(replies[1]))
        self.clock.load(values[0])
        self.faults.load(values[1])


class RedisGrants:
    """Issued upload policies as `grant:<request_id>` JSON, collected by TTL."""

    def __init__(self, client: redis.Redis, prefix: str, gc_ttl_s: float) -> None:
        self.r, self.p, self.gc = client, prefix, max(1, int(gc_ttl_s))

    def grant(self, request_id: str, grant: Grant, now: float) -> None:
        """Remember `grant` for every replica."""
        self.r.set(f"{self.p}grant:{request_id}", orjson.dumps(asdict(grant)), ex=self.gc)

    def grant_of(self, request_id: str) -> Grant | None:
        """The grant issued with `request_id`, or None."""
        raw = self.r.get(f"{self.p}grant:{request_id}")
        return Grant(**orjson.loads(raw)) if raw is not None else None
