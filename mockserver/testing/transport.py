"""In-process httpx transports (sync and async) that talk to a mock app without a socket.

    app = create_app()
    client = httpx.Client(transport=MockTransport(app), base_url="http://mock/api/v1")
    aclient = httpx.AsyncClient(transport=AsyncMockTransport(app), base_url="http://mock/api/v1")

The official SDK's v2 client takes one too: `dashscope.Client(http_client=httpx.Client(transport=...))`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx


class AsyncMockTransport(httpx.ASGITransport):
    """httpx's ASGI transport, with a loopback client address so the admin API answers."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app, client=("127.0.0.1", 50000))


class MockTransport(httpx.BaseTransport):
    """A sync transport: each request runs on a private event loop in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self._inner = AsyncMockTransport(app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mock-transport", daemon=True)
        self._thread.start()

    async def _send(self, request: httpx.Request, body: bytes) -> httpx.Response:
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                  extensions=request.extensions)
        response = await self._inner.handle_async_request(forwarded)
        content = b"".join([chunk async for chunk in response.aiter_raw()])  # raw: the client decodes
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and return the whole response."""
        body = request.read()
        return asyncio.run_coroutine_threadsafe(self._send(request, body), self._loop).result()

    def close(self) -> None:
        """Stop the private loop and its thread (idempotent)."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)  # queued even if run_forever has not begun yet
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()
