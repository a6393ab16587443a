"""Endpoints the suite talks to: the target (in-process mock, a URL, or a replay of snapshots) and the
reference mock it is compared with."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from mockserver import MockServer, Settings, create_app
from mockserver.testing import MockTransport

from .replay import REPLAY_BASE_PATH, REPLAY_HOST, ReplayTransport

API_PREFIX = "/api/v1"


class TargetError(Exception):
    """The target option cannot be used (bad URL, no key)."""


def mock_settings() -> Settings:
    """The faithful profile on a frozen clock: documented behaviour, time moves only when the suite says."""
    return Settings.for_profile("faithful", frozen=True, log_requests=False)


@dataclass
class Endpoint:
    """One side of a comparison: where to send, with which key, and how to make time pass."""

    role: str  # "target" | "reference"
    kind: str  # "mock" (in-process) | "url" | "replay" | "reference"
    label: str
    base_url: str  # ends with /api/v1
    client: httpx.Client
    api_key: str | None = None  # one key for every check (a real account); None: a key per check
    admin_root: str | None = None  # where /__mock/* answers, when the endpoint is a mock
    sleep: Callable[[float], None] = time.sleep
    replay: ReplayTransport | None = None  # set in replay mode: selects each check's snapshot
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def is_mock(self) -> bool:
        """Whether the suite can move this endpoint's clock instead of waiting."""
        return self.admin_root is not None

    def key_for(self, check: str) -> str:
        """The API key a check uses: the account's key, or (on a mock) a key, so an account, per check."""
        if self.api_key is not None:
            return self.api_key
        return "sk-contract-" + hashlib.sha256(check.encode()).hexdigest()[:12]

    def url(self, path: str) -> str:
        """An absolute URL for a path below the base URL (absolute URLs pass through)."""
        return path if "://" in path else self.base_url + path

    def advance(self, seconds: float) -> None:
        """Move a mock's virtual clock forward (the admin API answers loopback callers)."""
        assert self.admin_root is not None
        r = self.client.post(f"{self.admin_root}/__mock/clock", json={"advance": seconds})
        r.raise_for_status()

    def close(self) -> None:
        """Close the client and stop whatever was started for this endpoint."""
        self.client.close()
        for closer in reversed(self.closers):
            closer()


def start_mock() -> Endpoint:
    """`--target mock`: the mock on a free port in this process (faithful profile, frozen clock)."""
    server = MockServer(mock_settings()).start()
    client = httpx.Client(timeout=30)
    return Endpoint("target", "mock", "mock (in-process, faithful profile, frozen clock)", server.base_url,
                    client, admin_root=server.url, closers=[server.stop])


def split_base(url: str) -> tuple[str, str]:
    """(root, base) for a target URL that must end in /api/v1 (any host, any region)."""
    parts = urlsplit(url.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.endswith(API_PREFIX):
        raise TargetError(f"--target must be `mock` or a base URL ending in {API_PREFIX}, got {url!r}")
    root = urlunsplit((parts.scheme, parts.netloc, parts.path.removesuffix(API_PREFIX), "", ""))
    return root, root + API_PREFIX


def connect(url: str, api_key: str | None) -> Endpoint:
    """`--target https://…/api/v1`: a real endpoint; a mock behind the URL is detected by /__mock/health."""
    if not api_key:
        raise TargetError("--target with a URL needs DASHSCOPE_API_KEY in the environment")
    root, base = split_base(url)
    client = httpx.Client(timeout=60)
    admin = None
    try:
        health = client.get(f"{root}/__mock/health", timeout=10)
        if health.status_code == 200 and health.json().get("status") == "ok":
            admin = root
            # freeze it, so a PENDING task stays PENDING until the suite moves time (cancel check)
            client.post(f"{root}/__mock/clock", json={"freeze": True}).raise_for_status()
    except (httpx.HTTPError, ValueError, AttributeError):
        admin = None
    label = f"{base} ({'a dashscope-mock: clock moved by the suite' if admin else 'real service'})"
    return Endpoint("target", "url", label, base, client, api_key=api_key, admin_root=admin)


def replay(directory: Path) -> Endpoint:
    """`--replay DIR`: answers come from redacted snapshots of an earlier run, one file per check."""
    if not directory.is_dir():
        raise TargetError(f"--replay {directory}: no such directory")
    transport = ReplayTransport(directory)
    client = httpx.Client(transport=transport, timeout=30)
    return Endpoint("target", "replay", f"replay of {directory}", f"https://{REPLAY_HOST}{REPLAY_BASE_PATH}",
                    client, api_key="sk-replay", sleep=lambda _: None, replay=transport)


def reference_mock() -> Endpoint:
    """The mock the target is compared with: in-process, no socket, faithful profile, frozen clock."""
    app = create_app(mock_settings())
    transport = MockTransport(app)
    client = httpx.Client(transport=transport, timeout=30)
    return Endpoint("reference", "reference", "mock (in-process, faithful profile)", "http://mock" + API_PREFIX,
                    client, admin_root="http://mock", closers=[transport.close])
