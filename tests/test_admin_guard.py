"""The control plane refuses what would break the twin, and what a web page could send it: the inputs issue 13
found breaking it, cross-origin and rebinding requests, non-JSON bodies, browser writes without the board's
token. Also the domain's own bounds, the admin token's whereabouts, /docs and `/`."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import httpx
import pytest

from mockserver.domain.accounts import KeyBook
from mockserver.domain.clock import MAX_TIME, VirtualClock
from mockserver.domain.faults import FaultPlan
from mockserver.domain.scenarios import ScenarioError, parse
from mockserver.testing import AUTH, KEY

BREAKERS = [
    ("/__mock/clock", {"advance": 1e308}), ("/__mock/clock", {"advance": 3e11}), ("/__mock/clock", {"advance": "NaN"}),
    ("/__mock/clock", {"advance": 3.2e10, "scale": 2}), ("/__mock/clock", {"scale": 1e308}),
    ("/__mock/clock", {"scale": 0}),
    ("/__mock/clock", {"scale": 2, "advance": -1}), ("/__mock/faults", {"error_rate": 5}),
    ("/__mock/faults", {"error_rate": "abc"}), ("/__mock/faults", {"slow_rate": 1, "slow_ms": 1e12}),
    ("/__mock/faults", {"error_codes": ["Nope"], "error_rate": 1}), ("/__mock/faults", {"on": ["everything"]}),
    ("/__mock/scenarios", {"scenario": "pending:" + "9" * 400 + "s,succeeded"}),
    ("/__mock/scenarios", {"scenario": "reject(NoSuchCode)"}), ("/__mock/scenarios", {"scenario": "x", "times": 1e9}),
    ("/__mock/accounts", {"account": "a", "state": "gone"}), ("/__mock/accounts", {"keys": {"accounts": []}}),
    ("/__mock/undownloadable", {"url": "ftp://x/y"}), ("/__mock/reset", {"api_key": ""}),
]


def _state(mock: Any) -> tuple[Any, ...]:
    twin = mock.twin
    return (twin.clock.state(), twin.faults.plan.view(), [i.view() for i in twin.scenarios.items],
            twin.downloads.listed(), dict(twin.keys._keys))


def _works(mock: Any) -> None:
    assert mock.http.get("/__mock/health").status_code == 200
    task = mock.task_id("wan2.6-t2v")
    assert mock.get(task)["output"]["task_status"] == "PENDING"
    assert mock.http.get("/api/v1/tasks", headers=AUTH).status_code == 200


@pytest.mark.parametrize(("path", "body"), BREAKERS, ids=[f"{p} {b}"[:60] for p, b in BREAKERS])
def test_breaking_inputs_are_refused_and_change_nothing(mock: Any, path: str, body: dict[str, Any]) -> None:
    before = _state(mock)
    r = mock.http.post(path, json=body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json()["code"] == "InvalidParameter" and r.json()["request_id"] == r.headers["x-request-id"]
    assert _state(mock) == before
    _works(mock)


def test_a_valid_change_applies_whole(mock: Any) -> None:
    now = mock.twin.clock.now()
    r = mock.http.post("/__mock/clock", json={"advance": 10, "scale": 3})
    assert r.status_code == 200 and r.json()["now"] == now + 10 and r.json()["scale"] == 3
    assert mock.http.post("/__mock/clock", json={"advance": MAX_TIME - now}).status_code == 400
    plan = {"error_rate": 0.5, "slow_rate": 1, "slow_ms": 60000, "seed": 3}
    assert mock.http.post("/__mock/faults", json=plan).json()["slow_ms"] == 60000
    assert mock.http.post("/__mock/faults", json={}).json()["error_rate"] == 0


def test_the_domain_keeps_its_own_bounds() -> None:
    clock = VirtualClock(frozen=True)
    for bad in (math.inf, math.nan, -1.0, MAX_TIME):
        with pytest.raises(ValueError):
            clock.advance(bad)
    with pytest.raises(ValueError):
        clock.update(scale=2.0, advance=math.inf)
    assert clock.scale == 1.0  # nothing applied
    for scale in (0.0, -1.0, math.inf, 1e7):
        with pytest.raises(ValueError):
            clock.set_scale(scale)
    for plan in ({"error_rate": 5}, {"error_rate": "0.5"}, {"slow_ms": 10**12}, {"on": ["all"]}, {"nope": 1},
                 {"server_error_rate": math.nan}, {"seed": -1}):
        with pytest.raises(ValueError):
            FaultPlan.from_dict(plan)
    with pytest.raises(ScenarioError):
        parse("pending*99999999999,succeeded")
    book = KeyBook.__new__(KeyBook)
    book._keys, book._blocked, book.only_listed = {}, set(), False
    with pytest.raises(ValueError):
        book.load({"accounts": {"a": {"keys": ["sk-1"], "state": "broke"}}})
    assert book._keys == {}


def _asgi(mock: Any, method: str, path: str, client: str = "127.0.0.1", **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=mock.app, client=(client, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8089") as c:
            return await c.request(method, path, **kw)

    return asyncio.run(go())


def test_cross_site_requests_are_refused(mock: Any) -> None:
    before = _state(mock)
    block = {"account": "team", "state": "blocked"}
    evil = [
        {"headers": {"origin": "http://evil.example"}, "json": block},
        {"headers": {"host": "evil.example:8089"}, "json": block},  # DNS rebinding
        {"content": b'{"account": "team", "state": "blocked"}', "headers": {"content-type": "text/plain"}},
        {"content": b"account=team", "headers": {"content-type": "application/x-www-form-urlencoded"}},
        {"headers": {"sec-fetch-site": "cross-site"}, "json": block},
        {"headers": {"origin": "http://127.0.0.1:8089", "sec-fetch-mode": "cors"}, "json": block},  # no board token
    ]
    for kw in evil:
        r = _asgi(mock, "POST", "/__mock/accounts", **kw)
        assert r.status_code in (403, 415), (kw, r.text)
        assert r.json()["request_id"] == r.headers["x-request-id"]
    assert _state(mock) == before
    board = _asgi(mock, "GET", "/__mock/ui").text
    token = board.split('name="board-token" content="', 1)[1].split('"', 1)[0]
    ok = _asgi(mock, "POST", "/__mock/clock", json={"advance": 1},
               headers={"origin": "http://127.0.0.1:8089", "sec-fetch-site": "same-origin",
                        "x-mock-board-token": token})
    assert ok.status_code == 200, ok.text


def test_the_token_is_shown_on_loopback_only_and_opens_the_board_elsewhere(make_mock: Any) -> None:
    mock = make_mock(admin_token="s3cret-token")
    assert _asgi(mock, "GET", "/__mock/token").json()["admin_token"] == "s3cret-token"
    assert _asgi(mock, "GET", "/__mock/token", client="10.0.0.9").status_code == 403
    assert _asgi(mock, "GET", "/__mock/ui", client="10.0.0.9").status_code == 403

    async def remote() -> tuple[int, int, int]:
        transport = httpx.ASGITransport(app=mock.app, client=("10.0.0.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://twin.lan:8089") as c:
            login = await c.get("/__mock/ui", params={"token": "s3cret-token"})
            page = await c.get("/__mock/ui")  # the cookie, now
            write = await c.post("/__mock/clock", json={"advance": 1}, headers={"origin": "http://twin.lan:8089"})
            return login.status_code, page.status_code, write.status_code

    assert asyncio.run(remote()) == (303, 200, 403)  # a cookie alone never authorizes a write


def test_docs_and_root(mock: Any) -> None:
    root = mock.http.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/__mock/ui"
    docs = mock.http.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in docs and "http" not in docs.split("<body>", 1)[1].replace(
        "http://", "")  # no absolute URL anywhere in the page
    assert mock.http.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    shown = mock.http.get("/docs/dashscope.json").json()
    assert shown["servers"] == [{"url": "/", "description": "this twin"}]
    admin = mock.http.get("/__mock/openapi.json").json()
    clock = admin["components"]["schemas"]["ClockChange"]["properties"]
    assert clock["scale"]["anyOf"][0]["exclusiveMinimum"] == 0 and KEY not in str(admin)
