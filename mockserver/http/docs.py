"""`/docs`: Swagger UI over both the DashScope spec and the admin API, from packaged assets only; `/` -> the board.

The Swagger UI bundle comes from the `fastapi-offline` package (made to serve these assets without a CDN); no
page the twin serves loads anything from outside it. The validator badge (an outside call) is off.
"""

from __future__ import annotations

import html
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .access import BOARD_HEADER, Access


def _assets() -> Path:
    """fastapi-offline's asset folder, found without importing it (that would import FastAPI at start-up)."""
    found = find_spec("fastapi_offline")
    if found is None or found.origin is None:
        raise ModuleNotFoundError("fastapi-offline (a dependency) is not installed")
    return Path(found.origin).parent / "static"


ASSETS = _assets()

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dashscope-mock API docs</title>
<link rel="icon" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>nav{font:14px sans-serif;padding:8px 20px;background:#1b1b1b}nav a{color:#eee;margin-right:18px}
nav a.on{color:#89bf04;font-weight:bold}</style></head>
<body><nav><a href="/docs"__ON_SPEC__>DashScope API (the twin's spec)</a>
<a href="/docs?api=admin"__ON_ADMIN__>Admin API (/__mock)</a><a href="/__mock/ui">Task board</a></nav>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
const boardToken = __TOKEN__;
window.ui = SwaggerUIBundle({
  dom_id: "#swagger-ui", url: __URL__, deepLinking: true, validatorUrl: null, defaultModelsExpandDepth: -1,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout",
  requestInterceptor: (req) => {
    if (boardToken && new URL(req.url, location.href).pathname.startsWith("/__mock/")) {
      req.headers["__HEADER__"] = boardToken;
    }
    return req;
  },
});
</script></body></html>
"""


def routes(access: Access, spec: dict[str, Any]) -> list[BaseRoute]:
    """`/` (redirect to the board), `/docs`, its assets, and the spec as /docs shows it."""
    shown: list[bytes] = []  # encoded on the first request: most twins (one per test) never serve it

    async def dashscope_spec(request: Request) -> Response:
        if not shown:  # "Try it out" must reach this twin, never the servers the spec names
            shown.append(orjson.dumps({**spec, "servers": [{"url": "/", "description": "this twin"}]}))
        return Response(shown[0], media_type="application/json")

    async def docs(request: Request) -> Response:
        """Swagger UI; admin writes from it carry the board token when the caller may use the admin API."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        client = request.client.host if request.client else ""
        allowed = access.check("GET", headers, request.cookies, client) is None
        admin = request.query_params.get("api") == "admin"
        page = (_PAGE.replace("__TOKEN__", orjson.dumps(access.board_token if allowed else None).decode())
                .replace("__URL__", orjson.dumps("/__mock/openapi.json" if admin else "/docs/dashscope.json").decode())
                .replace("__ON_SPEC__", "" if admin else ' class="on"')
                .replace("__ON_ADMIN__", ' class="on"' if admin else "")
                .replace("__HEADER__", html.escape(BOARD_HEADER)))
        return HTMLResponse(page, headers={"cache-control": "no-store", "referrer-policy": "no-referrer",
                                           "x-frame-options": "DENY"})

    async def root(request: Request) -> Response:
        return RedirectResponse("/__mock/ui", status_code=307)

    return [
        Route("/", root, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/docs/dashscope.json", dashscope_spec, methods=["GET"]),
        Mount("/docs/assets", app=StaticFiles(directory=ASSETS), name="docs-assets"),
    ]
