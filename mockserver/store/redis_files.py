"""The index of uploaded files in Redis, shared by replicas: which files exist, their sizes and upload times,
and the total they hold. The bytes are not in Redis (it is not a blob store, and one value stops at its
`proto-max-bulk-len`, 512 MB by default): they are files in the directory the replicas share (domain/files.py).

Keys (under the twin's prefix): `files:time` a sorted set of object names by upload time (virtual seconds;
expiry pops its low end), `files:size` and `files:account` hashes by object name, `files:total` the bytes held,
and `files:acct:<account>` the names of one account's files (a reset of one account reads its set: an account
is never a pattern). Each change is one Lua script, so the cap holds across replicas that upload at once.
"""

from __future__ import annotations

import redis

from ..domain.files import StoreFull
from .redis_link import Link, Script
from .redis_tasks import text

# forget the names in ARGV[2..] (ARGV[1]: the prefix of the per-account sets); returns the names that were there
_DROP_BODY = """
local gone = {}
for i = first, #names do
  local name = names[i]
  local size = redis.call('HGET', KEYS[2], name)
  if size then
    redis.call('DECRBY', KEYS[4], size)
    local account = redis.call('HGET', KEYS[3], name)
    if account then redis.call('SREM', prefix .. account, name) end
    redis.call('HDEL', KEYS[2], name)
    redis.call('HDEL', KEYS[3], name)
    redis.call('ZREM', KEYS[1], name)
    gone[#gone + 1] = name
  end
end
return gone
"""

_DROP = "local prefix, names, first = ARGV[1], ARGV, 2\n" + _DROP_BODY

# count one file: ARGV = prefix, name, account, size, created, cap (-1: none); {0, total} when it does not fit
_ADMIT = """
local prefix, name, account, size, created, cap = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5],
  tonumber(ARGV[6])
local freed = tonumber(redis.call('HGET', KEYS[2], name) or '0')
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
if cap >= 0 and total - freed + size > cap then return {0, total} end
local was = redis.call('HGET', KEYS[3], name)
if was then redis.call('SREM', prefix .. was, name) end
redis.call('HSET', KEYS[2], name, size)
redis.call('HSET', KEYS[3], name, account)
redis.call('ZADD', KEYS[1], created, name)
redis.call('SADD', prefix .. account, name)
redis.call('INCRBY', KEYS[4], size - freed)
return {1, total - freed + size}
"""

# pop up to ARGV[3] names uploaded before ARGV[2]
_EXPIRED = ("local prefix, first = ARGV[1], 1\n"
            "local names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, ARGV[3])\n"
            + _DROP_BODY)

# pop every name of the account whose set is KEYS[5]
_OF_ACCOUNT = ("local prefix, first = ARGV[1], 1\n"
               "local names = redis.call('SMEMBERS', KEYS[5])\n" + _DROP_BODY)

_BATCH = 500  # names popped per round trip by expiry


class RedisFileIndex:
    """The file index of every replica on one Redis."""

    def __init__(self, client: redis.Redis, prefix: str, link: Link | None = None) -> None:
        self.r, self.p = client, prefix
        self.link = link or Link(client)
        self.keys = [f"{prefix}files:time", f"{prefix}files:size", f"{prefix}files:account", f"{prefix}files:total"]
        self.acct = f"{prefix}files:acct:"
        self._admit, self._drop = Script(_ADMIT), Script(_DROP)
        self._expired, self._of_account = Script(_EXPIRED), Script(_OF_ACCOUNT)

    def admit(self, name: str, account: str, size: int, created: float, cap: int | None) -> None:
        """Count a file for every replica; StoreFull when the shared total would pass `cap`."""
        done = self.link.script(self._admit, self.keys, [self.acct, name, account, size, repr(created),
                                                         -1 if cap is None else cap])
        if not int(done[0]):
            raise StoreFull(int(done[1]), cap or 0)

    def drop(self, names: list[str]) -> None:
        """Forget these entries."""
        if names:
            self.link.script(self._drop, self.keys, [self.acct, *names])

    def expired(self, before: float) -> list[str]:
        """Pop the entries uploaded before `before`, a batch per round trip."""
        gone: list[str] = []
        while True:
            batch = [text(n) for n in self.link.script(self._expired, self.keys, [self.acct, repr(before), _BATCH])]
            gone.extend(batch)
            if len(batch) < _BATCH:
                return gone

    def of_account(self, account: str | None) -> list[str]:
        """Forget and return one account's entries, or everyone's."""
        if account is not None:
            return [text(n) for n in self.link.script(self._of_account, [*self.keys, self.acct + account],
                                                      [self.acct])]
        names = [text(n) for n in self.r.hkeys(self.keys[1])]
        stale = list(self.r.scan_iter(match=f"{self.acct}*", count=1000))  # our prefix only, no user data
        for i in range(0, len(stale), 1000):
            self.r.delete(*stale[i:i + 1000])
        self.r.delete(*self.keys)
        return names

    def total(self) -> int:
        """Bytes held by every replica's files."""
        return int(self.r.get(self.keys[3]) or 0)

    def __len__(self) -> int:
        return int(self.r.hlen(self.keys[1]))
