"""Stores: the TaskStore protocol, an in-memory store (default), a SQLite store and a Redis store; and
`open_state`, the one place a store URL picks the backends of every shared part of a twin."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass

from ..domain.backends import (
    JournalBackend,
    LaneBackend,
    MarkBackend,
    RateBackend,
    ScenarioBackend,
    SecretBackend,
)
from ..domain.clock import VirtualClock
from ..domain.downloads import DownloadMarks
from ..domain.faults import FaultPlan, Faults
from ..domain.files import DiskFiles, FileIndex, scratch_dir
from ..domain.journal import Journal
from ..domain.lanes import Lanes, RateWindows
from ..domain.scenarios import ScenarioQueue
from ..domain.uploads import FileBackend, GrantBackend, MemoryGrants, storage_root
from ..settings import Settings
from .base import StoreUnavailable, TaskExists, TaskStore
from .memory import MemoryStore
from .sqlite import SqliteStore

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
log = logging.getLogger("dashscope_mock")


def is_shared(spec: str) -> bool:
    """Whether the store is shared between processes (so several workers or replicas may serve it)."""
    return spec.startswith(REDIS_SCHEMES)


def open_store(spec: str) -> TaskStore:
    """Open a task store from its CLI form: `memory`, `sqlite:PATH` or `redis://HOST:PORT/DB`."""
    if spec == "memory":
        return MemoryStore()
    if spec.startswith("sqlite:"):
        return SqliteStore(spec.removeprefix("sqlite:"))
    if is_shared(spec):
        from .redis_tasks import RedisStore, connect

        return RedisStore(connect(spec))
    raise ValueError(f"unknown store {spec!r}: use memory, sqlite:PATH or redis://HOST:PORT/DB")


class StoreSecrets:
    """Signing secrets: derived from a configured secret (`--secret-file`; the same for every replica whatever
    happens to the store), else kept in the task store's meta values: made on first use, the same after a
    restart, and on a shared store the same for every replica (the first one to start picks them)."""

    def __init__(self, store: TaskStore, configured: str | None = None) -> None:
        self.store, self.configured = store, configured
        self.held: dict[str, str] = {}  # what this process signs with, by name (hex)

    def secret(self, name: str, make: Callable[[], bytes]) -> bytes:
        """The secret `name`, made by `make()` and persisted the first time (or derived from the configured one)."""
        if self.configured is not None:
            return hmac.new(self.configured.encode(), name.encode(), hashlib.sha256).digest()
        value = self.store.meta_setdefault(name, make().hex())
        self.held[name] = value
        return bytes.fromhex(value)

    def reseed(self) -> None:
        """After the shared store lost its data: store this process's secrets again where none are (the first
        replica to notice wins), and say so loudly where another replica's differ (its URLs and uploads then
        fail here, and this one's there, until the replicas restart or share a configured secret)."""
        differ = [name for name, value in self.held.items() if self.store.meta_setdefault(name, value) != value]
        if differ:
            log.error("Redis lost the twin's state and a replica started since signs with new secrets (%s): URLs "
                      "and uploads signed by one replica fail on another; restart the replicas, or give them one "
                      "--secret-file to keep signatures across a loss of Redis's data", ", ".join(sorted(differ)))


def no_refresh(task_id: str = "") -> None:
    """One process holds the only copy: nothing to re-read."""


def no_settle() -> None:
    """One process holds the only copy: every write is in place when it returns."""


@dataclass(frozen=True, slots=True)
class Backends:
    """Where each shared part of a twin lives, for one store URL."""

    tasks: TaskStore
    clock: VirtualClock
    faults: Faults
    journal: JournalBackend
    lanes: LaneBackend
    rates: RateBackend
    scenarios: ScenarioBackend
    marks: MarkBackend
    files: FileBackend
    grants: GrantBackend
    secrets: SecretBackend
    # re-read shared state that replicas cache, as each request starts; with the id of the task the request
    # names, if any (a shared store reads its row in the same round trip; any other string is only a miss)
    refresh: Callable[[str], Awaitable[None] | None]  # an awaitable when the read is batched on the event loop
    # what the current request awaits before it is answered: the acknowledgement of writes it queued, if any
    settle: Callable[[], Awaitable[None] | None]
    # what the store raises when it cannot be reached (answered 503, never a bare 500)
    outages: tuple[type[Exception], ...] = (StoreUnavailable,)


