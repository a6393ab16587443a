"""Redis backends for the parts of a twin that replicas must agree on (besides tasks, redis_tasks.py):
poll journals, concurrency lanes, rate windows, the scenario queue, download marks and secrets.

Where two replicas could race, one Lua script does the read and the write together: a lane slot, a rate
window, a scenario use. Keys carry a real-time TTL as garbage collection only.
"""

from __future__ import annotations

import itertools
import os
import secrets
import time
from collections.abc import Container
from contextvars import ContextVar

import orjson
import redis

from ..domain.journal import Poll
from ..domain.scenarios import CheckedScenarios, QueuedScenario, Scenario, parse
from .redis_batch import Batcher
from .redis_link import Link, Script
from .redis_tasks import text

_PER_TASK = 500  # polls remembered per task, as in memory

# a lane: a sorted set of the times its slots come free; take the earliest when full, push start + run; the
# account's set of lane keys (KEYS[3]) lets a reset of one account find its lanes by name, never by a pattern
_LANE = """
local limit, ready, run = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local start = ready
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZPOPMIN', KEYS[1])
  if tonumber(first[2]) > start then start = tonumber(first[2]) end
end
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], string.format('%.17g', start + run), n)
while redis.call('ZCARD', KEYS[1]) > limit do redis.call('ZPOPMIN', KEYS[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[3], KEYS[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return string.format('%.17g', start)
"""

# a sliding one-second window on the Redis server's clock (one clock for every replica)
_RATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 1000000)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], 2000)
return 1
"""

# take one use of the first queued scenario that matches (model, api_key); the list holds JSON items
_TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  local item = cjson.decode(raw)
  local model_ok = item.model == cjson.null or item.model == ARGV[1]
  local key_ok = item.api_key == cjson.null or item.api_key == ARGV[2]
  if model_ok and key_ok then
    item.times = item.times - 1
    if item.times <= 0 then
      redis.call('LSET', KEYS[1], i - 1, '__taken__')
      redis.call('LREM', KEYS[1], 1, '__taken__')
    else
      redis.call('LSET', KEYS[1], i - 1, cjson.encode(item))
    end
    return item.scenario
  end
end
return false
"""


_ORIGIN = f"{os.getpid()}.{secrets.token_hex(4)}"  # unique across replicas, even on different hosts
_COUNTER = itertools.count()  # one per process: two twins in one process must not reuse a member


def _member() -> str:
    """A window entry no other request of any replica uses (a repeated member would replace, not add)."""
    return f"{_ORIGIN}:{next(_COUNTER)}"


class RedisJournal:
    """Polls per task as a capped list `j:<id>` of [virtual, real, status, fault]."""

    def __init__(self, client: redis.Redis, prefix: str, gc_ttl_s: float, link: Link | None = None,
                 batch: Batcher | None = None) -> None:
        self.r, self.p, self.gc = client, prefix, max(1, int(gc_ttl_s))
        self.link = link or Link(client)
        self.batch = batch

    def record(self, task_id: str, at: float, status: str, fault: str | None = None) -> None:
        """Note one poll of `task_id`, acknowledged before the poll is answered: on the serving loop with the
        writes of concurrent polls (the request waits for `Batcher.settled`), elsewhere by a round trip."""
        key = f"{self.p}j:{task_id}"
        entry = (("RPUSH", key, orjson.dumps([at, time.time(), status, fault])), ("LTRIM", key, -_PER_TASK, -1),
                 ("EXPIRE", key, self.gc))
        if self.batch is not None and self.batch.here():
            self.batch.post(*entry)
        else:
            self.link.call(*entry)

    def polls(self, task_id: str) -> list[Poll]:
        """Every remembered poll of `task_id`, oldest first."""
        raws = self.link.call(("LRANGE", f"{self.p}j:{task_id}", 0, -1))[0]
        return [Poll(*orjson.loads(raw)) for raw in raws]

    def __contains__(self, task_id: object) -> bool:
        return isinstance(task_id, str) and bool(self.link.call(("EXISTS", f"{self.p}j:{task_id}"))[0])

    def expire(self, before: float) -> None:
        """Journals go with their tasks (RedisStore.expire) or by TTL: nothing to scan here."""

    def forget(self, task_ids: set[str] | None = None) -> None:
        """Forget every journal, or those of `task_ids`."""
        if task_ids is None:
            keys = list(self.r.scan_iter(match=f"{self.p}j:*", count=1000))
        else:
            keys = [f"{self.p}j:{t}".encode() for t in task_ids]
        for i in range(0, len(keys), 1000):
            self.r.delete(*keys[i:i + 1000])


