"""The control plane at `/__mock`, built on first use: FastAPI (the admin API and the board) is not imported at
start-up.

Importing FastAPI and building the admin app's routes took ~0.5 s of every `serve` start, for endpoints most runs
use late or never. `GET /__mock/health` (the probe every start-up waits on) is answered here without FastAPI;
any other request under /__mock builds the admin app once (in a worker thread, so the event loop keeps serving
the task endpoints meanwhile) and is handed to it. Both sit behind the same gate (http/gate.py).
"""

from __future__ import annotations

import threading

import anyio.to_thread
import orjson
from starlette.datastructures import State
from starlette.responses import Response

from ..domain.state import Twin
from ..wire.render import Renderer
from .access import Access
from .gate import ASGIApp, Gate, Receive, Scope, Send, health
from .requestlog import RequestLog


class ControlPlane:
    """ASGI app for `/__mock`: health directly, everything else by the admin app, built once on first use."""

    def __init__(self, twin: Twin, renderer: Renderer, access: Access, request_log: RequestLog | None = None) -> None:
        self.twin = twin
        self.request_log = request_log
        self.renderer = renderer
        self.access = access
        self.state = State({"twin": twin, "access": access})
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    def admin_app(self) -> ASGIApp:
        """The admin FastAPI app with the board on it; the first call (from any thread) builds it."""
        with self._lock:  # several first requests at once, on one loop or on several: one build
            if self._app is None:
                from . import board
                from .admin_api import build_admin

                admin = build_admin(self.twin, self.access, self.request_log)
                board.install(admin, self.twin, self.renderer, self.access)
                self._app = admin
            return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and _route_path(scope) == "/health":
            answer = orjson.dumps(health(self.twin, self.request_log))
            await Response(answer, media_type="application/json")(scope, receive, send)
            return
        app = self._app
        if app is None:
            app = await anyio.to_thread.run_sync(self.admin_app)
        await app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path below the mount point (Starlette keeps the full path and sets root_path)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def control_plane(twin: Twin, renderer: Renderer, access: Access, request_log: RequestLog | None = None) -> Gate:
    """The app to mount at `/__mock`: the control plane behind its gate."""
    return Gate(ControlPlane(twin, renderer, access, request_log), access, twin.catalog.error("InternalError").message)
