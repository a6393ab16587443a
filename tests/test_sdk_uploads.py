"""Local files through the official SDK: getPolicy, the OSS-style PostObject to the mock, then `oss://` URLs
resolved by the create (docs/sdk-wire.md §5)."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import dashscope
import pytest
from dashscope import ImageSynthesis, VideoSynthesis

from mockserver.formats import png, wav
from mockserver.pytest_plugin import DashScopeMock, WireRecord

pytestmark = pytest.mark.dashscope_mock(frozen=True)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a valid image and a short WAV (the mock inspects uploaded media)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "first.png").write_bytes(png.image(1024, 768, (10, 20, 30)))
    (tmp_path / "voice.wav").write_bytes(wav.wav(5))
    return tmp_path


def _kinds(requests: list[WireRecord]) -> list[str]:
    kinds = {"/api/v1/uploads": "policy", "/__oss/upload": "upload"}
    return [kinds.get(r.path, "create" if "/services/" in r.path else "poll") for r in requests]


def test_v1_video_uploads_a_local_image(dashscope_mock: DashScopeMock, files: Path) -> None:
    rsp = VideoSynthesis.call(model="wan2.2-i2v-flash", prompt="a cat", img_url="file://./first.png",
                              resolution="480P")
    assert rsp.status_code == HTTPStatus.OK
    assert rsp.output.task_status == "SUCCEEDED"
    reqs = dashscope_mock.requests
    assert _kinds(reqs)[:3] == ["policy", "upload", "create"]
    assert reqs[0].query == "action=getPolicy&model=wan2.2-i2v-flash"
    assert all(r.status == 200 for r in reqs)  # the SDK accepts an upload only on 200 (docs/sdk-wire.md §5.3)
    create = reqs[2]
    assert create.headers["x-dashscope-ossresourceresolve"] == "enable"
    assert create.json()["input"]["img_url"].startswith("oss://dashscope-instant/")
    assert create.json()["input"]["img_url"].endswith("/first.png")


def test_v1_media_items_upload_one_policy_per_file(dashscope_mock: DashScopeMock, files: Path) -> None:
    rsp = VideoSynthesis.call(model="wan2.7-i2v", prompt="she sings",
                              media=[{"type": "first_frame", "url": "first.png"},
                                     {"type": "driving_audio", "url": "file://./voice.wav"}])
    assert rsp.output.task_status == "SUCCEEDED", rsp
    # VideoSynthesis asks for a policy per file (docs/sdk-wire.md §5.5)
    assert _kinds(dashscope_mock.requests).count("policy") == 2
    create = next(r for r in dashscope_mock.requests if "/services/" in r.path)
    urls = [item["url"] for item in create.json()["input"]["media"]]
    assert [u.startswith("oss://") for u in urls] == [True, True]
    assert urls[0].endswith("/first.png") and urls[1].endswith("/voice.wav")


def test_v1_image_edit_overwrites_a_key(dashscope_mock: DashScopeMock, files: Path) -> None:
    # one policy for the call, two files with the same basename: the same key is uploaded twice (docs/sdk-wire.md §5.6)
    rsp = ImageSynthesis.call(model="wanx2.1-imageedit", function="description_edit_with_mask", prompt="a vase",
                              base_image_url="./first.png", mask_image_url=f"file://{files / 'first.png'}", n=1)
    assert rsp.output.task_status == "SUCCEEDED", rsp
    assert _kinds(dashscope_mock.requests)[:4] == ["policy", "upload", "upload", "create"]
    body = dashscope_mock.requests[3].json()["input"]
    assert body["base_image_url"] == body["mask_image_url"]


def test_v2_uploads_through_the_client_base_url(dashscope_mock: DashScopeMock, files: Path) -> None:
    job = dashscope.Client().videos.generate(model="wan2.7-i2v", prompt="a cat", image_url="file://./first.png")
    assert job.status == "SUCCEEDED"
    create = next(r for r in dashscope_mock.requests if "/services/" in r.path)
    assert create.headers["x-dashscope-ossresourceresolve"] == "enable"
    (item,) = create.json()["input"]["media"]
    assert item["type"] == "first_frame" and item["url"].startswith("oss://")


def test_an_oss_url_nobody_uploaded_is_rejected(dashscope_mock: DashScopeMock) -> None:
    rsp = VideoSynthesis.async_call(model="wan2.2-i2v-flash", prompt="a cat", resolution="480P",
                                    img_url="oss://dashscope-instant/nobody/2026-01-01/x/first.png")
    assert rsp.status_code == HTTPStatus.BAD_REQUEST
    assert rsp.code and rsp.message
    assert dashscope_mock.task_ids() == []
