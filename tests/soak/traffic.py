"""What users send, beside the soak's small creates and polls: the official SDK uploading real-size files
(`file://`, getPolicy then PostObject then the create) and large creates carrying a photo as a `data:` URI.

Every request is counted as sent and as answered (any HTTP status) or dropped (the connection failed without an
answer). A drop while the server was being killed on purpose is expected and not counted; any other is a failure.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from mockserver.testing import payloads

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


@dataclass
class Tally:
    """Requests sent, answered and dropped, and answers by status class."""

    sent: int = 0
    answered: int = 0
    dropped: int = 0
    server_errors: int = 0  # 5xx answers
    by_status: dict[int, int] = field(default_factory=dict)  # the 5xx answers by status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int) -> None:
        """One request answered with `status`."""
        with self.lock:
            self.sent += 1
            self.answered += 1
            if status >= 500:
                self.server_errors += 1
                self.by_status[status] = self.by_status.get(status, 0) + 1

    def drop(self) -> None:
        """One request that got no answer."""
        with self.lock:
            self.sent += 1
            self.dropped += 1

    def merge(self, other: Tally) -> None:
        """Add `other`'s counts."""
        with self.lock:
            self.sent += other.sent
            self.answered += other.answered
            self.dropped += other.dropped
            self.server_errors += other.server_errors
            for status, count in other.by_status.items():
                self.by_status[status] = self.by_status.get(status, 0) + count

    def line(self) -> str:
        """`answered/sent, dropped, 5xx` for the table."""
        detail = ", ".join(f"{status}: {n}" for status, n in sorted(self.by_status.items()))
        return (f"{self.answered}/{self.sent} answered, {self.dropped} dropped, {self.server_errors} 5xx"
                + (f" ({detail})" if detail else ""))


def real_files(folder: Path) -> dict[str, Path]:
    """Files of the sizes users upload: an 8 MiB photo (under the i2v models' 2000 px), a 24 MiB clip, a 15 MiB
    voice recording (written once into `folder`)."""
    made = {"photo": (folder / "photo.jpg", lambda: payloads.image(8 << 20, max_side=1990)),
            "clip": (folder / "clip.mp4", lambda: payloads.video(24 << 20, seconds=5)),
            "voice": (folder / "voice.wav", lambda: payloads.audio(15 << 20, seconds=30))}
    for path, make in made.values():
        if not path.exists():
            path.write_bytes(make())
    return {name: path for name, (path, _) in made.items()}


def large_create_body(size: int = 8 << 20) -> bytes:
    """An image-to-video create with a `size`-byte photo inline (about 11 MB on the wire for 8 MiB)."""
    photo = payloads.image(size, max_side=1990)
    return orjson.dumps({"model": "wan2.2-i2v-flash", "parameters": {"resolution": "480P"},
                         "input": {"prompt": "a cat", "img_url": payloads.data_uri(photo, "image/jpeg")}})


def sdk_uploads(base: str, files: dict[str, Path], tally: Tally, stop: threading.Event, killed: threading.Event,
                seed: int) -> None:
    """The official SDK's `file://` uploads and creates, image, video and audio in turn, until `stop`."""
    import dashscope
    from dashscope import VideoSynthesis

    dashscope.base_http_api_url = base + "/api/v1"
    rng = random.Random(seed)
    calls: list[dict[str, Any]] = [
        {"model": "wan2.2-i2v-flash", "prompt": "a cat", "img_url": f"file://{files['photo']}", "resolution": "480P"},
        {"model": "wan2.7-r2v", "prompt": "character1 walks",
         "media": [{"type": "reference_video", "url": f"file://{files['clip']}"}]},
        {"model": "wan2.7-i2v", "prompt": "she sings", "media": [
            {"type": "first_frame", "url": f"file://{files['photo']}"},
            {"type": "driving_audio", "url": f"file://{files['voice']}"}]},
    ]
    while not stop.is_set():
        try:
            rsp = VideoSynthesis.async_call(api_key=f"sk-soak-sdk-{rng.randrange(20):03d}", **rng.choice(calls))
        except Exception:  # requests' connection errors: nothing came back
            if killed.is_set():
                return
            tally.drop()
            continue
        tally.answer(int(rsp.status_code))


def large_creates(base: str, body: bytes, tally: Tally, stop: threading.Event, killed: threading.Event) -> None:
    """Creates of ~11 MB through httpx, until `stop`."""
    headers = {"Authorization": "Bearer sk-soak-large-001", "X-DashScope-Async": "enable",
               "Content-Type": "application/json"}
    with httpx.Client(base_url=base, timeout=30) as http:
        while not stop.is_set():
            try:
                r = http.post(CREATE, content=body, headers=headers)
            except httpx.HTTPError:
                if killed.is_set():
                    return
                tally.drop()
                continue
            tally.answer(r.status_code)


def upload_burst(base: str, photo: Path, n: int = 40) -> Tally:
    """`n` SDK `file://` uploads of `photo` (and their creates) started at once, each on its own thread."""
    import dashscope
    from dashscope import VideoSynthesis

    dashscope.base_http_api_url = base + "/api/v1"
    tally, go = Tally(), threading.Barrier(n)

    def one(i: int) -> None:
        go.wait()
        try:
            rsp = VideoSynthesis.async_call(api_key=f"sk-soak-burst-{i:03d}", model="wan2.2-i2v-flash",
                                            prompt="a cat", img_url=f"file://{photo}", resolution="480P")
        except Exception:  # requests' connection errors: nothing came back
            tally.drop()
            return
        tally.answer(int(rsp.status_code))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally
