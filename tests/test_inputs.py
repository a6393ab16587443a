"""Input files in create requests: data: URIs against each field's documented limits, URL syntax, download marks."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import av
import pytest
from PIL import Image

from mockserver.domain.inputs import url_ok
from mockserver.domain.media_fields import media_fields
from mockserver.formats import mp4, png, wav
from mockserver.formats.sniff import decode_data_uri, probe
from mockserver.spec.document import load_spec
from mockserver.testing import AUTH, DashScopeMock

IMG = "https://cdn.example.com/a.png"
RESOLVE = {"X-DashScope-OssResourceResolve": "enable"}
SPEC = load_spec()


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def image(fmt: str, width: int, height: int, mode: str = "RGB") -> bytes:
    """A real image file of `fmt` (Pillow writes it)."""
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, fmt)
    return out.getvalue()


def jpeg(width: int, height: int) -> bytes:
    return image("JPEG", width, height)


def encoded(container: str, seconds: float, *, video: tuple[int, int, int] | None = None,
            audio: str | None = None) -> bytes:
    """A real media file (PyAV encodes it): `video` = (width, height, fps) black frames, `audio` = a codec's
    silence."""
    out = io.BytesIO()
    with av.open(out, "w", format=container) as box:
        if video is not None:
            width, height, fps = video
            stream = box.add_stream("mpeg4", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for i in range(round(seconds * fps)):
                frame = av.VideoFrame(width, height, "yuv420p")
                for plane in frame.planes:
                    plane.update(bytes(plane.buffer_size))
                frame.pts = i
                box.mux(stream.encode(frame))
            box.mux(stream.encode(None))
        if audio is not None:
            sound = box.add_stream(audio, rate=44100, layout="mono")
            size = sound.codec_context.frame_size or 1024
            for i in range(round(seconds * 44100 / size)):
                block = av.AudioFrame(format=sound.codec_context.format.name, layout="mono", samples=size)
                for plane in block.planes:
                    plane.update(bytes(plane.buffer_size))
                block.sample_rate, block.pts = 44100, i * size
                box.mux(sound.encode(block))
            box.mux(sound.encode(None))
    return out.getvalue()


def uploaded(mock: DashScopeMock, model: str, name: str, content: bytes) -> str:
    """Upload `content` the way the official SDK does (getPolicy, then the OSS form post); its oss:// URL."""
    data = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": model},
                         headers=AUTH).json()["data"]
    fields = {"OSSAccessKeyId": data["oss_access_key_id"], "Signature": data["signature"], "policy": data["policy"],
              "key": f"{data['upload_dir']}/{name}", "x-oss-object-acl": data["x_oss_object_acl"],
              "x-oss-forbid-overwrite": data["x_oss_forbid_overwrite"], "success_action_status": "200"}
    r = mock.http.post(data["upload_host"], data=fields, files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == 200, r.text
    return f"oss://{data['upload_dir']}/{name}"


def resolving(mock: DashScopeMock, model: str) -> dict[str, str]:
    """The handle's create headers plus X-DashScope-OssResourceResolve (as the SDK sends after an upload)."""
    profile = mock.twin.registry.model(model)
    assert profile is not None
    return {**mock.headers(asynchronous=profile.mode == "async"), **RESOLVE}


def outcome(mock: DashScopeMock, model: str, body: dict[str, Any]) -> tuple[int, str, str]:
    """(HTTP status, code, message) of a create, or of the task it made once the clock has moved on."""
    r = mock.create(model, body={"model": model, **body}, headers=resolving(mock, model))
    if r.status_code != 200:
        return r.status_code, r.json()["code"], r.json()["message"]
    mock.advance(30)
    out = mock.get(r.json()["output"]["task_id"])["output"]
    return 200, out.get("code", out["task_status"]), out.get("message", "")


# ---- the spec's table --------------------------------------------------------------------------------


def test_every_input_error_is_a_catalogue_message_of_its_code() -> None:
    table = SPEC.doc["x-dashscope-input-errors"]
    entries = [*table["oss"].values(), *table["media"].values(), *table["download"],
               *(e for own in table.get("models", {}).values() for e in own.values())]
    for entry in entries:
        documented = SPEC.errors[entry["code"]]["messages"]
        generic = entry["message"]
        for name in ("{max_mb}", "{min_px}", "{max_px}", "{min_s}", "{max_s}", "{min_fps}", "{max_fps}", "{max_aspect}",
                     "{formats}",
                     "{url}"):
            generic = generic.replace(name, "xxx")
        assert generic in documented, entry
    assert table["download"][-1].keys() >= {"code", "message"} and not {"models", "fields", "kind"} & set(
        table["download"][-1]), "the last download entry must match everything"


# ---- what the bytes are --------------------------------------------------------------------------------


def test_probe_reads_formats_sizes_and_durations() -> None:
    png_probe = probe(png.image(300, 200, (1, 2, 3)))
    assert png_probe is not None
    assert (png_probe.format, png_probe.kind, png_probe.width, png_probe.height, png_probe.alpha) == (
        "png", "image", 300, 200, False)
    for fmt, name in (("JPEG", "jpeg"), ("WEBP", "webp"), ("BMP", "bmp"), ("TIFF", "tiff"), ("GIF", "gif")):
        found = probe(image(fmt, 1440, 1797))
        assert found is not None and (found.format, found.width, found.height) == (name, 1440, 1797), fmt
    rgba = probe(image("PNG", 64, 32, "RGBA"))
    assert rgba is not None and rgba.alpha is True
    wav_probe = probe(wav.wav(2.5))
    assert wav_probe is not None and (wav_probe.format, wav_probe.kind, wav_probe.duration) == ("wav", "audio", 2.5)
    mp4_probe = probe(mp4.video(480, 360, 15, 3.0))  # the twin's own hand-written H.264 results read back
    assert mp4_probe is not None
    assert (mp4_probe.format, mp4_probe.kind, mp4_probe.width, mp4_probe.height, mp4_probe.duration,
            mp4_probe.fps) == ("mp4", "video", 480, 360, 3.0, 15.0)
    for container, name in (("avi", "avi"), ("mov", "mov"), ("matroska", "mkv")):
        found = probe(encoded(container, 2.0, video=(320, 240, 24)))
        assert found is not None and (found.format, found.kind, found.width, found.height) == (
            name, "video", 320, 240), container
        assert found.fps == 24.0 and found.duration == pytest.approx(2.0, abs=0.05), found
    mp3 = probe(encoded("mp3", 7.5, audio="libmp3lame"))
    assert mp3 is not None and mp3.format == "mp3" and mp3.duration == pytest.approx(7.5, abs=0.1)
    aac = probe(encoded("adts", 3.0, audio="aac"))
    assert aac is not None and aac.format == "aac" and aac.duration == pytest.approx(3.0, abs=0.1)
    assert probe(b"%PDF-1.7 not media") is None
    assert probe(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64) is None  # PNG magic, no readable header
    assert probe(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64) is None  # MP4 magic, no readable container


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
    assert found[("input", "media", 1, "url")] == {"kind": "video", "schemes": ["http", "https", "oss"]}
    # (no duration limit: the 10 s of 000 L7 is the output's)
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
    (data_uri("image/gif", image("GIF", 800, 800)), "InvalidFile.Format", None),
    (data_uri("image/png", image("PNG", 800, 800, "RGBA")), "InvalidFile.Format", None),
    (data_uri("image/png", b"\x00" * 64), "InvalidFile.Openerror", None),
    ("data:image/png;base64,@@@@", "InvalidFile.Openerror", None),
    (data_uri("image/png", png.image(800, 800, (1, 1, 1)) + b"\x00" * (10 << 20)), "InvalidFile.Size",
     "Invalid file size. The video/audio/image file size must be less than 10MB."),
], ids=["too-small", "mime-mismatch", "format", "alpha", "not-media", "bad-base64", "too-big"])
def test_data_uri_violations_at_submit(mock: DashScopeMock, uri: str, code: str, message: str | None) -> None:
    status, got_code, got_message = outcome(mock, I2I, i2i(uri))
    assert (status, got_code) == (400, code), got_message
    if message:
        assert got_message == message


