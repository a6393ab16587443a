"""Test helpers: bind a client to an in-process mock on its virtual clock, and inject transport faults.

    app = mockserver.create_app(Settings.for_profile("dev", frozen=True))   # or a testing.DashScopeMock
    client = bind(app)                    # waits and retries advance the mock's clock, never sleep
    flaky = FlakyTransport(MockTransport(app), [Fault("read", "reset_after")])
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from .aclient import AsyncClient
from .client import Client

FaultKind = Literal["reset_before", "reset_after", "timeout_after", "status", "slow"]


class VirtualSleep:
    """A `sleep` that advances a virtual clock (`advance(seconds)`) and records every call."""

    def __init__(self, advance: Callable[[float], object]) -> None:
        self.advance = advance
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if seconds > 0:
            self.advance(seconds)

    async def async_call(self, seconds: float) -> None:
        """The same, as a coroutine (for AsyncClient)."""
        self(seconds)
        await asyncio.sleep(0)


def bind(app: Any, *, api_key: str = "sk-test-client", transport: httpx.BaseTransport | None = None,
         seed: int = 0, **config: Any) -> Client:
    """A sync client on `app` (from `create_app`, or a `mockserver.testing.DashScopeMock`: then its requests
    are recorded), in process, sleeping on the mock's virtual clock."""
    from mockserver.testing import MockTransport, resolve

    from .config import ClientConfig

    asgi, twin = resolve(app)
    sleep = VirtualSleep(twin.clock.advance)
    cfg = ClientConfig.resolve(api_key, "http://mock.test/api/v1", env={}, **config)
    client = Client(config=cfg, transport=transport or MockTransport(asgi), sleep=sleep, clock=twin.clock.now,
                    rng=random.Random(seed))
    client.virtual_sleep = sleep  # type: ignore[attr-defined]
    return client


def abind(app: Any, *, api_key: str = "sk-test-client", transport: httpx.AsyncBaseTransport | None = None,
          seed: int = 0, **config: Any) -> AsyncClient:
    """An async client on `app` (as for `bind`), in process, sleeping on the mock's virtual clock."""
    from mockserver.testing import AsyncMockTransport, resolve

    from .config import ClientConfig

    asgi, twin = resolve(app)
    sleep = VirtualSleep(twin.clock.advance)
    cfg = ClientConfig.resolve(api_key, "http://mock.test/api/v1", env={}, **config)
    client = AsyncClient(config=cfg, transport=transport or AsyncMockTransport(asgi), sleep=sleep.async_call,
                         clock=twin.clock.now, rng=random.Random(seed))
    client.virtual_sleep = sleep  # type: ignore[attr-defined]
    return client


@dataclass
class Fault:
    """One injected failure for requests of `kind` (create, read, cancel, upload, any), `times` times.

    reset_before: the connection is refused (nothing sent); reset_after: the server handled the request
    but the answer was lost; timeout_after: the same as a read timeout; status: answer `status` (with
    `retry_after`) without reaching the server; slow: the answer arrives `delay` virtual seconds late.
    """

    kind: str
    what: FaultKind
    times: int = 1
    status: int = 503
    retry_after: float | None = None
    delay: float = 0.0
    code: str | None = None


@dataclass
class _Script:
    faults: list[Fault]
    advance: Callable[[float], object] | None = None
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, method path, outcome)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def kind_of(request: httpx.Request) -> str:
        """create, cancel, upload (any other POST) or read."""
        path = request.url.path
        if request.method == "POST" and "/services/aigc/" in path:
            return "create"
        if request.method == "POST" and path.rstrip("/").endswith("/cancel"):
            return "cancel"
        if request.method == "POST":
            return "upload"
        return "read"

    def draw(self, request: httpx.Request) -> Fault | None:
        """The next scripted fault for this request (and log it), or None."""
        kind = self.kind_of(request)
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.kind in (kind, "any"):
                    fault.times -= 1
                    self.log.append((kind, f"{request.method} {request.url.path}", fault.what))
                    return fault
            self.log.append((kind, f"{request.method} {request.url.path}", "ok"))
        return None

    def synthetic(self, fault: Fault, request: httpx.Request) -> httpx.Response:
        """An error envelope answered by the 'network' instead of the server."""
        headers = {"content-type": "application/json"}
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        code = fault.code or ("Throttling.RateQuota" if fault.status == 429 else "InternalError")
        body = {"request_id": "00000000-0000-4000-8000-000000000000", "code": code, "message": "injected"}
        return httpx.Response(fault.status, headers=headers, json=body, request=request)


class FlakyTransport(httpx.BaseTransport):
    """Wraps a sync transport and injects the scripted faults (see `Fault`)."""

    def __init__(self, inner: httpx.BaseTransport, faults: list[Fault],
                 advance: Callable[[float], object] | None = None) -> None:
        self.inner = inner
        self.script = _Script(list(faults), advance)

    @property
    def log(self) -> list[tuple[str, str, str]]:
        """(kind, request, outcome) per request seen."""
        return self.script.log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, or fail it as scripted."""
        fault = self.script.draw(request)
        if fault is None:
            return self.inner.handle_request(request)
        if fault.what == "reset_before":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if fault.what == "status":
            return self.script.synthetic(fault, request)
        response = self.inner.handle_request(request)
        response.read()
        if fault.what == "slow":
            if self.script.advance is not None:
                self.script.advance(fault.delay)
            return response
        if fault.what == "timeout_after":
            raise httpx.ReadTimeout("injected: read timeout", request=request)
        raise httpx.ReadError("injected: connection reset by peer", request=request)


class AsyncFlakyTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport and injects the scripted faults (see `Fault`)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, faults: list[Fault],
                 advance: Callable[[float], object] | None = None) -> None:
        self.inner = inner
        self.script = _Script(list(faults), advance)

    @property
    def log(self) -> list[tuple[str, str, str]]:
        """(kind, request, outcome) per request seen."""
        return self.script.log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward the request, or fail it as scripted."""
        fault = self.script.draw(request)
        if fault is None:
            return await self.inner.handle_async_request(request)
        if fault.what == "reset_before":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if fault.what == "status":
            return self.script.synthetic(fault, request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if fault.what == "slow":
            if self.script.advance is not None:
                self.script.advance(fault.delay)
            return response
        if fault.what == "timeout_after":
            raise httpx.ReadTimeout("injected: read timeout", request=request)
        raise httpx.ReadError("injected: connection reset by peer", request=request)
