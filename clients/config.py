"""Client configuration: base URL (any region), API key, workspace, timeouts, retry and wait policies.

Arguments win; otherwise the environment variables the official SDK reads (docs/sdk-wire.md
§1): DASHSCOPE_BASE_URL, then DASHSCOPE_HTTP_BASE_URL; DASHSCOPE_API_KEY; DASHSCOPE_WORKSPACE
(sent as `X-DashScope-WorkSpace`); DASHSCOPE_REGION picks a default host when no URL is given.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit, urlunsplit

from .errors import ConfigError

REGIONS: dict[str, str] = {
    "cn-beijing": "https://dashscope.aliyuncs.com/api/v1",
    "ap-southeast-1": "https://dashscope-intl.aliyuncs.com/api/v1",
}
DEFAULT_REGION = "cn-beijing"


def normalize_base_url(url: str) -> str:
    """Strip trailing slashes; a bare host (`http://127.0.0.1:8089`) gets the `/api/v1` prefix."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"base URL {url!r} is not an http(s) URL")
    path = parts.path.rstrip("/") or "/api/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of safe requests (reads and polls) on 429, 5xx and transport errors."""

    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25  # a delay is drawn from [d * (1 - jitter), d]
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: the error is raised

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to sleep before retry number `attempt` (0-based); Retry-After is a lower bound."""
        base = min(self.max_delay, self.base_delay * (2.0 ** min(attempt, 60)))
        drawn = base * (1 - self.jitter * rng.random())
        return max(drawn, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class WaitPolicy:
    """How `wait` polls: exponential backoff with jitter, capped; an overall timeout (None: no limit)."""

    initial: float = 1.0
    factor: float = 1.6
    max_interval: float = 15.0
    jitter: float = 0.2  # an interval is drawn from [i * (1 - jitter), i]
    timeout: float | None = 3600.0
    max_poll_errors: int = 8  # consecutive failed polls (429, 5xx, transport) before giving up

    def interval(self, attempt: int) -> float:
        """The un-jittered interval after poll number `attempt` (0-based)."""
        return min(self.max_interval, self.initial * (self.factor ** min(attempt, 200)))  # no float overflow

    def min_interval(self, attempt: int) -> float:
        """The shortest interval jitter can draw after poll `attempt`: polls never come faster."""
        return self.interval(attempt) * (1 - self.jitter)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """A jittered interval after poll number `attempt`."""
        return self.interval(attempt) * (1 - self.jitter * rng.random())


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Everything a client needs; build it with `ClientConfig.resolve(...)`."""

    api_key: str = field(repr=False)
    base_url: str = REGIONS[DEFAULT_REGION]
    workspace: str | None = None
    timeout: float = 60.0  # per HTTP request
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    wait: WaitPolicy = field(default_factory=WaitPolicy)
    validate: bool = False  # check create bodies against the model's request schema before sending
    user_agent: str = "dashscope-mock-client/0.1"

    def __repr__(self) -> str:
        return (f"ClientConfig(base_url={self.base_url!r}, workspace={self.workspace!r}, api_key='sk-***', "
                f"timeout={self.timeout})")

    @classmethod
    def resolve(cls, api_key: str | None = None, base_url: str | None = None, workspace: str | None = None,
                *, region: str | None = None, env: Mapping[str, str] | None = None, **overrides: object
                ) -> ClientConfig:
        """Arguments first, then DASHSCOPE_* environment variables, then the Beijing endpoint."""
        environ = os.environ if env is None else env
        key = api_key or environ.get("DASHSCOPE_API_KEY")
        if not key:
            raise ConfigError("no API key: pass api_key= or set DASHSCOPE_API_KEY")
        url = base_url or environ.get("DASHSCOPE_BASE_URL") or environ.get("DASHSCOPE_HTTP_BASE_URL")
        if not url:
            name = region or environ.get("DASHSCOPE_REGION") or DEFAULT_REGION
            if name not in REGIONS:
                raise ConfigError(f"unknown region {name!r}: give base_url, or one of {', '.join(REGIONS)}")
            url = REGIONS[name]
        ws = workspace or environ.get("DASHSCOPE_WORKSPACE") or None
        config = cls(api_key=key, base_url=normalize_base_url(url), workspace=ws)
        return replace(config, **overrides)  # type: ignore[arg-type]
