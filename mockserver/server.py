"""`MockServer`: the mock on a real socket, on a free port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from .domain.state import Twin
from .http.app import create_app
from .settings import Settings


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


class MockServer:
    """Run the mock in-process: `with MockServer() as m: ... m.base_url ...`."""

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0,
                 **overrides: Any) -> None:
        self.settings = settings or Settings.for_profile(overrides.pop("profile", "dev"), **overrides)
        self.host = host
        self.port = port or free_port(host)
        if self.settings.result_host is None:
            from dataclasses import replace

            self.settings = replace(self.settings, result_host=f"http://{host}:{self.port}")
        self.app = create_app(self.settings)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def twin(self) -> Twin:
        """The mock's state: clock, engine, scenarios, faults."""
        twin: Twin = self.app.state.twin
        return twin

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to put in DASHSCOPE_HTTP_BASE_URL."""
        return f"{self.url}/api/v1"

    def start(self) -> MockServer:
        """Start serving and wait until the socket accepts."""
        config = uvicorn.Config(self.app, host=self.host, port=self.port, log_level="warning",
                                access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="dashscope-mock", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the mock server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
