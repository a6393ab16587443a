"""uvicorn in a daemon thread, on a socket bound before it starts: the one server runner of the harness.

`ThreadedServer` is the runner. `LazySocketServer` (the pytest plugin's per-process socket) uses it with
`lazy=True`, so uvicorn starts only when a client first connects; `MockServer` uses it to serve one twin
on a port of its own.
"""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_START_TIMEOUT = 10.0


def _new_loop(choice: str) -> asyncio.AbstractEventLoop:
    """A new event loop for a server thread: uvloop where uvicorn would pick it, else asyncio's."""
    if choice in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (for a server that binds by number; `listening_socket` has no race)."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to (host, port) and listening; port 0 lets the OS pick a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    except OSError:
        sock.close()
        raise
    return sock


class ThreadedServer:
    """uvicorn serving `app` on the listening socket `sock` in a daemon thread; `close` releases the socket."""

    def __init__(self, app: ASGIApp, sock: socket.socket, *, lazy: bool = False,
                 name: str = "dashscope-mock", options: dict[str, Any] | None = None) -> None:
        self.app = app
        self.options = options or {}  # uvicorn options over the twin's (e.g. http="h11", loop="asyncio")
        self.sock = sock
        self.lazy = lazy
        self.options = options or {}  # more uvicorn options, e.g. ssl_certfile/ssl_keyfile for a TLS listener
        self.error: BaseException | None = None  # what the thread raised: a thread cannot raise into a test
        self._wake_r, self._wake_w = socket.socketpair()
        self._lock = threading.Lock()
        self._closing = False
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    @property
    def host(self) -> str:
        """The address the socket is bound to."""
        host: str = self.sock.getsockname()[0]
        return host

    @property
    def port(self) -> int:
        """The port the socket is bound to."""
        port: int = self.sock.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def started(self) -> bool:
        """Whether uvicorn was started (for a lazy server: whether anyone connected)."""
        return self._server is not None

    def start(self) -> None:
        """Start the thread; unless lazy, wait until uvicorn accepts connections."""
        self._thread.start()
        if self.lazy:
            return
        deadline = time.monotonic() + _START_TIMEOUT
        while self._server is None or not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.close()
                raise RuntimeError("the mock server did not start") from self.error
            time.sleep(0.005)

    def _run(self) -> None:
        import uvicorn

        from ..http.serving import server_config

        if self.lazy:
            readable, _, _ = select.select([self.sock, self._wake_r], [], [])
            if self._wake_r in readable:
                return
        with self._lock:
            if self._closing:
                return
            config = server_config(self.app, **self.options)  # the CLI's timeouts (http/serving.py)
            self._server = uvicorn.Server(config)
        # our own loop rather than Server.run: uvicorn before 0.3x sets the process-wide event loop policy to
        # uvloop there, which would change the loop of the test's own asyncio.run (and bypass the fixture's
        # interception, which works through asyncio's resolver)
        loop = _new_loop(config.loop)
        try:
            loop.run_until_complete(self._server.serve(sockets=[self.sock]))
        except BaseException as exc:
            self.error = exc
        finally:
            loop.close()

    def close(self) -> None:
        """Stop serving (if it ever started), join the thread and release the port (idempotent)."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if self._server is not None:
                self._server.should_exit = True
                self._server.force_exit = True  # do not wait for idle keep-alive clients
            else:
                self._wake_w.send(b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=_START_TIMEOUT)
        for s in (self.sock, self._wake_r, self._wake_w):
            s.close()


class Switchboard:
    """An ASGI app that forwards to whichever app `target` is now, and answers 503 while there is none."""

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.target
        if target is not None:
            await target(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        body = b'{"request_id":"","code":"ServiceUnavailable","message":"No test is using the dashscope mock now."}'
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class LazySocketServer:
    """A loopback socket bound now; uvicorn starts serving it on the first incoming connection.

    Its `board` forwards to the current test's twin: one socket serves every test of a process in turn.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.board = Switchboard()
        self._runner = ThreadedServer(self.board, listening_socket(host), lazy=True, name="dashscope-mock-socket")
        self.host = host
        self.port = self._runner.port
        self._runner.start()

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def started(self) -> bool:
        """Whether someone connected, so uvicorn was started."""
        return self._runner.started

    @property
    def error(self) -> BaseException | None:
        """What the server thread raised, if anything."""
        return self._runner.error

    def close(self) -> None:
        """Stop serving (if it ever started) and release the port."""
        self._runner.close()
