"""Result files: real MP4/PNG behind signed, expiring OSS-style URLs, probed by an independent decoder (PyAV)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import av
import pytest

from mockserver.formats import mp4, wav
from mockserver.testing import AIGC, ASYNC, DashScopeMock
from mockserver.wire.signing import UrlSigner

IMG = "https://cdn.example.com/a.png"


class Upload(str):
    """An input file for a field whose docs take http(s) or oss:// URLs only: the test uploads it first."""

    def __new__(cls, name: str, data: bytes) -> Upload:
        made = super().__new__(cls, name)
        made.data = data
        return made

    data: bytes


def uploaded(mock: DashScopeMock, model: str, value: Any) -> Any:
    """`value` with every Upload replaced by the oss:// URL of the file, uploaded as the official SDK does."""
    if isinstance(value, Upload):
        data = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": model},
                             headers=mock.headers()).json()["data"]
        key = f"{data['upload_dir']}/{value}"
        fields = {"OSSAccessKeyId": data["oss_access_key_id"], "Signature": data["signature"],
                  "policy": data["policy"], "key": key, "x-oss-object-acl": data["x_oss_object_acl"],
                  "x-oss-forbid-overwrite": data["x_oss_forbid_overwrite"], "success_action_status": "200"}
        assert mock.http.post(data["upload_host"], data=fields, files={"file": (str(value), value.data)}).is_success
        return f"oss://{key}"
    if isinstance(value, dict):
        return {k: uploaded(mock, model, v) for k, v in value.items()}
    if isinstance(value, list):
        return [uploaded(mock, model, v) for v in value]
    return value


