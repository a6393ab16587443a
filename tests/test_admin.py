"""The /__mock/ admin API: guard, clock, reset, inspection, journal; determinism under --seed."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing import AUTH, KEY


@pytest.mark.all_stores
def test_admin_is_refused_off_loopback_without_the_token(make_mock) -> None:
    import asyncio

    mock = make_mock(admin_token="s3cret")

    async def call(token: str | None) -> int:
        headers = {"X-Mock-Admin-Token": token} if token else {}
        transport = httpx.ASGITransport(app=mock.app, client=("10.1.2.3", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock", headers=headers) as c:
            return (await c.get("/__mock/health")).status_code

    assert asyncio.run(call(None)) == 403
    assert asyncio.run(call("wrong")) == 403
    assert asyncio.run(call("s3cret")) == 200
    assert mock.http.get("/__mock/health").status_code == 200  # loopback


@pytest.mark.all_stores
def test_clock_control(mock) -> None:
    state = mock.http.get("/__mock/clock").json()
    assert state["frozen"] is True
    after = mock.http.post("/__mock/clock", json={"advance": 86400}).json()
    assert after["now"] - state["now"] == 86400
    assert mock.http.post("/__mock/clock", json={"advance": -1}).status_code == 400
    assert mock.http.post("/__mock/clock", json={"scale": 10, "freeze": False}).json()["scale"] == 10


@pytest.mark.all_stores
def test_a_24h_fast_forward_expires_every_task(mock) -> None:
    ids = [mock.task_id(m) for m in ("wan2.6-t2v", "wanx2.1-t2i-turbo", "wan2.7-videoedit")]
    mock.http.post("/__mock/clock", json={"advance": 24 * 3600})
    assert {mock.get(i)["output"]["task_status"] for i in ids} == {"UNKNOWN"}


@pytest.mark.all_stores
def test_inspect_reset_and_journal(mock) -> None:
    task = mock.task_id("wan2.6-t2v")
    mock.get(task)
    mock.advance(5)
    mock.get(task)
    view = mock.http.get(f"/__mock/tasks/{task}").json()
    assert view["status"] == "SUCCEEDED" and view["model"] == "wan2.6-t2v"
    assert [p["status"] for p in view["journal"]] == ["PENDING", "SUCCEEDED"]
    assert view["journal"][1]["t"] - view["journal"][0]["t"] == 5
    assert mock.http.get("/__mock/tasks", params={"api_key": KEY}).json()["tasks"][0]["task_id"] == task
    missing = mock.http.get("/__mock/tasks/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"
    assert missing.json()["request_id"] == missing.headers["x-request-id"] and "KeyError" not in missing.text
    assert mock.http.post("/__mock/reset", json={"api_key": "sk-other"}).json() == {"reset": mock.twin.keys.account_of(
        "sk-other")}
    assert mock.get(task)["output"]["task_status"] == "SUCCEEDED"
    mock.http.post("/__mock/reset", json={"api_key": KEY})
    assert mock.get(task)["output"]["task_status"] == "UNKNOWN"
    health = mock.http.get("/__mock/health").json()
    assert health["status"] == "ok" and health["tasks"] == 0 and health["models"] >= 60


@pytest.mark.all_stores
def test_journal_redacts_nothing_secret(mock) -> None:
    task = mock.task_id("wan2.6-t2v")
    mock.get(task)
    text = mock.http.get(f"/__mock/tasks/{task}").text
    assert KEY not in text


def test_seed_makes_ids_timings_and_urls_reproducible(make_mock) -> None:
    def run() -> tuple[str, dict]:  # type: ignore[type-arg]
        mock = make_mock(seed=42, start_time=1_800_000_000.0)
        task = mock.task_id("wan2.6-t2v")
        mock.advance(5)
        return task, mock.get(task)["output"]

    (a, out_a), (b, out_b) = run(), run()
    assert a == b
    url_a, url_b = out_a.pop("video_url"), out_b.pop("video_url")
    assert out_a == out_b
    # the URL's path and expiry repeat; its signature does not: it is keyed by a random per-store secret,
    # never by the seed, so knowing the seed does not let anyone sign URLs (docs/performance.md, "Reliability")
    assert url_a.split("&Signature=")[0] == url_b.split("&Signature=")[0]
    assert url_a.split("&Signature=")[1] != url_b.split("&Signature=")[1]
    unseeded = make_mock(start_time=1_800_000_000.0).task_id("wan2.6-t2v")
    assert unseeded != a


@pytest.mark.all_stores
def test_served_spec(mock) -> None:
    doc = mock.http.get("/openapi.json", headers=AUTH).json()
    assert doc["openapi"].startswith("3.1")


@pytest.mark.all_stores
def test_journals_of_expired_tasks_are_dropped(mock) -> None:
    old = mock.task_id("wan2.6-t2v")
    mock.get(old)
    mock.advance(24 * 3600 + 120)
    new = mock.task_id("wan2.6-t2v")  # a create runs the amortized expiry sweep
    mock.get(new)
    assert old not in mock.twin.journal
    assert new in mock.twin.journal


def test_a_reset_gives_back_the_cached_answers_of_finished_tasks(mock) -> None:
    created = mock.http.post("/api/v1/services/aigc/video-generation/video-synthesis",
                             json=mock.twin.spec.example_body("wan2.2-t2v-plus"),
                             headers={**AUTH, "X-DashScope-Async": "enable"}).json()
    mock.advance(3600)
    task = mock.http.get(f"/api/v1/tasks/{created['output']['task_id']}", headers=AUTH).json()
    assert task["output"]["task_status"] == "SUCCEEDED"
    (forget,) = mock.twin.reset_hooks
    answers = forget.__self__._terminal  # the renderer's cache of finished-task answers
    assert len(answers) == 1
    assert mock.http.post("/__mock/reset", json={}).status_code == 200
    assert len(answers) == 0  # held until now, whatever the cap: a reset must give memory back (make soak)
