"""The control plane at /__mock is built on first use (http/control.py): start-up and health never import FastAPI,
health answers as the admin API's own route does, and concurrent first requests build the admin app once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.http import admin_api
from mockserver.http.control import ControlPlane
from mockserver.spec import cache
from mockserver.testing import DashScopeMock

PROBE = """
import sys
from mockserver.testing import DashScopeMock
mock = DashScopeMock()
assert mock.http.get("/__mock/health").status_code == 200
print("fastapi" in sys.modules, "pydantic" in sys.modules, end=" ")
assert mock.http.get("/__mock/clock").status_code == 200
print("fastapi" in sys.modules)
mock.close()
"""


START = """
import sys
from mockserver.cli import app
from mockserver.http.app import create_app
create_app()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""
# what `serve` used to load at start and needs only later: the admin app, the Python schema validator (error
# wording), YAML (a cached spec), the media readers, the client commands
NOT_AT_START = {"fastapi", "pydantic", "jsonschema", "referencing", "jsonschema_rs", "yaml", "PIL", "mutagen", "av",
                "redis", "httpx", "rich", "clients"}


def _control(mock: DashScopeMock) -> ControlPlane:
    (mount,) = [r for r in mock.raw_app.fallback.routes if getattr(r, "path", "") == "/__mock"]
    plane = mount.app.app
    assert isinstance(plane, ControlPlane)
    return plane


def test_start_and_health_do_not_import_fastapi_and_the_first_admin_call_does() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "True"]


def test_serve_start_up_loads_none_of_what_the_first_requests_do_not_need(tmp_path: Path) -> None:
    env = {**os.environ, cache.ENV: str(tmp_path)}
    subprocess.run([sys.executable, "-c", "from mockserver.spec.document import load_document; load_document()"],
                   env=env, check=True)  # a warm spec cache, as every start after the first has
    loaded = set(subprocess.run([sys.executable, "-c", START], env=env, capture_output=True, text=True,
                                check=True).stdout.split())
    assert "starlette" in loaded and loaded & NOT_AT_START == set()


def test_health_answers_exactly_as_the_admin_apis_own_route(mock: DashScopeMock) -> None:
    mock.http.post("/__mock/clock", json={"advance": 0.25})  # a fraction in `now`; the clock stays frozen
    fast = mock.http.get("/__mock/health")
    plane = _control(mock)

    async def own_route() -> httpx.Response:  # the FastAPI app itself, /health as its route answers it
        transport = httpx.ASGITransport(app=plane.admin_app(), client=("127.0.0.1", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as c:
            return await c.get("/health")

    routed_answer = asyncio.run(own_route())
    assert fast.status_code == routed_answer.status_code == 200
    assert fast.headers["content-type"] == routed_answer.headers["content-type"] == "application/json"
    assert fast.content == routed_answer.content
    mock.twin.clock.update(scale=3, freeze=False)  # an unfrozen clock: same shape and types
    assert set(mock.http.get("/__mock/health").json()["clock"]) == {"now", "iso", "scale", "frozen"}


def test_health_is_answered_without_building_the_admin_app(mock: DashScopeMock) -> None:
    assert mock.http.get("/__mock/health").status_code == 200
    assert _control(mock)._app is None
    assert mock.http.get("/__mock/faults").status_code == 200
    assert _control(mock)._app is not None


@pytest.mark.parametrize("method", ["POST", "HEAD", "DELETE"])
def test_other_methods_on_health_still_get_the_admin_apis_405(mock: DashScopeMock, method: str) -> None:
    answer = mock.http.request(method, "/__mock/health")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET"


def test_health_is_still_behind_the_gate(make_mock: Any) -> None:
    mock = make_mock(admin_token="t0ken")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=mock.app, client=("10.9.8.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as c:
            return await c.get("/__mock/health")

    refused = asyncio.run(call())
    assert refused.status_code == 403 and refused.json()["code"] == "AccessDenied"


def test_concurrent_first_requests_build_the_admin_app_once(mock: DashScopeMock,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real = admin_api.build_admin

    def counting(*args: Any) -> Any:
        app = real(*args)
        built.append(app)
        return app

    monkeypatch.setattr(admin_api, "build_admin", counting)
    plane = _control(mock)
    start = threading.Barrier(8)
    got: list[object] = []

    def first() -> None:
        start.wait()
        got.append(plane.admin_app())

    threads = [threading.Thread(target=first) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and all(app is built[0] for app in got)
    assert mock.http.get("/__mock/scenarios").json() == {"scenarios": []}


def test_a_failed_build_is_a_500_envelope_and_the_next_request_retries(mock: DashScopeMock,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = admin_api.build_admin

    def broken(*args: Any) -> Any:
        raise RuntimeError("cannot build")

    monkeypatch.setattr(admin_api, "build_admin", broken)
    failed = mock.http.get("/__mock/clock")
    assert failed.status_code == 500 and failed.json()["code"] == "InternalError"
    monkeypatch.setattr(admin_api, "build_admin", real)
    assert mock.http.get("/__mock/clock").status_code == 200
