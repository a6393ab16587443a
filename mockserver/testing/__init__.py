"""The test harness, for our own tests and for users': one handle on a twin, and the pieces it is made of.

- `DashScopeMock` (handle.py): a fresh twin, its URLs, transports, http clients, clock, scenarios, journal,
  recorded requests and polling assertions; what the pytest fixture `dashscope_mock` yields.
- `MockServer` (server.py): the same handle served on a socket of its own.
- `MockTransport`, `AsyncMockTransport` (transport.py): httpx transports that reach an app with no socket.
- `WireRecord`, `Recorder` (recorder.py); `LazySocketServer`, `ThreadedServer`, `free_port` (runner.py);
  `point_sdk` (sdk.py).
"""

from __future__ import annotations

from .handle import AIGC, ASYNC, AUTH, KEY, DashScopeMock, Poll, resolve
from .recorder import Recorder, WireRecord
from .runner import LazySocketServer, ThreadedServer, free_port, listening_socket
from .sdk import Patches, point_sdk
from .server import MockServer
from .transport import AsyncMockTransport, MockTransport

__all__ = [
    "AIGC", "ASYNC", "AUTH", "KEY", "AsyncMockTransport", "DashScopeMock", "LazySocketServer", "MockServer",
    "MockTransport", "Patches", "Poll", "Recorder", "ThreadedServer", "WireRecord", "free_port",
    "listening_socket", "point_sdk", "resolve",
]
