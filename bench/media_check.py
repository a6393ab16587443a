"""Create-path cost of checking a `data:` URI image (issue 12 part 7): median microseconds.

    python -m bench.media_check [FIXTURE_DIR]

For wan2.5-i2i-preview: the file probe alone; the create's input check (`InputChecker.check`: decode the
URI, identify and size the file, check it against the field's limits) with an https URL (nothing to
inspect) and with a `data:` URI PNG and JPEG; and a whole create through the handle (client JSON encoding
and a loopback socket included). The fixtures are written to FIXTURE_DIR on the first run (Pillow), so an
older tree without Pillow can be measured on the same bytes.
"""

from __future__ import annotations

import base64
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from mockserver.domain.state import build_state
from mockserver.formats.sniff import probe
from mockserver.settings import Settings
from mockserver.testing import DashScopeMock

MODEL = "wan2.5-i2i-preview"


def fixtures(folder: Path) -> dict[str, bytes]:
    """A noisy 1024x1024 PNG and JPEG (photo-like sizes), made once."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "photo.png").exists():
        import random

        from PIL import Image

        rnd = random.Random(7)
        im = Image.frombytes("RGB", (1024, 1024), bytes(rnd.getrandbits(8) for _ in range(1024 * 1024 * 3)))
        im.save(folder / "photo.png")
        im.save(folder / "photo.jpg", quality=85)
    return {"png": (folder / "photo.png").read_bytes(), "jpeg": (folder / "photo.jpg").read_bytes()}


def median_us(fn: Callable[[], object], rounds: int = 200) -> float:
    """Median wall time of `fn` in microseconds, after a warm-up call."""
    fn()
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def main() -> None:
    """Print the medians."""
    files = fixtures(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dashscope-mock-bench-media"))
    twin = build_state(Settings.for_profile("dev"))
    profile = twin.registry.model(MODEL)
    assert profile is not None
    mock = DashScopeMock(Settings.for_profile("dev"))

    def check(url: str) -> Callable[[], object]:
        raw = orjson.dumps({"model": MODEL, "input": {"prompt": "edit", "images": [url]}})
        return lambda: twin.inputs.check(profile, orjson.loads(raw), "acct", {}, raw)

    def create(url: str) -> Callable[[], object]:
        body = {"model": MODEL, "input": {"prompt": "edit", "images": [url]}}

        def run() -> object:
            r = mock.create(MODEL, body=body)
            assert r.status_code == 200, r.text
            return r
        return run

    uri = {k: f"data:image/{k};base64," + base64.b64encode(v).decode() for k, v in files.items()}
    print(f"probe png {len(files['png']) >> 10} KiB: {median_us(lambda: probe(files['png'])):.0f} us")
    print(f"probe jpeg {len(files['jpeg']) >> 10} KiB: {median_us(lambda: probe(files['jpeg'])):.0f} us")
    https = "https://cdn.example.com/a.png"
    print(f"check (JSON parse + input check), https URL: {median_us(check(https)):.0f} us")
    print(f"check, data: PNG: {median_us(check(uri['png']), 50):.0f} us")
    print(f"check, data: JPEG: {median_us(check(uri['jpeg']), 50):.0f} us")
    print(f"create, https URL: {median_us(create('https://cdn.example.com/a.png')):.0f} us")
    print(f"create, data: PNG: {median_us(create(uri['png']), 50):.0f} us")
    print(f"create, data: JPEG: {median_us(create(uri['jpeg']), 50):.0f} us")


if __name__ == "__main__":
    main()
