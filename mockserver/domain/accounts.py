"""API keys -> accounts. By default any `sk-` key is its own account; a keys file maps the rest.

Keys file (YAML or JSON):

    accounts:
      team-a:
        region: cn-beijing          # shown in the task list
        state: active               # active | arrears | free_tier_exhausted
        keys: [sk-team-a-1, sk-team-a-2]
    blocked_keys: [sk-revoked]
    only_listed: false              # true: keys not listed answer 401 Invalid API-key provided.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spec.catalog import DashScopeError, ErrorCatalog

STATES = ("active", "arrears", "free_tier_exhausted", "blocked")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the account the key belongs to, the key's id, and the region."""

    account: str
    key_id: str
    api_key: str
    region: str


def key_id(api_key: str) -> str:
    """A stable, non-secret id for a key (the list API's `api_key_id`)."""
    return str(int(hashlib.sha256(api_key.encode()).hexdigest()[:8], 16) % 100000)


_HINTS: dict[str, str] = {}  # default account -> its key, masked (for people: the board); bounded like the cache
_HINTS_MAX = 65536


def masked(api_key: str) -> str:
    """A key as people may see it: its prefix and at most its last 4 characters (a third of it for short keys)."""
    prefix = "sk-" if api_key.startswith("sk-") else ""
    shown = min(4, (len(api_key) - len(prefix)) // 3)
    return f"{prefix}…{api_key[len(api_key) - shown:] if shown else ''}"


@functools.lru_cache(maxsize=65536)
def _default_caller(token: str) -> Caller:
    """A key nobody listed is its own account (hashing it on every poll would be wasted work)."""
    account = "acct-" + hashlib.sha256(token.encode()).hexdigest()[:16]
    if len(_HINTS) >= _HINTS_MAX:
        _HINTS.clear()
    _HINTS[account] = masked(token)
    return Caller(account, key_id(token), token, "cn-beijing")


class KeyBook:
    """Authenticate `Authorization` headers and check account states, in the real order."""

    def __init__(self, catalog: ErrorCatalog, data: dict[str, Any] | None = None) -> None:
        self.catalog = catalog
        self._keys: dict[str, tuple[str, str, str]] = {}  # key -> (account, region, state)
        self._blocked: set[str] = set()
        self._known: frozenset[str] = frozenset()
        self.only_listed = False
        if data:
            self.load(data)

    @classmethod
    def from_file(cls, catalog: ErrorCatalog, path: Path | None) -> KeyBook:
        """A key book from a YAML/JSON keys file, or the default book when `path` is None."""
        if path is None:
            return cls(catalog)
        import yaml  # only a keys file needs it

        return cls(catalog, yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})

    def load(self, data: dict[str, Any]) -> None:
        """Add the accounts and blocked keys of a keys-file document (a malformed one is a ValueError, and
        changes nothing)."""
        accounts, blocked = data.get("accounts") or {}, data.get("blocked_keys") or []
        if not isinstance(accounts, dict) or not all(isinstance(a, dict) for a in accounts.values()):
            raise ValueError("accounts must map account names to {region, state, keys}")
        if not isinstance(blocked, list) or not all(isinstance(a.get("keys", []), list) for a in accounts.values()):
            raise ValueError("keys and blocked_keys must be lists")
        for acc in accounts.values():
            if str(acc.get("state", "active")) not in STATES:
                raise ValueError(f"an account state is one of {', '.join(STATES)}")
        for name, acc in accounts.items():
            for k in acc.get("keys", []):
                self._keys[str(k)] = (str(name), str(acc.get("region", "cn-beijing")), str(acc.get("state", "active")))
        self._blocked.update(str(k) for k in blocked)
        self.only_listed = bool(data.get("only_listed", self.only_listed))
        self._known = frozenset(self._keys) | frozenset(self._blocked)

    @property
    def known(self) -> frozenset[str]:
        """Every key this book names (listed and blocked): secrets the logs must never show."""
        return self._known

    def set_state(self, account: str, state: str) -> None:
        """Change an account's state (admin API); an unknown state is a ValueError."""
        if state not in STATES:
            raise ValueError(f"an account state is one of {', '.join(STATES)}")
        for k, (acc, region, _) in list(self._keys.items()):
            if acc == account:
                self._keys[k] = (acc, region, state)

    def authenticate(self, authorization: str | None) -> Caller:
        """The caller behind an `Authorization: Bearer` header, or the documented 401/400/403."""
        if not authorization or not authorization.strip():
            raise self.catalog.error("InvalidApiKey", self.catalog.message("InvalidApiKey", "No API-key"))
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else authorization.strip()
        if not token:
            raise self.catalog.error("InvalidApiKey", self.catalog.message("InvalidApiKey", "No API-key"))
        if token in self._blocked:
            raise self.catalog.error("InvalidApiKey", self.catalog.message("InvalidApiKey", "blocked"))
        listed = self._keys.get(token)
        if listed is None and (self.only_listed or not token.startswith("sk-") or len(token) < 4):
            raise self.catalog.error("InvalidApiKey", self.catalog.message("InvalidApiKey", "Invalid API-key"))
        if listed is None:
            return _default_caller(token)
        account, region, state = listed
        self._check_state(state)
        return Caller(account, key_id(token), token, region)

    def _check_state(self, state: str) -> None:
        if state == "arrears":
            raise self.catalog.error("Arrearage")
        if state == "free_tier_exhausted":
            raise self.catalog.error("AllocationQuota.FreeTierOnly")
        if state == "blocked":
            raise self.catalog.error("InvalidApiKey", self.catalog.message("InvalidApiKey", "blocked"))

    def label(self, account: str) -> str | None:
        """The masked key behind a default (`acct-…`) account, when this process has seen it called; None for a
        named account (its name says who it is) or a key not seen since start."""
        return _HINTS.get(account)

    def account_of(self, api_key: str) -> str | None:
        """The account a key maps to (None when it would be rejected)."""
        try:
            return self.authenticate(f"Bearer {api_key}").account
        except DashScopeError:
            return None
