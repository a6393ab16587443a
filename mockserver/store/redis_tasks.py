"""The Redis task store: tasks shared by every replica that names the same `redis://HOST:PORT/DB`.

A GET of a task reads its row in the same round trip as the request's refresh of the clock and fault plan
(redis_shared.Refresher): the row is handed to this store for that request only (a context variable, so
interleaved requests each see their own) and used once. A counted poll or a cancel writes with a compare-and-set
script against the row last read, so it costs one round trip and no other replica's write can land in between.

Keys (all under one prefix): `t:<id>` the task row as JSON; `acct:<account>` a sorted set of the account's tasks
by submit time; `order` every task by submit time (expiry drops from its low end). Index members are
`<sequence>:<id>`, the sequence zero-padded, so tasks submitted at the same virtual instant (a frozen clock) keep
the order they were created in, as they do in memory. Every key carries a real-time
TTL as garbage collection only: whether a task has expired is still decided by its plan and the virtual clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import orjson
import redis

from ..domain.task import Task
from .base import TaskExists
from .redis_batch import Batcher
from .redis_errors import parser_class
from .redis_link import Link, Script

PAGE = 200  # ids read per round trip when walking an account's tasks

# insert-only: the row and both index entries, or nothing when the id is taken
_PUT = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[4]) then
  local member = string.format('%016d:', redis.call('INCR', KEYS[4])) .. ARGV[3]
  redis.call('ZADD', KEYS[2], ARGV[2], member)
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[2], member)
  return 1
end
return 0
"""

# compare-and-set: write ARGV[2] only if the row is still ARGV[1]; else hand back the row as it is now
_CAS = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'XX', 'KEEPTTL')
  return {1}
