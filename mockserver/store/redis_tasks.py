"""The Redis task store: tasks shared by every replica that names the same `redis://HOST:PORT/DB`.

Keys (all under one prefix): `t:<id>` the task row as JSON; `acct:<account>` a sorted set of the account's tasks
by submit time; `order` every task by submit time (expiry drops from its low end). Index members are
`<sequence>:<id>`, the sequence zero-padded, so tasks submitted at the same virtual instant (a frozen clock) keep
the order they were created in, as they do in memory. Every key carries a real-time
TTL as garbage collection only: whether a task has expired is still decided by its plan and the virtual clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
import redis

from ..domain.task import Task
from .base import TaskExists

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


def text(raw: object) -> str:
    """A Redis reply as text (redis-py types replies as a union of every reply shape)."""
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def task_id_of(member: object) -> str:
    """The task id in an index member `<sequence>:<id>`."""
    return text(member).partition(":")[2]


def connect(url: str) -> redis.Redis:
    """A client for `redis://HOST:PORT/DB` (a pool: safe to share between threads)."""
    client: redis.Redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5,
                                               health_check_interval=30)
    return client


class RedisStore:
    """Tasks in Redis; a cancel or a counted poll is one optimistic transaction (WATCH/MULTI)."""

    def __init__(self, client: redis.Redis, prefix: str = "dsm:", gc_ttl_s: float = 3 * 86400.0) -> None:
        self.r = client
        self.p = prefix
        self.gc = max(1, int(gc_ttl_s))
        self._put = client.register_script(_PUT)

    def _key(self, task_id: str) -> str:
        return f"{self.p}t:{task_id}"

    def _acct(self, account: str) -> str:
        return f"{self.p}acct:{account}"

    @staticmethod
    def _load(raw: Any) -> Task:
        return Task.from_row(orjson.loads(raw))

    def put(self, task: Task) -> None:
        """Store a new task (acknowledged only once Redis has it); TaskExists if the id is taken."""
        row = orjson.dumps(task.to_row())
        keys = [self._key(task.task_id), self._acct(task.account), f"{self.p}order", f"{self.p}seq"]
        if not self._put(keys=keys, args=[row, repr(task.submit), task.task_id, self.gc]):
            raise TaskExists(task.task_id)

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        raw = self.r.get(self._key(task_id))
        return self._load(raw) if raw is not None else None

    def update(self, task: Task) -> None:
        """Overwrite a stored task (never re-creates one that is gone)."""
        self.r.set(self._key(task.task_id), orjson.dumps(task.to_row()), xx=True, keepttl=True)

    def modify(self, task_id: str, change: Callable[[Task], None]) -> Task | None:
        """Read, change and write the task; retried when another replica wrote it in between."""
        key = self._key(task_id)
        with self.r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]
                    raw = pipe.get(key)
                    if raw is None:
                        pipe.unwatch()
                        return None
                    task = self._load(raw)
                    change(task)  # may raise (a refused cancel): the watch is dropped with the pipeline
                    pipe.multi()
                    pipe.set(key, orjson.dumps(task.to_row()), xx=True, keepttl=True)
                    pipe.execute()
                    return task
                except redis.WatchError:
                    continue

    def by_account(self, account: str, since: float, until: float) -> Iterator[Task]:
        """The account's tasks submitted in [since, until], newest first, PAGE ids per round trip."""
        key, offset = self._acct(account), 0
        while True:
            ids = self.r.zrevrangebyscore(key, until, since, start=offset, num=PAGE)
            if not ids:
                return
            offset += len(ids)
            for raw in self.r.mget([self._key(task_id_of(i)) for i in ids]):
                if raw is not None:  # gone by garbage collection
                    yield self._load(raw)
            if len(ids) < PAGE:
                return

    def accounts(self) -> list[str]:
        """Every account that has a stored task (a SCAN over the account indexes)."""
        start = len(self._acct(""))
        return [text(k)[start:] for k in self.r.scan_iter(match=self._acct("*"), count=1000)]

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
            rows = self.r.mget([self._key(i) for i in ids])
            with self.r.pipeline(transaction=False) as pipe:
                for member, task_id, raw in zip(members, ids, rows, strict=True):
                    if raw is not None:
                        pipe.zrem(self._acct(self._load(raw).account), member)
                        gone += 1
                    pipe.delete(self._key(task_id), f"{self.p}j:{task_id}")
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
                pipe.delete(self._key(task_id_of(member)))
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
        """Release the connection pool."""
        self.r.close()

    def __len__(self) -> int:
        return int(self.r.zcard(f"{self.p}order"))
