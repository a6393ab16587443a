"""Uploads through the policy flow (getPolicy -> OSS PostObject -> oss://) and downloads of results."""

from __future__ import annotations

import asyncio
import struct
import zlib
from pathlib import Path

import httpx
import pytest

from clients import ResponseError, UploadError
from clients.testing import abind, bind
from mockserver.testing import DashScopeMock, MockTransport

MODEL = "wan2.2-i2v-plus"


def png(width: int = 640, height: int = 480) -> bytes:
    """A real (grey) PNG the mock's media inspection accepts."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Spy(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


def test_upload_follows_the_policy_flow(mock: DashScopeMock, tmp_path: Path) -> None:
    spy = Spy(MockTransport(mock.app))
    client = bind(mock.app, transport=spy)
    image = tmp_path / "first frame.png"
    image.write_bytes(png())
    url = client.upload(image, MODEL)
    policy_get, post = spy.requests
    assert policy_get.url.params["action"] == "getPolicy" and policy_get.url.params["model"] == MODEL
    assert "authorization" not in post.headers  # the API key never goes to the upload host
    body = post.read().decode("latin-1")
    fields = ["OSSAccessKeyId", "Signature", "policy", "key", "x-oss-object-acl", "x-oss-forbid-overwrite",
              "success_action_status", "x-oss-content-type", "file"]
    positions = [body.index(f'name="{f}"') for f in fields]
    assert positions == sorted(positions)  # the file goes last, as OSS requires
    assert url.startswith("oss://dashscope-instant/") and url.endswith("/first frame.png")


def test_creates_upload_local_files_and_ask_for_oss_resolution(mock: DashScopeMock, tmp_path: Path) -> None:
    spy = Spy(MockTransport(mock.app))
    client = bind(mock.app, transport=spy)
    first, last = tmp_path / "a" / "f.png", tmp_path / "b" / "f.png"  # same name: two distinct keys
    for p in (first, last):
        p.parent.mkdir()
        p.write_bytes(png())
    created = client.create("wan2.2-kf2v-flash", {"prompt": "x", "first_frame_url": first.as_uri(),
                                                   "last_frame_url": last})
    policy_gets = [r for r in spy.requests if r.url.path.endswith("/uploads")]
    assert len(policy_gets) == 1  # one policy per create, reused for every file
    create = next(r for r in spy.requests if "/services/aigc/" in r.url.path)
    assert create.headers["x-dashscope-ossresourceresolve"] == "enable"
    sent = httpx.Response(200, content=create.read()).json()["input"]
    assert sent["first_frame_url"] != sent["last_frame_url"]
    assert all(sent[k].startswith("oss://") for k in ("first_frame_url", "last_frame_url"))
    assert client.wait(created).status == "SUCCEEDED"


def test_missing_files_fail_before_anything_is_sent(mock: DashScopeMock, tmp_path: Path) -> None:
    spy = Spy(MockTransport(mock.app))
    client = bind(mock.app, transport=spy)
    with pytest.raises(UploadError):
        client.create(MODEL, {"prompt": "x", "img_url": (tmp_path / "nope.png").as_uri()})
    assert spy.requests == []


def test_download_saves_every_result_with_progress(mock: DashScopeMock, tmp_path: Path) -> None:
    client = bind(mock.app)
    task = client.run("wanx2.1-t2i-turbo", {"prompt": "a cat"}, {"n": 2})
    progress: list[tuple[str, int, int | None]] = []
    paths = client.download(task, tmp_path / "out", progress=lambda *p: progress.append(p))
    assert len(paths) == 2 and all(p.read_bytes().startswith(b"\x89PNG") for p in paths)
    for path in paths:
        last = [p for p in progress if p[0] == path.name][-1]
        assert last[1] == path.stat().st_size and last[2] in (None, path.stat().st_size)
    assert not list((tmp_path / "out").glob("*.part"))


def test_download_of_an_expired_url_fails_cleanly(mock: DashScopeMock, tmp_path: Path) -> None:
    client = bind(mock.app)
    task = client.run("wan2.2-t2v-plus", {"prompt": "a cat"})
    mock.advance(2 * 86400)  # result URLs are signed for 24 h (docs/behaviour.md §2.4)
    with pytest.raises(ResponseError) as expired:
        client.download(task, tmp_path)
    assert expired.value.status in (400, 403, 404)
    assert not list(tmp_path.iterdir())


def test_async_upload_and_download(mock: DashScopeMock, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png())

    async def run() -> list[Path]:
        async with abind(mock.app) as client:
            created = await client.create(MODEL, {"prompt": "x", "img_url": image})
            task = await client.wait(created)
            return await client.download(task, tmp_path / "out")

    (video,) = asyncio.run(run())
    assert video.suffix == ".mp4" and b"ftyp" in video.read_bytes()[:16]
