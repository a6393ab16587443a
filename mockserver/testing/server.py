"""`MockServer`: a twin on a real socket of its own, in a background thread.

    with MockServer(profile="faithful") as m:
        run_my_client(base_url=m.base_url)
        m.assert_no_poll_after_terminal(m.task_ids()[0])

It is a `DashScopeMock` (the same helpers and assertions) served by the harness's one uvicorn runner.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..settings import Settings
from .handle import KEY, DashScopeMock
from .runner import ThreadedServer, listening_socket


class MockServer(DashScopeMock):
    """A twin served on (host, port) (port 0: a free one, bound at once) while started or inside `with`.

    Requests are not recorded unless `record=True`; `activate()` points the environment and the official
    SDK at it, `close()` (or `stop()`) undoes that.
    """

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0, *,
                 api_key: str = KEY, record: bool = False, **overrides: Any) -> None:
        settings = settings or Settings.for_profile(overrides.pop("profile", "dev"), **overrides)
        sock = listening_socket(host, port)
        self.host = host
        self.port: int = sock.getsockname()[1]
        if settings.result_host is None:
            settings = replace(settings, result_host=f"http://{host}:{self.port}")
        try:
            super().__init__(settings, api_key, record=record)
        except BaseException:
            sock.close()
            raise
        self._runner = ThreadedServer(self.app, sock)

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> MockServer:
        """Start serving and wait until the socket accepts."""
        self._runner.start()
        return self

    def stop(self) -> None:
        """Stop serving, release the port, and undo what the handle set up."""
        self._runner.close()
        self.close()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