def test_a_good_data_uri_passes(mock: DashScopeMock) -> None:
    assert outcome(mock, I2I, i2i(data_uri("image/png", png.image(400, 600, (1, 1, 1)))))[:2] == (
        200, "SUCCEEDED")
    assert outcome(mock, I2I, i2i(data_uri("image/jpeg", jpeg(1024, 768))))[:2] == (200, "SUCCEEDED")


def s2v(mock: DashScopeMock, audio: bytes, resolution: str = "480P") -> dict[str, Any]:
    """A wan2.2-s2v body whose audio is an uploaded file (its docs allow http(s) and temporary URLs, no data:)."""
    return {"input": {"image_url": IMG, "audio_url": uploaded(mock, "wan2.2-s2v", "a.wav", audio)},
            "parameters": {"resolution": resolution}}  # s2v audio: at most 20 s


def test_a_deferred_model_fails_the_task_in_faithful_mode(make_mock: Callable[..., DashScopeMock]) -> None:
    faithful = make_mock("faithful")
    assert outcome(faithful, "wan2.2-s2v", s2v(faithful, wav.wav(25))) == (
        200, "InvalidFile.Duration", "Invalid file duration. The file duration must be 0 s ~ 20 s.")
    strict = make_mock("dev")
    assert outcome(strict, "wan2.2-s2v", s2v(strict, wav.wav(25)))[:2] == (400, "InvalidFile.Duration")