def finish(mock: DashScopeMock, model: str, inp: dict[str, Any],
           params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create a task, run the clock past its end, return the SUCCEEDED output."""
    body = {"model": model, "input": uploaded(mock, model, inp), "parameters": params or {}}
    task_id = mock.task_id(model, body=body, headers={**mock.headers(asynchronous=True),
                                                      "X-DashScope-OssResourceResolve": "enable"})
    mock.advance(30)
    out: dict[str, Any] = mock.get(task_id)["output"]
    assert out["task_status"] == "SUCCEEDED", out
    return out


def fetch(mock: DashScopeMock, url: str, **headers: str) -> Any:
    return mock.http.get(url, headers=headers)


def probe_video(data: bytes) -> tuple[str, int, int, float, float]:
    """(codec, width, height, fps, duration = decoded frames / fps), all from PyAV."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        fps = float(stream.average_rate or 0)
        ctx = stream.codec_context
        return ctx.name, ctx.width, ctx.height, fps, frames / fps


def probe_image(data: bytes) -> tuple[str, int, int, bytes]:
    """(codec, width, height, first pixel RGB) from PyAV."""
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return container.streams.video[0].codec_context.name, frame.width, frame.height, bytes(frame.planes[0])[:3]


VIDEO = mp4.video(480, 360, 15, 3.0)  # a 3 s input clip
WAV4 = wav.wav(4.0)

# (model, input, parameters, expected (width, height, fps, seconds)); expectations come from the docs, not the mock
FAMILIES: list[tuple[str, dict[str, Any], dict[str, Any], tuple[int, int, int, float]]] = [
    ("wan2.6-t2v", {"prompt": "p"}, {"size": "1280*720", "duration": 10}, (1280, 720, 30, 10.0)),
    ("wan2.6-i2v", {"prompt": "p", "img_url": IMG}, {"resolution": "720P"}, (1280, 720, 30, 5.0)),
    ("wan2.2-kf2v-flash", {"prompt": "p", "first_frame_url": IMG, "last_frame_url": IMG},
     {"resolution": "480P"}, (832, 480, 30, 5.0)),
    ("wan2.6-r2v", {"prompt": "character1 waves", "reference_urls": [IMG]}, {"size": "1920*1080", "duration": 5},
     (1920, 1080, 30, 5.0)),
    ("wan2.7-videoedit", {"prompt": "clay", "media": [{"type": "video", "url": Upload("v.mp4", VIDEO)}]},
     {"resolution": "720P", "ratio": "9:16"}, (720, 1280, 30, 3.0)),
    ("wan2.1-vace-plus", {"function": "image_reference", "prompt": "p", "ref_images_url": [IMG]},
     {"obj_or_bg": ["obj"], "size": "832*480"}, (832, 480, 30, 5.0)),
    ("wan2.2-s2v", {"image_url": IMG, "audio_url": Upload("a.wav", WAV4)}, {"resolution": "480P"},
     (480, 640, 16, 4.0)),
    ("wan2.2-animate-move", {"image_url": IMG, "video_url": Upload("v.mp4", VIDEO)}, {"mode": "wan-pro"},
     (720, 1280, 25, 3.0)),
    ("video-style-transform", {"video_url": Upload("v.mp4", VIDEO)},
     {"style": 0, "video_fps": 25, "min_len": 540}, (960, 540, 25, 3.0)),
]


@pytest.mark.parametrize(("model", "inp", "params", "want"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_video_result_is_h264_mp4_matching_the_request(mock: DashScopeMock, model: str, inp: dict[str, Any],
                                                       params: dict[str, Any],
                                                       want: tuple[int, int, int, float]) -> None:
    out = finish(mock, model, inp, params)
    url = out.get("video_url") or out.get("output_video_url") or out["results"]["video_url"]
    r = fetch(mock, url)
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    codec, width, height, fps, seconds = probe_video(r.content)
    assert (codec, width, height, fps) == ("h264", *want[:3])
    assert seconds == pytest.approx(want[3], abs=0.5 / fps)


def test_video_urls_have_the_real_oss_shape_and_files_are_deterministic(mock: DashScopeMock) -> None:
    out = finish(mock, "wan2.6-t2v", {"prompt": "p"}, {"size": "1280*720"})
    url = out["video_url"]
    parts = urlsplit(url)
    task_id = out["task_id"]
    assert re.fullmatch(rf"/[0-9a-f]{{2}}/\d{{8}}/[0-9a-f]{{8}}/{task_id}\.mp4", parts.path)
    assert set(parse_qs(parts.query)) == {"Expires", "OSSAccessKeyId", "Signature"}
    first, again = fetch(mock, url), fetch(mock, url)
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    ranged = fetch(mock, url, Range="bytes=0-7")
    assert ranged.status_code == 206 and ranged.content == first.content[:8] and ranged.content[4:8] == b"ftyp"
    assert ranged.headers["content-range"] == f"bytes 0-7/{len(first.content)}"


def test_the_largest_video_stays_small(mock: DashScopeMock) -> None:
    out = finish(mock, "wan2.6-t2v", {"prompt": "p"}, {"size": "1920*1080", "duration": 15})
    data = fetch(mock, out["video_url"]).content
    assert len(data) < 300_000
    assert probe_video(data)[1:3] == (1920, 1080)


def test_multi_image_tasks_get_one_png_per_image(mock: DashScopeMock) -> None:
    out = finish(mock, "wanx2.1-t2i-turbo", {"prompt": "a cat"}, {"size": "1024*768", "n": 3})
    urls = [item["url"] for item in out["results"]]
    assert len(urls) == 3 and len(set(urls)) == 3
    assert [urlsplit(u).path.rsplit("/", 1)[1] for u in urls] == [f"{out['task_id']}-{i}.png" for i in (1, 2, 3)]
    pixels = set()
    for url in urls:
        r = fetch(mock, url)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        codec, width, height, pixel = probe_image(r.content)
        assert (codec, width, height) == ("png", 1024, 768)
        pixels.add(pixel)
    assert len(pixels) == 3  # each image its own colour


def test_a_single_image_result_has_no_index(mock: DashScopeMock) -> None:
    out = finish(mock, "wan2.6-t2i", {"messages": [{"role": "user", "content": [{"text": "a cat"}]}]},
                 {"n": 1, "size": "1600*1152"})
    url = out["choices"][0]["message"]["content"][0]["image"]
    assert urlsplit(url).path.endswith(f"/{out['task_id']}.png")
    assert probe_image(fetch(mock, url).content)[:3] == ("png", 1600, 1152)


def _xml(r: Any) -> tuple[str, str]:
    assert r.headers["content-type"].startswith("application/xml"), r.text
    code = re.search(r"<Code>(.*?)</Code>", r.text)
    message = re.search(r"<Message>(.*?)</Message>", r.text)
    assert code and message, r.text
    return code[1], message[1]


def test_urls_expire_24_hours_after_the_end_on_the_virtual_clock(mock: DashScopeMock) -> None:
    out = finish(mock, "wanx2.1-t2i-turbo", {"prompt": "a cat"}, {"n": 1})
    url = out["results"][0]["url"]
    expires = int(parse_qs(urlsplit(url).query)["Expires"][0])
    end = mock.twin.tasks.find(out["task_id"]).end  # type: ignore[union-attr]
    assert expires == int(end + 86400)
    mock.advance(expires - mock.twin.clock.now() - 1)
    assert fetch(mock, url).status_code == 200
    mock.advance(2)
    r = fetch(mock, url)
    assert r.status_code == 403 and _xml(r) == ("AccessDenied", "Request has expired.")
    assert "<Expires>" in r.text and "<ServerTime>" in r.text


@pytest.mark.parametrize("tamper", [
    lambda u: re.sub(r"Signature=[^&]+", "Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", u),
    lambda u: re.sub(r"Expires=(\d+)", lambda m: f"Expires={int(m[1]) + 3600}", u),
    lambda u: re.sub(r"/([0-9a-f]{2})/", lambda m: "/" + ("00" if m[1] != "00" else "01") + "/", u, count=1),
], ids=["signature", "expires", "path"])
def test_tampered_urls_answer_signature_does_not_match(mock: DashScopeMock, tamper: Callable[[str], str]) -> None:
    url = finish(mock, "wan2.6-t2v", {"prompt": "p"})["video_url"]
    r = fetch(mock, tamper(url))
    assert r.status_code == 403 and _xml(r)[0] == "SignatureDoesNotMatch"


def test_unsigned_and_foreign_key_urls_are_refused(mock: DashScopeMock) -> None:
    url = finish(mock, "wan2.6-t2v", {"prompt": "p"})["video_url"]
    r = fetch(mock, url.split("?")[0])
    assert r.status_code == 403 and _xml(r)[0] == "AccessDenied"
    r = fetch(mock, url.replace("OSSAccessKeyId=mock-access-key", "OSSAccessKeyId=LTAIother"))
    assert r.status_code == 403 and _xml(r)[0] == "InvalidAccessKeyId"


def test_a_signed_url_of_an_unfinished_task_is_no_such_key(mock: DashScopeMock) -> None:
    task_id = mock.task_id("wan2.6-t2v", body={"model": "wan2.6-t2v", "input": {"prompt": "p"}},
                           headers={**ASYNC, "X-Mock-Scenario": "pending:60s,succeeded"})
    signer = UrlSigner(mock.twin.url_secret)
    task = mock.twin.tasks.find(task_id)
    assert task is not None
    path = signer.path_for(task_id, task.end, f"{task_id}.mp4")
    url = signer.sign("http://127.0.0.1", path, int(mock.twin.clock.now() + 3600))
    r = fetch(mock, url)
    assert r.status_code == 404 and _xml(r)[0] == "NoSuchKey"
    mock.advance(120)
    assert fetch(mock, url).status_code == 200  # the same file exists once the task has SUCCEEDED
    png = signer.sign("http://127.0.0.1", path.replace(".mp4", ".png"), int(mock.twin.clock.now() + 3600))
    assert fetch(mock, png).status_code == 404  # a video task has no PNG
    assert mock.http.get("/zz/20260101/abcdef12/x.mp4").status_code == 404


def test_a_failed_task_has_no_file(mock: DashScopeMock) -> None:
    body = {"model": "wan2.6-t2v", "input": {"prompt": "p"}}
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=body,
                       headers={**ASYNC, "X-Mock-Scenario": "failed(InternalError)"})
    task_id = r.json()["output"]["task_id"]
    mock.advance(30)
    assert mock.get(task_id)["output"]["task_status"] == "FAILED"
    task = mock.twin.tasks.find(task_id)
    assert task is not None
    signer = UrlSigner(mock.twin.url_secret)
    path = signer.path_for(task_id, task.end, f"{task_id}.mp4")
    r = fetch(mock, signer.sign("http://x", path, int(mock.twin.clock.now() + 60)))
    assert r.status_code == 404 and _xml(r)[0] == "NoSuchKey"


def test_generated_video_decodes_to_the_task_colour() -> None:
    data = mp4.video(64, 48, 25, 1.0, (200, 30, 90))
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 25
    for frame in (frames[0], frames[-1]):
        luma = frame.planes[0]
        rows = {bytes(luma)[r * luma.line_size: r * luma.line_size + frame.width] for r in range(frame.height)}
        assert rows == {bytes([86]) * 64}  # Y of (200, 30, 90) in 14-level steps, the same in every pixel
