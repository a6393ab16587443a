"""Issue 19: every real request answered. Realistic files (mockserver/testing/payloads.py) at 0.1, 1 and 8 MB,
sent as real clients send them to one served twin, 20 times each: every one gets its documented answer.

Finding 1 (a first read over 64 KiB got no answer) fails `test_head_and_body_in_one_write` on the old serving
code; finding 6 fails `test_pipelined_head_keeps_the_connection_in_step` and `test_odd_expires_and_range`.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest

from mockserver.http import serving
from mockserver.testing import MockServer, payloads

from .wire_client import CREATE, Answer, Connection, create_headers, request

SIZES = [100_000, 1_000_000, 8 * 1024 * 1024]
IDS = ["0.1MB", "1MB", "8MB"]
REPS = 20
IMAGE_MAX_SIDE = 1990  # wan2.2-i2v-flash takes images up to 2000 px a side


@functools.cache
def photo(size: int) -> bytes:
    """A JPEG photo of `size` bytes, made once per test process."""
    return payloads.image(size, max_side=IMAGE_MAX_SIDE)


@functools.cache
def create_body(size: int) -> bytes:
    """An image-to-video create carrying a `size`-byte photo as a `data:` URI (about 4/3 of `size` on the wire)."""
    return orjson.dumps({"model": "wan2.2-i2v-flash", "parameters": {"resolution": "480P"},
                         "input": {"prompt": "a cat", "img_url": payloads.data_uri(photo(size), "image/jpeg")}})


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(frozen=True, log_requests=False) as twin:
        yield twin


def _created(answer: Answer) -> None:
    assert answer.status == 200, answer.body[:300]
    output: Any = answer.json()
    assert output["output"]["task_status"] == "PENDING", output


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_head_and_body_in_one_write(server: MockServer, size: int) -> None:
    head, body = request("POST", CREATE, create_body(size), create_headers())
    for _ in range(REPS):  # a fresh connection each time: the head always shares the first read with the body
        conn = Connection(server.host, server.port)
        conn.send(head + body)
        _created(conn.answer())
        conn.close()


@pytest.fixture(scope="module")
def policy(server: MockServer) -> dict[str, Any]:
    """An upload policy, as the SDK asks for one before it uploads."""
    got: dict[str, Any] = httpx.get(server.url + "/api/v1/uploads", headers=create_headers(),
                                    params={"action": "getPolicy", "model": "wan2.2-i2v-flash"}).json()["data"]
    return got


def upload_body(policy: dict[str, Any], name: str, data: bytes) -> tuple[bytes, str]:
    """(multipart body, its content type) of an OSS PostObject of `data` under `name`, fields as the SDK sends."""
    fields = {"OSSAccessKeyId": policy["oss_access_key_id"], "Signature": policy["signature"],
              "policy": policy["policy"], "key": f"{policy['upload_dir']}/{name}", "x-oss-object-acl": "private",
              "x-oss-forbid-overwrite": "true", "success_action_status": "200"}
    parts = [b'--b0undary\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k.encode(), v.encode())
             for k, v in fields.items()]
    parts.append(b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
                 b"Content-Type: image/jpeg\r\n\r\n" % name.encode() + data + b"\r\n--b0undary--\r\n")
    return b"".join(parts), "multipart/form-data; boundary=b0undary"


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chunked_uploads(server: MockServer, policy: dict[str, Any], size: int) -> None:
    conn = Connection(server.host, server.port)
    for i in range(REPS):  # and keep-alive between them
        body, kind = upload_body(policy, f"chunked-{size}-{i}.jpg", photo(size))
        head, framed = request("POST", "/__oss/upload", body, {"Content-Type": kind}, chunked=True)
        conn.send(head + framed)
        answer = conn.answer()
        assert answer.status == 200 and answer.headers["etag"], answer
    conn.close()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_expect_100_continue_uploads(server: MockServer, policy: dict[str, Any], size: int) -> None:
    conn = Connection(server.host, server.port)
    for i in range(REPS):  # what curl does with a file over 1 MB
        body, kind = upload_body(policy, f"expect-{size}-{i}.jpg", photo(size))
        head, _ = request("POST", "/__oss/upload", body, {"Content-Type": kind, "Expect": "100-continue"})
        conn.send(head)
        assert conn.answer().status == 100  # asked for the body before anything is answered
        conn.send(body)
        answer = conn.answer()
        assert answer.status == 200 and answer.headers["etag"], answer
    conn.close()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_data_uri_creates_through_httpx(server: MockServer, size: int) -> None:
    with httpx.Client(base_url=server.url, timeout=20) as client:
        for _ in range(REPS):
            r = client.post(CREATE, content=create_body(size), headers=create_headers())
            assert r.status_code == 200 and r.json()["output"]["task_status"] == "PENDING", r.text[:300]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_keep_alive_and_pipelined_after_an_error_answer(server: MockServer, size: int) -> None:
    body = create_body(size)
    refused = b"".join(request("POST", CREATE, body, {"X-DashScope-Async": "enable"}))  # no key: 401
    unrouted = b"".join(request("POST", "/api/v1/nowhere", body, create_headers()))  # answered unread: 404
    poll = b"".join(request("GET", "/api/v1/tasks/none", headers=create_headers()))
    conn = Connection(server.host, server.port)
    for i in range(REPS):
        if i % 2:
            conn.send(refused)
            assert conn.answer().status == 401
            conn.send(unrouted)
            assert conn.answer().status == 404
            conn.send(poll)
            assert conn.answer().status == 200
        else:  # pipelined: all three in one write, three answers in order
            conn.send(refused + unrouted + poll)
            assert [conn.answer().status for _ in range(3)] == [401, 404, 200]
    conn.close()


@pytest.fixture(scope="module")
def sdk_files(server: MockServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("payloads")
    for size in SIZES:
        (folder / f"photo-{size}.jpg").write_bytes(photo(size))
        (folder / f"clip-{size}.mp4").write_bytes(payloads.video(size, seconds=3))
        (folder / f"voice-{size}.wav").write_bytes(payloads.audio(size, seconds=10))
    server.activate()  # the official SDK talks to the served twin over its socket
    yield folder
    server.close()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sdk_file_uploads(server: MockServer, sdk_files: Path, size: int) -> None:
    from dashscope import VideoSynthesis

    photo_url = f"file://{sdk_files}/photo-{size}.jpg"
    calls = itertools.cycle([
        lambda: VideoSynthesis.async_call(model="wan2.2-i2v-flash", prompt="a cat", img_url=photo_url,
                                          resolution="480P"),
        lambda: VideoSynthesis.async_call(model="wan2.7-r2v", prompt="character1 walks", media=[
            {"type": "reference_video", "url": f"file://{sdk_files}/clip-{size}.mp4"}]),
        lambda: VideoSynthesis.async_call(model="wan2.7-i2v", prompt="she sings", media=[
            {"type": "first_frame", "url": photo_url},
            {"type": "driving_audio", "url": f"file://{sdk_files}/voice-{size}.wav"}]),
    ])
    for _ in range(REPS):  # image, video and audio files in turn
        rsp = next(calls)()
        assert rsp.status_code == 200 and rsp.output.task_status == "PENDING", rsp


def test_a_head_is_counted_to_its_end(server: MockServer) -> None:
    padding = {"X-Padding": "p" * 60_000}  # a 60 KB head: under the 64 KiB cap, whatever follows it
    head, body = request("POST", CREATE, create_body(SIZES[1]), {**create_headers(), **padding})
    conn = Connection(server.host, server.port)
    conn.send(head + body)
    _created(conn.answer())
    conn.close()
    too_big = {"X-Padding": "p" * (serving.MAX_HEADER_BYTES + 10)}
    for whole in (True, False):  # the head in one read with its end, or still going when the cap passes
        conn = Connection(server.host, server.port)
        head, body = request("POST", CREATE, b"{}", {**create_headers(), **too_big})
        conn.send(head + body if whole else head[: serving.MAX_HEADER_BYTES + 5])
        answer = conn.answer()  # answered, then closed: not a silent hang-up
        assert answer.status == 400 and answer.headers["connection"] == "close", answer
        assert answer.json() == {"request_id": answer.json()["request_id"],  # type: ignore[index]
                                 "code": "BadRequest.TooLarge", "message": "Payload Too Large."}
        conn.close()


def test_pipelined_head_keeps_the_connection_in_step(server: MockServer) -> None:
    conn = Connection(server.host, server.port)
    head = b"".join(request("HEAD", "/openapi.json"))
    get = b"".join(request("GET", "/api/v1/tasks/none", headers=create_headers()))
    for _ in range(5):
        conn.send(head + get + head + get)
        first = conn.answer(head_only=True)
        assert first.status == 200 and "openapi" not in first.headers.get("content-type", "x"), first
        assert first.headers["content-type"].startswith("application/json")
        polled = conn.answer()
        assert polled.status == 200 and b'"UNKNOWN"' in polled.body, polled
        assert conn.answer(head_only=True).status == 200
        assert b'"UNKNOWN"' in conn.answer().body
    conn.close()


def test_odd_expires_and_range(server: MockServer) -> None:
    body = orjson.dumps({"model": "wanx2.1-t2i-turbo", "input": {"prompt": "a cat"}, "parameters": {"n": 1}})
    with httpx.Client(base_url=server.url, timeout=10) as client:
        created = client.post("/api/v1/services/aigc/text2image/image-synthesis", content=body,
                              headers=create_headers())
        task_id = created.json()["output"]["task_id"]
        server.advance(300)
        url = client.get(f"/api/v1/tasks/{task_id}", headers=create_headers()).json()["output"]["results"][0]["url"]
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert client.get(url).status_code == 200
        for odd in ("\u00b2", "1" * 5000, "1" * 13, "\u0661\u0662"):  # superscript two, too long, Arabic digits
            r = client.get(parts.path, params={**query, "Expires": odd})
            assert r.status_code == 403 and b"<Code>AccessDenied</Code>" in r.content, (odd, r.text[:200])
        for odd in ("bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000):
            r = client.get(url, headers={"Range": odd})
            assert r.status_code in (200, 206, 416), (odd[:20], r.status_code, r.text[:200])
            if r.status_code == 416:
                assert b"<Code>InvalidRange</Code>" in r.content
        assert client.get(url, headers={"Range": "bytes=" + "9" * 5000 + "-"}).status_code == 416


def test_answers_stay_quick(server: MockServer) -> None:
    # the drain before an early answer must not hold a small request up
    started = time.monotonic()
    conn = Connection(server.host, server.port)
    for _ in range(50):
        conn.send(b"".join(request("POST", "/api/v1/nowhere", b"x" * 1000, create_headers())))
        assert conn.answer().status == 404
    conn.close()
    assert time.monotonic() - started < 5


def test_an_upload_over_the_limit_is_answered_not_reset() -> None:
    import requests  # what the official SDK uploads with

    with MockServer(frozen=True, log_requests=False, upload_max_mb=1) as twin, requests.Session() as http:
        policy = http.get(twin.url + "/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.6-t2v"},
                          headers=create_headers()).json()["data"]
        fields = {"OSSAccessKeyId": policy["oss_access_key_id"], "Signature": policy["signature"],
                  "policy": policy["policy"], "key": policy["upload_dir"] + "/big.jpg", "x-oss-object-acl": "private",
                  "x-oss-forbid-overwrite": "true", "success_action_status": "200"}
        big = photo(SIZES[2])  # 8 MB against a 1 MB limit: answered before the body is read
        for _ in range(REPS):
            r = http.post(policy["upload_host"], data=fields, files={"file": ("big.jpg", big)}, timeout=20)
            assert r.status_code == 400 and b"<Code>EntityTooLarge</Code>" in r.content, r.content[:300]


def test_an_expect_100_request_answered_early_is_not_asked_for_its_body(server: MockServer) -> None:
    conn = Connection(server.host, server.port)
    head, _ = request("POST", "/api/v1/nowhere", b"x" * 1_000_000, {**create_headers(), "Expect": "100-continue"})
    conn.send(head)
    answer = conn.answer()  # the 404 itself, not a `100 Continue` that would make the client send 1 MB for nothing
    assert answer.status == 404 and answer.headers["connection"] == "close", answer
    conn.close()


def test_an_early_answer_past_the_drain_budget_still_goes_out_then_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serving, "DRAIN_BYTES", 10_000)
    with MockServer(frozen=True, log_requests=False) as twin:
        conn = Connection(twin.host, twin.port)
        head, _ = request("POST", "/api/v1/nowhere", b"x" * 1_000_000, create_headers())
        conn.send(head + b"x" * 1000)  # 1 MB declared, far past the budget: not read, answered, closed
        answer = conn.answer()
        assert answer.status == 404 and answer.headers["connection"] == "close", answer
        conn.close()
        conn = Connection(twin.host, twin.port)
        conn.send(b"".join(request("POST", "/api/v1/nowhere", b"x" * 5000, create_headers())))
        assert conn.answer().headers.get("connection") != "close"  # within the budget: drained, kept alive
        conn.send(b"".join(request("GET", "/api/v1/tasks/none", headers=create_headers())))
        assert conn.answer().status == 200
        conn.close()