def test_a_schema_error_wins_over_an_input_error_on_a_deferred_task(make_mock: Callable[..., DashScopeMock]) -> None:
    faithful = make_mock("faithful")
    status, code, message = outcome(faithful, "wan2.2-s2v", s2v(faithful, wav.wav(25), "360P"))
    assert (status, code) == (200, "InvalidParameter") and "parameters.resolution" in message


# ---- per-field URL kinds, aspect ratio, frame rate -------------------------------------------------------


def test_data_uris_only_where_the_field_documents_them(mock: DashScopeMock) -> None:
    still = data_uri("image/png", png.image(640, 480, (9, 9, 9)))
    assert outcome(mock, "wan2.2-i2v-plus", {"input": {"prompt": "p", "img_url": still}})[:2] == (
        200, "SUCCEEDED")  # 003 L4936-4942
    sound = data_uri("audio/wav", wav.wav(5))
    r2v = {"input": {"prompt": "character1 waves", "reference_urls": [still]}}
    assert outcome(mock, "wan2.6-r2v", r2v) == (400, "InvalidURL", "Invalid URL provided in your request.")
    t2v = {"input": {"prompt": "p", "audio_url": sound}}
    assert outcome(mock, "wan2.6-t2v", t2v)[:2] == (400, "InvalidURL")  # audio: http(s) or oss:// (003 L7410)
    assert outcome(mock, "wan2.6-t2v", {"input": {"prompt": "p", "audio_url": uploaded(
        mock, "wan2.6-t2v", "a.wav", wav.wav(5))}})[:2] == (200, "SUCCEEDED")


def test_aspect_ratio_limits(make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock("dev")
    move = {"input": {"video_url": "https://cdn.example.com/a.mp4"}, "parameters": {"mode": "wan-std"}}

    def with_image(width: int, height: int) -> dict[str, Any]:
        url = uploaded(mock, "wan2.2-animate-move", "p.png", png.image(width, height, (5, 5, 5)))
        return {**move, "input": {**move["input"], "image_url": url}}

    assert outcome(mock, "wan2.2-animate-move", with_image(300, 900))[:2] == (200, "SUCCEEDED")  # 1:3 is in
    assert outcome(mock, "wan2.2-animate-move", with_image(300, 901)) == (
        400, "InvalidFile.AspectRatio",
        "Invalid file ratio. The file aspect ratio (height/width) must be between 3:1 and 1:3.")  # 003 L8032


def test_frame_rate_limits(make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock("dev")
    audio = "https://cdn.example.com/a.wav"

    def retalk(fps: int) -> dict[str, Any]:
        video = uploaded(mock, "videoretalk", "v.mp4", encoded("mp4", 3.0, video=(640, 640, fps)))
        return {"input": {"video_url": video, "audio_url": audio}}

    assert outcome(mock, "videoretalk", retalk(25))[:2] == (200, "SUCCEEDED")
    assert outcome(mock, "videoretalk", retalk(10)) == (
        400, "InvalidFile.FPS", "Invalid video FPS. The video FPS must be 15 ~ 60.")  # 003 L11473


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
    body = {"model": "wan2.2-s2v", **s2v(mock, encoded("mp3", 7.5, audio="libmp3lame"))}
    task_id = mock.task_id("wan2.2-s2v", body=body, headers=resolving(mock, "wan2.2-s2v"))
    mock.advance(30)
    got = mock.get(task_id)
    assert got["output"]["task_status"] == "SUCCEEDED"
    task = mock.twin.tasks.find(task_id)
    assert task is not None
    assert mock.twin.tasks.facts(task).output_duration == pytest.approx(7.5, abs=0.1)  # mutagen: exact, not estimated
