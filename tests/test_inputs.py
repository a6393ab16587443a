"""Input files in create requests: data: URIs against each field's documented limits, URL syntax, download marks."""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from typing import Any

import pytest

from mockserver.domain.inputs import url_ok
from mockserver.domain.media_fields import media_fields
from mockserver.formats import mp4, png, wav
from mockserver.formats.sniff import decode_data_uri, probe
from mockserver.spec.document import load_spec
from mockserver.testing import DashScopeMock

IMG = "https://cdn.example.com/a.png"
SPEC = load_spec()


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def jpeg(width: int, height: int) -> bytes:
    """The header of a baseline JPEG: SOI, an APP0 segment, SOF0 with the size (enough for any sniffer)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def outcome(mock: DashScopeMock, model: str, body: dict[str, Any]) -> tuple[int, str, str]:
    """(HTTP status, code, message) of a create, or of the task it made once the clock has moved on."""
    r = mock.create(model, body={"model": model, **body})
    if r.status_code != 200:
        return r.status_code, r.json()["code"], r.json()["message"]
    mock.advance(30)
    out = mock.get(r.json()["output"]["task_id"])["output"]
    return 200, out.get("code", out["task_status"]), out.get("message", "")


# ---- the spec's table --------------------------------------------------------------------------------


def test_every_input_error_is_a_catalogue_message_of_its_code() -> None:
    table = SPEC.doc["x-dashscope-input-errors"]
    entries = [*table["oss"].values(), *table["media"].values(), *table["download"]]
    for entry in entries:
        documented = SPEC.errors[entry["code"]]["messages"]
        generic = entry["message"]
        for name in ("{max_mb}", "{min_px}", "{max_px}", "{min_s}", "{max_s}", "{url}"):
            generic = generic.replace(name, "xxx")
        assert generic in documented, entry
    assert table["download"][-1].keys() >= {"code", "message"} and not {"models", "fields", "kind"} & set(
        table["download"][-1]), "the last download entry must match everything"


# ---- what the bytes are --------------------------------------------------------------------------------


def test_probe_reads_formats_sizes_and_durations() -> None:
    png_probe = probe(png.image(300, 200, (1, 2, 3)))
    assert png_probe is not None
    assert (png_probe.format, png_probe.kind, png_probe.width, png_probe.height) == ("png", "image", 300, 200)
    jpg = probe(jpeg(1440, 1797))
    assert jpg is not None and (jpg.format, jpg.width, jpg.height) == ("jpeg", 1440, 1797)
    vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X" + bytes(8) + (799).to_bytes(3, "little") + (599).to_bytes(3, "little")
    webp = probe(vp8x)
    assert webp is not None and (webp.format, webp.width, webp.height) == ("webp", 800, 600)
    bmp = probe(b"BM" + bytes(16) + struct.pack("<ii", 64, -32) + bytes(30))
    assert bmp is not None and (bmp.format, bmp.width, bmp.height) == ("bmp", 64, 32)
    wav_probe = probe(wav.wav(2.5))
    assert wav_probe is not None and (wav_probe.format, wav_probe.kind, wav_probe.duration) == ("wav", "audio", 2.5)
    mp4_probe = probe(mp4.video(480, 360, 15, 3.0))
    assert mp4_probe is not None
    assert (mp4_probe.format, mp4_probe.kind, mp4_probe.width, mp4_probe.height, mp4_probe.duration) == (
        "mp4", "video", 480, 360, 3.0)
    mp3 = probe(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(16000 - 4))  # 128 kbps
    assert mp3 is not None and mp3.format == "mp3" and mp3.duration == pytest.approx(1.0)
    assert probe(b"%PDF-1.7 not media") is None


def test_data_uris_decode_or_do_not() -> None:
    assert decode_data_uri("data:image/png;base64,iVBO\n Rw0K") == ("image/png", b"\x89PNG\r\n")
    assert decode_data_uri("data:text/plain,a%20b") == ("text/plain", b"a b")
    assert decode_data_uri("data:image/png;base64,***") is None
    assert decode_data_uri("data:image/png;base64") is None


@pytest.mark.parametrize(("url", "ok"), [
    ("https://cdn.example.com/a.png?x=1", True), ("http://127.0.0.1:8080/a", True), ("https://[::1]/a", True),
    ("https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20250923/中文.png", True),
    ("https://exa mple.com/a.png", False), ("https:///a.png", False), ("http://host:99999/a", False),
    ("https://a.com/\x00", False), ("http://a..b<c>/x", False),
])
def test_http_url_syntax(url: str, ok: bool) -> None:
    assert url_ok(url) is ok


def test_media_limits_follow_the_schema_branch_the_body_takes() -> None:
    profile = SPEC.model_schemas()["Wan27VideoeditRequest"]
    body = {"input": {"media": [{"type": "reference_image", "url": IMG}, {"type": "video", "url": IMG}]}}
    found = dict(media_fields(SPEC).find(profile, body))
    assert found[("input", "media", 0, "url")]["kind"] == "image"
    assert found[("input", "media", 1, "url")] == {"kind": "video"}  # 10 s is the output's limit (000 L7)
    r2v = SPEC.model_schemas()["Wan26R2vRequest"]
    kinds = [m["kind"] for p, m in media_fields(SPEC).find(r2v, {"input": {"reference_urls": [IMG]}})]
    assert kinds == ["image", "video"]  # either may be sent: the bytes decide


# ---- data: URIs in create requests ---------------------------------------------------------------------

I2I = "wan2.5-i2i-preview"  # validated at submit; images: jpeg/jpg/png/bmp/webp, <= 10 MB, 384-5000 px


def i2i(url: str) -> dict[str, Any]:
    return {"input": {"prompt": "edit", "images": [url]}}


@pytest.mark.parametrize(("uri", "code", "message"), [
    (data_uri("image/png", png.image(100, 500, (1, 1, 1))), "InvalidFile.Resolution",
     "The image resolution is invalid, please make sure that the largest length of image is smaller than 5000, "
     "and the smallest length of image is larger than 384."),
    (data_uri("image/png", jpeg(800, 800)), "InvalidFile.Format", None),
    (data_uri("image/gif", b"GIF89a" + struct.pack("<HH", 800, 800) + bytes(8)), "InvalidFile.Format", None),
    (data_uri("image/png", b"\x00" * 64), "InvalidFile.Openerror", None),
    ("data:image/png;base64,@@@@", "InvalidFile.Openerror", None),
    (data_uri("image/png", png.image(800, 800, (1, 1, 1)) + b"\x00" * (10 << 20)), "InvalidFile.Size",
     "Invalid file size. The video/audio/image file size must be less than 10MB."),
], ids=["too-small", "mime-mismatch", "format", "not-media", "bad-base64", "too-big"])
def test_data_uri_violations_at_submit(mock: DashScopeMock, uri: str, code: str, message: str | None) -> None:
    status, got_code, got_message = outcome(mock, I2I, i2i(uri))
    assert (status, got_code) == (400, code), got_message
    if message:
        assert got_message == message


def test_a_good_data_uri_passes(mock: DashScopeMock) -> None:
    assert outcome(mock, I2I, i2i(data_uri("image/png", png.image(400, 600, (1, 1, 1)))))[:2] == (
        200, "SUCCEEDED")
    assert outcome(mock, I2I, i2i(data_uri("image/jpeg", jpeg(1024, 768))))[:2] == (200, "SUCCEEDED")


S2V = {"input": {"image_url": IMG, "audio_url": data_uri("audio/wav", wav.wav(25))},
       "parameters": {"resolution": "480P"}}  # s2v audio: at most 20 s


def test_a_deferred_model_fails_the_task_in_faithful_mode(make_mock: Callable[..., DashScopeMock]) -> None:
    faithful = make_mock("faithful")
    assert outcome(faithful, "wan2.2-s2v", S2V) == (
        200, "InvalidFile.Duration", "Invalid file duration. The file duration must be 0 s ~ 20 s.")
    strict = make_mock("dev")
    assert outcome(strict, "wan2.2-s2v", S2V)[:2] == (400, "InvalidFile.Duration")


def test_a_schema_error_wins_over_an_input_error_on_a_deferred_task(make_mock: Callable[..., DashScopeMock]) -> None:
    faithful = make_mock("faithful")
    body = {**S2V, "parameters": {"resolution": "360P"}}
    status, code, message = outcome(faithful, "wan2.2-s2v", body)
    assert (status, code) == (200, "InvalidParameter") and "parameters.resolution" in message


# ---- http(s) URLs ----------------------------------------------------------------------------------------


def test_malformed_http_urls(make_mock: Callable[..., DashScopeMock]) -> None:
    bad = "https://exa mple.com/a.png"
    assert outcome(make_mock("dev"), I2I, i2i(bad)) == (400, "InvalidURL", "Invalid URL provided in your request.")
    i2v = {"input": {"prompt": "p", "img_url": bad}}
    assert outcome(make_mock("faithful"), "wan2.2-i2v-plus", i2v)[:2] == (200, "InvalidURL")
    prompt_only = {"input": {"prompt": "see https://exa mple.com"}}  # not a URL field: never checked
    assert outcome(make_mock("dev"), "wan2.6-t2v", prompt_only)[:2] == (200, "SUCCEEDED")


BROKEN = "https://cdn.example.com/gone.png"
BROKEN_MP4 = "https://cdn.example.com/gone.mp4"


@pytest.mark.parametrize(("model", "body", "code", "message"), [
    ("wan2.2-i2v-plus", {"input": {"prompt": "p", "img_url": BROKEN}},
     "InvalidParameter.FileDownload", "download for input_image error"),
    ("wan2.7-i2v", {"input": {"prompt": "p", "media": [{"type": "first_frame", "url": BROKEN}]}},
     "InvalidParameter", f"Failed to download {BROKEN}"),
    ("wan2.2-s2v", {"input": {"image_url": BROKEN, "audio_url": IMG.replace(".png", ".mp3")},
                    "parameters": {"resolution": "480P"}},
     "InvalidURL", "Required URL is missing or invalid, please check the request URL."),
    ("wan2.1-vace-plus", {"input": {"function": "video_outpainting", "prompt": "p", "video_url": BROKEN_MP4}},
     "InvalidParameter.FileDownload", "download for input video error"),
    ("wanx2.1-imageedit", {"input": {"prompt": "p", "function": "stylization_all", "base_image_url": BROKEN}},
     "InvalidParameter.FileDownload", "download for input_image error"),
], ids=["legacy", "media-protocol", "s2v", "video", "submit-validated-model"])
def test_undownloadable_urls_fail_the_task(mock: DashScopeMock, model: str, body: dict[str, Any], code: str,
                                           message: str) -> None:
    for url in (BROKEN, BROKEN_MP4):
        assert mock.http.post("/__mock/undownloadable", json={"url": url}).status_code == 200
    assert outcome(mock, model, body) == (200, code, message)


def test_undownloadable_marks_are_managed_by_the_admin_api(mock: DashScopeMock) -> None:
    body = {"input": {"prompt": "p", "img_url": BROKEN}}
    r = mock.http.post("/__mock/undownloadable", json={"url": BROKEN})
    assert r.json() == {"undownloadable": [BROKEN]}
    assert mock.http.get("/__mock/undownloadable").json() == {"undownloadable": [BROKEN]}
    assert outcome(mock, "wan2.2-i2v-plus", {"input": {"prompt": BROKEN, "img_url": IMG}})[1] == "SUCCEEDED"
    assert outcome(mock, "wan2.2-i2v-plus", body)[1] == "InvalidParameter.FileDownload"
    assert mock.http.delete("/__mock/undownloadable").json() == {"undownloadable": []}
    assert outcome(mock, "wan2.2-i2v-plus", body)[1] == "SUCCEEDED"
    assert mock.http.post("/__mock/undownloadable", json={"url": "ftp://x/y"}).status_code == 400


def test_an_input_duration_carries_into_the_output(mock: DashScopeMock) -> None:
    body = {"model": "wan2.2-s2v", **S2V, "input": {**S2V["input"], "audio_url": data_uri(
        "audio/x-wav", wav.wav(7.5))}}
    task_id = mock.task_id("wan2.2-s2v", body=body)
    mock.advance(30)
    got = mock.get(task_id)
    assert got["output"]["task_status"] == "SUCCEEDED"
    task = mock.twin.tasks.find(task_id)
    assert task is not None
    assert mock.twin.tasks.facts(task).output_duration == 7.5