def open_state(settings: Settings, codes: Container[str] = frozenset(),
               models: Container[str] = frozenset()) -> Backends:
    """The backends for `settings.store`: in-process objects for memory and SQLite, Redis for redis://.

    `codes` and `models` are what fault plans and scenarios may name (the catalogue's codes, the spec's models).
    """
    plan = FaultPlan.from_dict(settings.faults) if settings.faults else None
    if not is_shared(settings.store):
        store = open_store(settings.store)
        # a persistent store keeps the clock: after a restart time goes on from where it was, never back
        clock = VirtualClock.resume(store.meta_get("clock"), settings.time_scale, settings.start_time,
                                    settings.frozen, persist=lambda doc: store.meta_set("clock", doc))
        return Backends(
            tasks=store, clock=clock,
            faults=Faults(plan, codes), journal=Journal(), lanes=Lanes(), rates=RateWindows(),
            scenarios=ScenarioQueue(codes, models),
            marks=DownloadMarks(), files=local_files(settings), grants=MemoryGrants(),
            secrets=StoreSecrets(store, settings.secret), refresh=no_refresh, settle=no_settle,
        )
    import redis

    from .redis_batch import Batcher
    from .redis_files import RedisFileIndex
    from .redis_link import Link
    from .redis_shared import RedisGrants, Refresher, SharedClock, SharedFaults
    from .redis_state import RedisJournal, RedisLanes, RedisMarks, RedisRates, RedisScenarios
    from .redis_tasks import RedisStore, connect

    client, prefix = connect(settings.store), "dsm:"
    try:
        client.ping()
    except redis.RedisError as err:  # say so once, before anything is built on it
        client.close()
        raise StoreUnavailable(f"cannot use Redis: {err}") from err
    link = Link(client)  # the hot path's blocking connection, shared by the parts a request touches
    batch = Batcher(settings.store)  # and its batched one on the serving event loop
    # garbage collection only (real seconds): generous, since virtual time may run slower than real time
    gc = 2 * max(settings.task_ttl_s, settings.upload_ttl_s, settings.url_ttl_s)
    tasks = RedisStore(client, prefix, gc, link, batch)
    shared_secrets = StoreSecrets(tasks, settings.secret)
    files = shared_files(settings, RedisFileIndex(client, prefix, link))

    def lost() -> None:  # Redis lost its data: what this replica knows goes back in
        shared_secrets.reseed()
        files.recount()

    clock = SharedClock(client, prefix, settings.time_scale, settings.start_time, settings.frozen, on_lost=lost)
    faults = SharedFaults(client, prefix, plan, codes)
    scenarios = RedisScenarios(client, prefix, codes, models, link)
    return Backends(
        tasks=tasks, clock=clock, faults=faults, journal=RedisJournal(client, prefix, gc, link, batch),
        lanes=RedisLanes(client, prefix, gc, link), rates=RedisRates(client, prefix, link),
        scenarios=scenarios, marks=RedisMarks(client, prefix),
        files=files, grants=RedisGrants(client, prefix, gc),
        secrets=shared_secrets, refresh=Refresher(batch, link, clock, faults, tasks, scenarios),
        settle=batch.settled,
        outages=(StoreUnavailable, redis.ConnectionError, redis.TimeoutError),
    )


def _cap(settings: Settings) -> int:
    return settings.upload_cap_mb * 1024 * 1024


def local_files(settings: Settings) -> DiskFiles:
    """Uploaded files of one process: under the data dir (kept across a restart), else in a scratch directory
    the twin owns and removes at exit."""
    root = storage_root(settings)
    if root is None:
        return DiskFiles(scratch_dir(), cap_bytes=_cap(settings), owned=True)
    return DiskFiles(root, cap_bytes=_cap(settings))


def shared_files(settings: Settings, index: FileIndex) -> DiskFiles:
    """Uploaded files of replicas: bytes in the data dir they share (by default a private directory of this user
    named after the store URL, which replicas on one host share), counted in the shared `index`."""
    root = storage_root(settings) or scratch_dir(tag=settings.store)
    return DiskFiles(root, index, cap_bytes=_cap(settings))


def new_secret() -> bytes:
    """32 random bytes."""
    return secrets.token_bytes(32)


__all__ = ["Backends", "MemoryStore", "SqliteStore", "StoreUnavailable", "TaskExists", "TaskStore", "is_shared",
           "no_refresh", "no_settle", "open_state", "open_store"]
