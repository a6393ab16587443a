"""The batched Redis connection on the serving event loop (mockserver/store/redis_batch.py): concurrent requests'
commands leave in one write, each gets its own replies, a request's writes are acknowledged before it is answered,
and a lost, refused or silent server fails the waiting requests with StoreUnavailable instead of hanging them."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import redis

from mockserver import Settings, create_app
from mockserver.store import StoreUnavailable
from mockserver.store.redis_batch import Batcher
from mockserver.store.redis_state import RedisJournal
from mockserver.testing import ASYNC, AUTH, AsyncMockTransport, free_port

from .redis_server import RedisServer

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def on_loop(url: str, body: Callable[[Batcher], Awaitable[Any]], **options: Any) -> Any:
    """Run `body(batcher)` on a fresh event loop, the batcher bound to it."""
    async def main() -> Any:
        batch = Batcher(url, **options)
        assert batch.here()
        try:
            return await body(batch)
        finally:
            batch.close()

    return asyncio.run(main())


@pytest.fixture
def plain(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_commands_queued_in_one_turn_leave_in_one_write_and_each_caller_gets_its_own_replies(redis_url: str) -> None:
    async def body(batch: Batcher) -> None:
        await batch.read(("PING",))  # connected
        assert batch.wire is not None and batch.wire.transport is not None
        transport, writes = batch.wire.transport, []
        write = transport.write
        transport.write = lambda data: (writes.append(data), write(data))[1]  # type: ignore[method-assign]
        replies = await asyncio.gather(*(batch.read(("SET", f"k{i}", i), ("GET", f"k{i}")) for i in range(20)))
        assert replies == [[b"OK", str(i).encode()] for i in range(20)]
        assert len(writes) == 1

    on_loop(redis_url, body)


def test_a_posted_write_is_in_redis_once_its_request_has_waited_for_settled(redis_url: str,
                                                                            plain: redis.Redis) -> None:
    async def body(batch: Batcher) -> None:
        assert batch.settled() is None  # nothing posted: nothing to wait for
        batch.post(("SET", "k", "posted"), ("EXPIRE", "k", 100))
        done = batch.settled()
        assert done is not None and batch.settled() is None  # handed out once
        await done
        assert plain.get("k") == b"posted" and 0 < plain.ttl("k") <= 100

    on_loop(redis_url, body)


def test_each_request_waits_only_for_its_own_writes(redis_url: str) -> None:
    async def request(batch: Batcher, i: int) -> bool:
        if i % 2:
            batch.post(("SET", f"w{i}", i))
        return batch.settled() is not None

    async def body(batch: Batcher) -> list[bool]:
        return list(await asyncio.gather(*(asyncio.create_task(request(batch, i)) for i in range(4))))

    assert on_loop(redis_url, body) == [False, True, False, True]


def test_an_error_reply_fails_its_read_only_and_a_failed_write_is_logged(redis_url: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    async def body(batch: Batcher) -> None:
        await batch.read(("SET", "text", "abc"))
        bad, good = await asyncio.gather(batch.read(("INCR", "text")), batch.read(("GET", "text")),
                                         return_exceptions=True)
        assert isinstance(bad, redis.ResponseError) and good == [b"abc"]
        batch.post(("INCR", "text"))
        done = batch.settled()
        assert done is not None
        await done  # acknowledged all the same: Redis answered
        assert "a Redis write of a request failed" in caplog.text

    with caplog.at_level(logging.ERROR, logger="dashscope_mock"):
        on_loop(redis_url, body)


def test_a_read_after_a_redis_restart_goes_out_again_on_a_new_connection(redis_url: str,
                                                                        redis_server: RedisServer) -> None:
    async def body(batch: Batcher) -> list[Any]:
        await batch.read(("SET", "k", "before"))
        redis_server.restart(hard=False)  # a clean stop keeps the value (AOF)
        return await batch.read(("GET", "k"))

    assert on_loop(redis_url, body) == [b"before"]


def test_redis_down_fails_reads_and_writes_with_store_unavailable(redis_url: str, redis_server: RedisServer) -> None:
    async def body(batch: Batcher) -> None:
        await batch.read(("PING",))
        redis_server.stop()
        with pytest.raises(StoreUnavailable):
            await batch.read(("GET", "k"))
        batch.post(("SET", "k", "v"))
        done = batch.settled()
        assert done is not None
        with pytest.raises(StoreUnavailable):
            await done

    on_loop(redis_url, body)


def test_a_server_that_never_answers_fails_the_waiting_reads_after_the_timeout() -> None:
    async def main() -> None:
        async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1 << 16)  # takes the command, never answers

        port = free_port()
        server = await asyncio.start_server(mute, "127.0.0.1", port)
        batch = Batcher(f"redis://127.0.0.1:{port}/0", reply_timeout_s=0.2)
        assert batch.here()
        try:
            with pytest.raises(StoreUnavailable, match=r"did not answer within 0\.2 s"):
                await asyncio.wait_for(batch.read(("GET", "k")), 5)
        finally:
            batch.close()
            server.close()

    asyncio.run(main())


def test_only_the_bound_loop_batches(redis_url: str) -> None:
    batch = Batcher(redis_url)
    assert not batch.here()  # no running loop: the caller takes the blocking link
    bound = threading.Event()

    async def first() -> None:
        assert batch.here()
        bound.set()
        await asyncio.sleep(0.3)

    async def other() -> bool:
        return batch.here()

    thread = threading.Thread(target=asyncio.run, args=(first(),))
    thread.start()
    bound.wait(5)
    assert asyncio.run(other()) is False  # another loop while the first still runs
    thread.join()
    assert asyncio.run(other()) is True  # the first loop is gone: the next one binds
    assert not Batcher("rediss://127.0.0.1:1/0").usable  # TLS stays on the blocking link


@pytest.fixture
def app(redis_url: str) -> Iterator[Any]:
    """A twin's ASGI app on the test's Redis, its connections closed after the test."""
    made = create_app(Settings.for_profile("dev", store=redis_url, log_requests=False, frozen=True))
    yield made
    made.state.twin.close()


def with_client(app: Any, body: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
    """Run `body(client)` on a fresh event loop, the client talking to `app` in-process (its batcher binds
    to that loop)."""
    async def main() -> Any:
        async with httpx.AsyncClient(transport=AsyncMockTransport(app), base_url="http://twin") as client:
            return await body(client)

    return asyncio.run(main())


def test_a_poll_answered_on_one_replica_is_already_in_the_journal_every_replica_reads(app: Any,
                                                                                      plain: redis.Redis) -> None:
    other = RedisJournal(plain, "dsm:", 60.0)

    async def body(client: httpx.AsyncClient) -> None:
        created = await client.post(CREATE, headers={**AUTH, **ASYNC}, json=T2V)
        task_id = created.json()["output"]["task_id"]
        for n in range(1, 4):
            assert (await client.get(f"/api/v1/tasks/{task_id}", headers=AUTH)).status_code == 200
            assert len(other.polls(task_id)) == n  # in Redis before its answer left

    try:
        with_client(app, body)
    finally:
        other.link.close()


def test_a_twin_whose_redis_is_gone_answers_503_in_the_envelope(app: Any, redis_server: RedisServer) -> None:
    async def body(client: httpx.AsyncClient) -> None:
        unknown = await client.get("/api/v1/tasks/nope", headers=AUTH)  # answered as the service does
        assert unknown.json()["output"]["task_status"] == "UNKNOWN"
        redis_server.stop()
        for answer in (await client.get("/api/v1/tasks/nope", headers=AUTH),
                       await client.post(CREATE, headers={**AUTH, **ASYNC}, json=T2V),
                       await client.get("/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.6-i2v"},
                                        headers=AUTH)):
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "ModelServingError" and answer.json()["request_id"]
        redis_server.start()  # back: answered again, no restart of the twin
        assert (await client.get("/api/v1/tasks/nope", headers=AUTH)).status_code == 200

    with_client(app, body)


def test_a_redis_error_inside_a_handler_is_a_503_too(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(*args: Any) -> None:
        raise redis.ConnectionError("Connection closed by server.")

    monkeypatch.setattr(app.state.twin.uploads.grants, "grant", lost)

    async def body(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get("/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.6-i2v"},
                                headers=AUTH)

    answer = with_client(app, body)
    assert answer.status_code == 503 and answer.json()["code"] == "ModelServingError"


def test_an_admin_call_that_finds_redis_gone_is_a_503_too(make_mock: Any, redis_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    mock = make_mock(store=redis_url)

    def lost(*args: Any) -> None:
        raise redis.ConnectionError("Connection closed by server.")

    monkeypatch.setattr(mock.twin.scenarios, "listed", lost)
    answer = mock.http.get("/__mock/scenarios")
    assert answer.status_code == 503 and answer.json()["code"] == "ModelServingError"