end
return {0, current}
"""

# (store, task id, row or None, unused): the row this request read last; `unused` while a prefetch is to serve
_SEEN: ContextVar[tuple[object, str, bytes | None, bool] | None] = ContextVar("dsm_redis_seen", default=None)
_UNREAD = object()


def text(raw: object) -> str:
    """A Redis reply as text (redis-py types replies as a union of every reply shape)."""
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def task_id_of(member: object) -> str:
    """The task id in an index member `<sequence>:<id>`."""
    return text(member).partition(":")[2]


def connect(url: str) -> redis.Redis:
    """A client for `redis://HOST:PORT/DB` (a pool: safe to share between threads) whose outage replies are
    connection errors (redis_errors.py)."""
    client: redis.Redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5,
                                               health_check_interval=30, parser_class=parser_class())
    return client


class RedisStore:
    """Tasks in Redis; a cancel or a counted poll is one compare-and-set script against the row it was decided on."""

    def __init__(self, client: redis.Redis, prefix: str = "dsm:", gc_ttl_s: float = 3 * 86400.0,
                 link: Link | None = None, batch: Batcher | None = None) -> None:
        self.r = client
        self.p = prefix
        self.gc = max(1, int(gc_ttl_s))
        self.link = link or Link(client)
        self.batch = batch  # the batched connection the refresh and journal use: closed with the store
        self._put, self._cas = Script(_PUT), Script(_CAS)

    def key(self, task_id: str) -> str:
        """The Redis key of a task's row (the refresh reads it with the clock)."""
        return f"{self.p}t:{task_id}"

    def prefetched(self, task_id: str, raw: bytes | None) -> None:
        """The row of `task_id` as the current request's refresh read it (None: no such task)."""
        _SEEN.set((self, task_id, raw, True))

    def _acct(self, account: str) -> str:
        return f"{self.p}acct:{account}"

    @staticmethod
    def _load(raw: Any) -> Task:
        return Task.from_row(orjson.loads(raw))

    def put(self, task: Task) -> None:
        """Store a new task (acknowledged only once Redis has it); TaskExists if the id is taken."""
        row = orjson.dumps(task.to_row())
        keys = [self.key(task.task_id), self._acct(task.account), f"{self.p}order", f"{self.p}seq"]
        if not self.link.script(self._put, keys, [row, repr(task.submit), task.task_id, self.gc]):
            raise TaskExists(task.task_id)

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None (the request's prefetched row the first time, else a read)."""
        seen = _SEEN.get()
        if seen is not None and seen[3] and seen[0] is self and seen[1] == task_id:
            raw = seen[2]
        else:
            raw = self.link.call(("GET", self.key(task_id)))[0]
        _SEEN.set((self, task_id, raw, False))  # a first guess for a `modify` that follows (checked by its script)
        return self._load(raw) if raw is not None else None

    def update(self, task: Task) -> None:
        """Overwrite a stored task (never re-creates one that is gone)."""
        self.link.call(("SET", self.key(task.task_id), orjson.dumps(task.to_row()), "XX", "KEEPTTL"))
        _SEEN.set(None)

    def modify(self, task_id: str, change: Callable[[Task], None]) -> Task | None:
        """Change the task and write it only if it is still the row the change saw (compare-and-set), else
        again on the row as it is now. The first try starts from the row this request last read, if any."""
        key = self.key(task_id)
        seen = _SEEN.get()
        raw: Any = seen[2] if seen is not None and seen[0] is self and seen[1] == task_id else _UNREAD
        guess = raw is not _UNREAD
        while True:
            if raw is _UNREAD:
                raw, guess = self.link.call(("GET", key))[0], False
            if raw is None:
                if guess:  # a guess that the task is gone: make sure
                    raw = _UNREAD
                    continue
                return None
            task = self._load(raw)
            try:
                change(task)
            except Exception:
                if guess:  # a refusal decided on a guess: decide again on the stored row
                    raw = _UNREAD
                    continue
                raise
            new = orjson.dumps(task.to_row())
            done = self.link.script(self._cas, [key], [raw, new])
            if done[0]:
                _SEEN.set((self, task_id, new, False))
                return task
            raw, guess = (done[1] if len(done) > 1 else None), False  # another write landed first

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first, PAGE ids per round trip."""
        key, offset = self._acct(account), 0
        while True:
            ids = self.r.zrevrangebyscore(key, until, since, start=offset, num=PAGE)
            if not ids:
                return
            offset += len(ids)
            for raw in self.r.mget([self.key(task_id_of(i)) for i in ids]):
                if raw is not None:  # gone by garbage collection
                    yield self._load(raw)
            if len(ids) < PAGE:
                return

    def accounts(self) -> list[str]:
        """Every account that has a stored task (a SCAN over the account indexes)."""
        start = len(self._acct(""))
        return [text(k)[start:] for k in self.r.scan_iter(match=self._acct("*"), count=1000)]

    def newest(self, offset: int, limit: int) -> list[Task]:
        """Every account's tasks, newest first: a range of the `order` index (O(log n + limit)) and one MGET."""
        if limit <= 0:
            return []
        members = self.r.zrevrange(f"{self.p}order", offset, offset + limit - 1)
        if not members:
            return []
        return [self._load(raw) for raw in self.r.mget([self.key(task_id_of(m)) for m in members]) if raw is not None]

    def count_by_account(self, account: str, since: float, until: float) -> int:
        """How many of the account's tasks were submitted in [since, until] (ZCOUNT: O(log n))."""
        return int(self.r.zcount(self._acct(account), since, until))

    def expire(self, before: float) -> int:
        """Drop tasks submitted before `before`, oldest first, a batch per round trip."""
        gone = 0
        order = f"{self.p}order"
        while True:
            members = [text(m) for m in self.r.zrangebyscore(order, "-inf", f"({before!r}", start=0, num=500)]
            if not members:
                return gone
            ids = [task_id_of(m) for m in members]
            rows = self.r.mget([self.key(i) for i in ids])
            with self.r.pipeline(transaction=False) as pipe:
                for member, task_id, raw in zip(members, ids, rows, strict=True):
                    if raw is not None:
                        pipe.zrem(self._acct(self._load(raw).account), member)
                        gone += 1
                    pipe.delete(self.key(task_id), f"{self.p}j:{task_id}")
                pipe.zrem(order, *members)
                pipe.execute()

    def _scan_delete(self, pattern: str) -> None:
        batch: list[bytes] = []
        for key in self.r.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                self.r.delete(*batch)
                batch.clear()
        if batch:
            self.r.delete(*batch)

    def reset(self, account: str | None = None) -> None:
        """Forget every task, or one account's."""
        if account is None:
            self._scan_delete(f"{self.p}t:*")
            self._scan_delete(f"{self.p}acct:*")
            self.r.delete(f"{self.p}order")
            return
        members = [text(m) for m in self.r.zrange(self._acct(account), 0, -1)]
        with self.r.pipeline(transaction=False) as pipe:
            for member in members:
                pipe.delete(self.key(task_id_of(member)))
            if members:
                pipe.zrem(f"{self.p}order", *members)
            pipe.delete(self._acct(account))
            pipe.execute()

    def meta_get(self, name: str) -> str | None:
        """A small shared value, or None."""
        raw = self.r.hget(f"{self.p}meta", name)
        return text(raw) if raw is not None else None

    def meta_set(self, name: str, value: str) -> None:
        """Share a small named value."""
        self.r.hset(f"{self.p}meta", name, value)

    def meta_setdefault(self, name: str, value: str) -> str:
        """The value under `name`; the first caller's `value` wins a race (HSETNX)."""
        self.r.hsetnx(f"{self.p}meta", name, value)
        return self.meta_get(name) or value

    def close(self) -> None:
        """Release the hot path's connections and the connection pool."""
        if self.batch is not None:
            self.batch.close()
        self.link.close()
        self.r.close()

    def __len__(self) -> int:
        return int(self.r.zcard(f"{self.p}order"))