class RedisLanes:
    """Concurrency lanes as sorted sets of slot free times, reserved by one Lua script; each account's lane keys
    are listed in a set `lanes:<account>`, so that resetting an account named `*` resets only that account."""

    def __init__(self, client: redis.Redis, prefix: str, gc_ttl_s: float, link: Link | None = None) -> None:
        self.r, self.p, self.gc = client, prefix, max(1, int(gc_ttl_s))
        self.link = link or Link(client)
        self._script = Script(_LANE)

    def schedule(self, key: tuple[str, str], limit: int, ready: float, run: float) -> float:
        """Reserve a slot atomically across replicas; return when the task starts running."""
        account, model = key
        lane = f"{self.p}lane:{account}\x00{model}"
        raw = self.link.script(self._script, [lane, lane + ":n", f"{self.p}lanes:{account}"],
                               [limit, repr(ready), repr(run), self.gc])
        return float(raw)

    def reset(self, account: str | None = None) -> None:
        """Forget every lane, or one account's (found by its exact name: an account is never a pattern)."""
        if account is None:
            keys = [*self.r.scan_iter(match=f"{self.p}lane:*", count=1000),
                    *self.r.scan_iter(match=f"{self.p}lanes:*", count=1000)]
        else:
            listed = f"{self.p}lanes:{account}"
            lanes = [text(k) for k in self.r.smembers(listed)]
            keys = [listed, *lanes, *(lane + ":n" for lane in lanes)]
        for i in range(0, len(keys), 1000):
            self.r.delete(*keys[i:i + 1000])


class RedisRates:
    """Sliding one-second windows, counted by one Lua script on the Redis server's clock."""

    def __init__(self, client: redis.Redis, prefix: str, link: Link | None = None) -> None:
        self.r, self.p = client, prefix
        self.link = link or Link(client)
        self._script = Script(_RATE)

    def allow(self, key: tuple[str, ...], per_second: float) -> bool:
        """Count a request against `key` for every replica; False when it is over `per_second`."""
        name = f"{self.p}rate:" + "\x00".join(key)
        return bool(self.link.script(self._script, [name], [per_second, _member()]))

    def reset(self) -> None:
        """Forget every window."""
        keys = list(self.r.scan_iter(match=f"{self.p}rate:*", count=1000))
        if keys:
            self.r.delete(*keys)


# (queue, its length) as the current request's refresh read it: a create that found it empty skips the take
_QUEUED: ContextVar[tuple[object, int] | None] = ContextVar("dsm_redis_queued", default=None)


class RedisScenarios(CheckedScenarios):
    """The scenario queue as a Redis list; a use is taken by one create only (one Lua script). A create whose
    request found the queue empty as it started takes nothing and costs no round trip: a scenario queued after
    that is the next create's (the same as if it had been queued a moment later)."""

    def __init__(self, client: redis.Redis, prefix: str, codes: Container[str], models: Container[str],
                 link: Link | None = None) -> None:
        self.r, self.key = client, f"{prefix}scenarios"
        self.link = link or Link(client)
        self._take = Script(_TAKE)
        self.codes, self.models = codes, models

    def add(self, scenario: Scenario, model: str | None, api_key: str | None, times: int) -> QueuedScenario:
        """Queue a checked scenario for every replica; `times` creates will take it."""
        self.check(scenario, model)
        item = QueuedScenario(scenario, model, api_key, max(1, times), int(self.r.incr(self.key + ":n")))
        self.r.rpush(self.key, orjson.dumps({"id": item.id, "scenario": scenario.text, "model": model,
                                             "api_key": api_key, "times": item.times}))
        return item

    def noted(self, length: int) -> None:
        """The queue's length as the current request's refresh read it."""
        _QUEUED.set((self, length))

    def take(self, model: str, api_key: str) -> Scenario | None:
        """Pop (one use of) the first matching scenario, atomically across replicas."""
        seen = _QUEUED.get()
        if seen is not None and seen[0] is self:
            _QUEUED.set(None)  # once: a second take in the same request asks Redis
            if seen[1] == 0:
                return None
        taken = self.link.script(self._take, [self.key], [model, api_key])
        return parse(text(taken)) if taken else None

    def listed(self) -> list[QueuedScenario]:
        """The queue, first first."""
        items = []
        for raw in self.r.lrange(self.key, 0, -1):
            d = orjson.loads(raw)
            items.append(QueuedScenario(parse(d["scenario"]), d["model"], d["api_key"], int(d["times"]), d["id"]))
        return items

    def remove(self, item_id: int) -> bool:
        """Drop one queued scenario by id; False when there is none (or a create took its last use first)."""
        for raw in self.r.lrange(self.key, 0, -1):
            if orjson.loads(raw)["id"] == item_id:
                return bool(self.r.lrem(self.key, 1, text(raw)))
        return False

    def clear(self) -> None:
        """Drop every queued scenario."""
        self.r.delete(self.key)


class RedisMarks:
    """Undownloadable input URLs as a Redis set."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.r, self.key = client, f"{prefix}undownloadable"

    def add(self, url: str) -> None:
        """Make downloads of `url` fail on every replica."""
        self.r.sadd(self.key, url)

    def clear(self) -> None:
        """Forget every mark."""
        self.r.delete(self.key)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and bool(self.r.sismember(self.key, url))

    def listed(self) -> list[str]:
        """Every marked URL, sorted."""
        return sorted(text(u) for u in self.r.smembers(self.key))
