"""Realistic input files of an exact size, made on demand: photo-like images, audio and video.

A test double that only ever sees tiny solid-colour files never meets what users send: multi-megabyte
photos and clips whose bytes do not compress. These are made from seeded noise over gradients (so every run
makes the same bytes) with the real encoders the twin's own input checks use (Pillow, PyAV), at the size asked
for: the encoded file is made a little smaller, then padded to the byte with the padding each format ignores
(JPEG comment segments, a private PNG chunk, a RIFF `JUNK` chunk, an MP4 `free` box). Nothing is stored in git.

    from mockserver.testing import payloads
    photo = payloads.image(1_000_000)                 # a ~1 MB JPEG, 4:3, real dimensions
    clip = payloads.video(8 * 1024 * 1024)            # an 8 MiB H.264 MP4, 5 s at 24 fps
    voice = payloads.audio(100_000, seconds=3)        # a WAV of 3 s
    uri = payloads.data_uri(photo, "image/jpeg")
"""

from __future__ import annotations

import base64
import io
import math
import random
import struct
import zlib
from typing import Any

_MIN_SIDE = 360  # the smallest side most image inputs accept


def data_uri(data: bytes, mime: str) -> str:
    """`data` as a base64 `data:` URI (what clients send inline instead of a URL)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _photo(width: int, height: int, seed: int, grain: float = 0.35) -> Any:
    """An RGB image that compresses like a photo with grain: gradients under seeded noise."""
    from PIL import Image

    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    base = Image.merge("RGB", (gradient, gradient.rotate(90).resize((width, height)),
                               Image.radial_gradient("L").resize((width, height))))
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    return Image.blend(base, noise, grain)


def _encode_image(width: int, height: int, fmt: str, seed: int, grain: float = 0.35, quality: int = 92) -> bytes:
    out = io.BytesIO()
    photo = _photo(width, height, seed, grain)
    if fmt == "png":
        photo.save(out, "PNG", compress_level=1)
    else:
        photo.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _pad_jpeg(data: bytes, extra: int) -> bytes:
    """`data` grown by exactly `extra` bytes of comment segments after SOI (each at least 4 bytes)."""
    segments = []
    while extra > 0:
        part = min(extra, 65535 + 2)
        if extra - part and extra - part < 4:  # leave room for a last segment of at least 4 bytes
            part -= 4
        segments.append(b"\xff\xfe" + struct.pack(">H", part - 2) + b"\0" * (part - 4))
        extra -= part
    return data[:2] + b"".join(segments) + data[2:]


def _pad_png(data: bytes, extra: int) -> bytes:
    """`data` grown by exactly `extra` (>= 12) bytes: one private ancillary chunk before IEND."""
    payload = b"\0" * (extra - 12)
    chunk = struct.pack(">I", len(payload)) + b"paDd" + payload + struct.pack(">I", zlib.crc32(b"paDd" + payload))
    return data[:-12] + chunk + data[-12:]


def image(size: int, fmt: str = "jpeg", aspect: float = 4 / 3, max_side: int = 4000, seed: int = 0) -> bytes:
    """A photo-like JPEG or PNG of exactly `size` bytes, its dimensions what such a file has (aspect kept,
    each side within 360..`max_side` px; a large file at a small `max_side` is a finer-grained, higher-quality
    photo). A size too small for a 360 px image raises ValueError."""
    if fmt not in ("jpeg", "png"):
        raise ValueError(f"image format {fmt!r}: jpeg or png")
    width, height = _sides(200_000, aspect, max_side)
    per_pixel = len(_encode_image(width, height, fmt, seed)) / (width * height)
    width, height = _sides(int(size * 0.97 / per_pixel), aspect, max_side)
    grain, quality = 0.35, 92
    if width * height * per_pixel < size * 0.8:  # capped by max_side: more detail per pixel instead
        grain, quality = 0.8, 98
    data = _encode_image(width, height, fmt, seed, grain, quality)
    while len(data) + 16 > size:  # the estimate overshot: 5% fewer pixels, at the smallest size less grain
        if min(width, height) > _MIN_SIDE:
            width, height = _sides(int(width * height * 0.95), aspect, max_side)
        elif grain > 0:
            grain = grain * 0.6 if grain > 0.02 else 0.0
        else:
            raise ValueError(f"{size} bytes is too small for a {fmt} photo of at least {_MIN_SIDE} px")
        data = _encode_image(width, height, fmt, seed, grain, quality)
    extra = size - len(data)
    return _pad_png(data, extra) if fmt == "png" else _pad_jpeg(data, extra)


def _sides(pixels: int, aspect: float, max_side: int) -> tuple[int, int]:
    width, height = math.sqrt(pixels * aspect), math.sqrt(pixels / aspect)
    scale = max(min(1.0, max_side / max(width, height)), _MIN_SIDE / min(width, height))
    width, height = int(width * scale), int(height * scale)
    return width - width % 2, height - height % 2


def audio(size: int, seconds: float | None = None, seed: int = 0) -> bytes:
    """A 16-bit PCM WAV of exactly `size` bytes: a tone under noise, at the lowest of the usual sample rates
    (mono, then stereo) that fills `size` within `seconds` (default: up to 20 s)."""
    longest = seconds if seconds is not None else 20.0
    rates = [(rate, channels) for channels in (1, 2) for rate in (8000, 16000, 22050, 44100, 48000, 96000)]
    rate, channels = next(((r, c) for r, c in rates if (size - 64) / (r * c * 2) <= longest), rates[-1])
    frames = (size - 64) // (channels * 2)
    if seconds is not None:
        frames = min(frames, int(seconds * rate))
    second = b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * 440 * i / rate))) * channels
                      for i in range(rate))
    pcm = bytearray(random.Random(seed).randbytes(frames * channels * 2))  # noise in every low byte
    pcm[1::2] = (second * (frames // rate + 1))[1: len(pcm): 2]  # the tone in every high byte
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    junk = size - 8 - len(body) - 8 - len(pcm)
    if junk < 8:
        raise ValueError(f"{size} bytes is too small for a WAV of {seconds} s")
    junk_payload = junk - 8
    body += b"JUNK" + struct.pack("<I", junk_payload) + b"\0" * junk_payload
    body += b"data" + struct.pack("<I", len(pcm)) + bytes(pcm)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def video(size: int, seconds: float = 5.0, width: int = 640, height: int = 360, fps: int = 24,
          seed: int = 0) -> bytes:
    """An H.264 MP4 (MPEG-4 part 2 where PyAV has no x264) of exactly `size` bytes: moving gradients under
    noise, its bitrate set to fill `size`, then a `free` box to the byte."""
    bitrate = int(size * 8 * 0.9 / seconds)
    for _ in range(6):
        data = _encode_video(width, height, fps, seconds, bitrate, seed)
        if len(data) + 8 <= size:
            return _pad_mp4(data, size - len(data))
        bitrate = int(bitrate * size / len(data) * 0.9)
    raise ValueError(f"{size} bytes is too small for {seconds} s of {width}x{height} video")


def _encode_video(width: int, height: int, fps: int, seconds: float, bitrate: int, seed: int) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
        stream: Any = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = width, height, "yuv420p", bitrate
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "x264-params": f"nal-hrd=cbr:vbv-maxrate={bitrate // 1000}:"
                              f"vbv-bufsize={bitrate // 1000}:bitrate={bitrate // 1000}"}
        from PIL import Image

        photo = _photo(width * 2, height * 2, seed)
        rng = random.Random(seed)
        to_frame: Any = av.VideoFrame.from_image  # untyped in PyAV
        grains = [Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)) for _ in range(5)]
        for i in range(max(1, int(seconds * fps))):
            x, y = (i * 7) % width, (i * 3) % height
            frame = Image.blend(photo.crop((x, y, x + width, y + height)), grains[i % len(grains)], 0.2)
            for packet in stream.encode(to_frame(frame)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def _pad_mp4(data: bytes, extra: int) -> bytes:
    """`data` grown by exactly `extra` (>= 8) bytes: a `free` box at the end (players skip it)."""
    return data + struct.pack(">I", extra) + b"free" + b"\0" * (extra - 8)
