"""What a media file is, from its bytes: format, kind, pixel size, alpha channel, duration and frame rate.

The magic bytes pick the kind; kept libraries read the rest: Pillow for images (size, alpha), mutagen for
audio (exact durations from the stream headers, Xing/VBRI for VBR MP3), PyAV (ffmpeg, shipped in its wheels)
for video containers (MP4/MOV/AVI/MKV/FLV/TS/MPG/MXF: size, duration, frame rate). Only the glue is here.
Also `data:` URI decoding. Pure functions: no I/O, nothing else of mockserver.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

# Pillow, mutagen and PyAV load on the first file of their kind (most runs never send one; ~60 ms at start-up)
_DATA_URI = re.compile(r"data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)", re.S)
SAME_FORMAT = {"jpg": "jpeg"}  # spellings of one format in `formats` lists
# declared MIME subtype -> the formats its bytes may be
MIME_FORMATS = {
    "image/png": {"png"}, "image/jpeg": {"jpeg"}, "image/jpg": {"jpeg"}, "image/pjpeg": {"jpeg"},
    "image/webp": {"webp"}, "image/bmp": {"bmp"}, "image/x-ms-bmp": {"bmp"}, "image/gif": {"gif"},
    "image/tiff": {"tiff"}, "image/heic": {"heif"}, "image/heif": {"heif"}, "image/avif": {"avif"},
    "video/mp4": {"mp4", "mov"}, "video/quicktime": {"mov", "mp4"}, "video/x-msvideo": {"avi"},
    "video/avi": {"avi"}, "video/x-matroska": {"mkv"}, "video/webm": {"mkv"}, "video/x-flv": {"flv"},
    "video/mp2t": {"ts"}, "video/mpeg": {"mpg"}, "audio/wav": {"wav"}, "audio/x-wav": {"wav"},
    "audio/wave": {"wav"}, "audio/vnd.wave": {"wav"}, "audio/mpeg": {"mp3"}, "audio/mp3": {"mp3"},
    "audio/aac": {"aac"}, "audio/x-aac": {"aac"}, "audio/mp4": {"m4a", "aac"}, "audio/x-m4a": {"m4a", "aac"},
    "audio/flac": {"flac"}, "audio/ogg": {"ogg"},
}
_PIL_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "BMP": "bmp", "DIB": "bmp", "GIF": "gif",
                "TIFF": "tiff", "AVIF": "avif"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heif", b"hevc")


@dataclass(frozen=True, slots=True)
class Probe:
    """What a file is, read from its headers."""

    format: str
    kind: str  # image | video | audio
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    alpha: bool | None = None  # images: whether it has an alpha channel (or a transparency key)


def _magic(head: bytes, data: bytes) -> tuple[str, str] | None:
    """(format, kind) from the first bytes; None when it is no media format we know."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", "image"
    if head[:4] == b"RIFF":
        return {b"WEBP": ("webp", "image"), b"WAVE": ("wav", "audio"), b"AVI ": ("avi", "video")}.get(head[8:12])
    if head[:2] == b"BM":
        return "bmp", "image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", "image"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff", "image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "heif", "image"
        if brand in (b"avif", b"avis"):
            return "avif", "image"
        if brand in (b"M4A ", b"M4B "):
            return "m4a", "audio"
        return ("mov" if brand == b"qt  " else "mp4"), "video"
    for magic, found in ((b"\x1a\x45\xdf\xa3", ("mkv", "video")), (b"FLV", ("flv", "video")),
                         (b"\x00\x00\x01\xba", ("mpg", "video")), (b"\x06\x0e\x2b\x34", ("mxf", "video")),
                         (b"fLaC", ("flac", "audio")), (b"OggS", ("ogg", "audio"))):
        if head.startswith(magic):
            return found
    if head[:1] == b"\x47" and len(data) > 188 and data[188] == 0x47:
        return "ts", "video"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:  # ADTS: sync + layer 00
        return "aac", "audio"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3", "audio"
    return None


def _image(data: bytes, fmt: str) -> Probe | None:
    if fmt == "heif":  # Pillow has no HEIF reader without a plugin: known format, size unknown
        return Probe("heif", "image")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:  # reads the header only; nothing is decoded
            has_alpha = im.mode in _ALPHA_MODES or "transparency" in im.info
            return Probe(_PIL_FORMATS.get(str(im.format), fmt), "image", im.width, im.height, alpha=has_alpha)
    except Exception:  # any parser error on untrusted bytes means "cannot open", whatever its class
        return None


def _audio_reader(fmt: str) -> Any:
    """mutagen's reader of `fmt`: the magic bytes already name the format (its own guess needs a file name for
    ADTS AAC)."""
    import mutagen
    import mutagen.aac
    import mutagen.flac
    import mutagen.mp3
    import mutagen.mp4
    import mutagen.wave

    readers: dict[str, Any] = {"wav": mutagen.wave.WAVE, "mp3": mutagen.mp3.MP3, "aac": mutagen.aac.AAC,
                               "flac": mutagen.flac.FLAC, "m4a": mutagen.mp4.MP4, "ogg": mutagen.File}
    return readers[fmt]


def _audio(data: bytes, fmt: str) -> Probe | None:
    try:
        found: Any = _audio_reader(fmt)(io.BytesIO(data))
    except Exception:  # any parser error on untrusted bytes means "cannot open", whatever its class
        return None
    if found is None or found.info is None:
        return None
    length = float(found.info.length)
    return Probe(fmt, "audio", duration=length if length > 0 else None)


def _video(data: bytes, fmt: str) -> Probe | None:
    import av  # ffmpeg's libraries take a few hundred ms to load

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            streams = container.streams
            duration = container.duration / 1_000_000 if container.duration else None
            if not streams.video:
                return Probe("m4a" if fmt == "mp4" else fmt, "audio", duration=duration) if streams.audio else None
            video = streams.video[0]
            if duration is None and video.duration is not None and video.time_base is not None:
                duration = float(video.duration * video.time_base)
            rate = video.average_rate or video.guessed_rate
            return Probe(fmt, "video", video.width or None, video.height or None, duration,
                         float(rate) if rate else None)
    except Exception:  # any demuxer error on untrusted bytes means "cannot open", whatever its class
        return None


def probe(data: bytes) -> Probe | None:
    """Identify `data`; None when it is no image, video or audio file that its format's reader can open."""
    found = _magic(data[:16], data)
    if found is None:
        return None
    fmt, kind = found
    if kind == "image":
        return _image(data, fmt)
    if kind == "audio":
        return _audio(data, fmt)
    return _video(data, fmt)


def decode_data_uri(uri: str) -> tuple[str, bytes] | None:
    """(declared MIME type, bytes) of a `data:` URI; None when it does not decode."""
    m = _DATA_URI.fullmatch(uri)
    if m is None:
        return None
    params = [p.strip().lower() for p in m["params"].split(";") if p.strip()]
    payload = m["payload"]
    if "base64" in params:
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            try:  # line-wrapped base64 is common; strict decoding refuses the whitespace
                data = base64.b64decode("".join(payload.split()), validate=True)
            except (binascii.Error, ValueError):
                return None
    else:
        data = unquote_to_bytes(payload)
    return m["mime"].strip().lower(), data
