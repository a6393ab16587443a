"""What a media file is, from its bytes: format, kind, pixel size and duration (magic bytes and headers only).

Also `data:` URI decoding. Pure functions: no I/O, nothing else of mockserver.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

_DATA_URI = re.compile(r"data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)", re.S)
_MP3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)  # MPEG-1 Layer III
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

@dataclass(frozen=True, slots=True)
class Probe:
    """What a file is, read from its first bytes and headers."""

    format: str
    kind: str  # image | video | audio
    width: int | None = None
    height: int | None = None
    duration: float | None = None


def _mp4_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, body end) of the ISO BMFF boxes in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1 and pos + 16 <= end:
            size, head = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            return
        yield kind, pos + head, pos + size
        pos += size


def _mp4(data: bytes, brand: bytes) -> Probe:
    fmt = "mov" if brand == b"qt  " else "m4a" if brand in (b"M4A ", b"M4B ") else "mp4"
    duration = width = height = None
    for kind, start, end in _mp4_boxes(data, 0, len(data)):
        if kind != b"moov":
            continue
        for sub, s0, s1 in _mp4_boxes(data, start, end):
            if sub == b"mvhd" and s1 - s0 >= 32:
                version = data[s0]
                if version == 1:
                    scale, length = struct.unpack_from(">IQ", data, s0 + 20)
                else:
                    scale, length = struct.unpack_from(">II", data, s0 + 12)
                duration = length / scale if scale else None
            elif sub == b"trak" and width is None:
                for box, t0, t1 in _mp4_boxes(data, s0, s1):
                    if box == b"tkhd" and t1 - t0 >= 84:
                        w, h = struct.unpack_from(">II", data, t1 - 8)
                        if w and h:
                            width, height = w >> 16, h >> 16
    media = "audio" if fmt == "m4a" or (width is None and duration is not None and fmt != "mov") else "video"
    return Probe(fmt, media, width, height, duration)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack_from(">H", data, pos + 2)[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack_from(">HH", data, pos + 5)
            return w, h
        pos += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack_from("<HH", data, 26)
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _wav_duration(data: bytes) -> float | None:
    pos, byte_rate = 12, 0
    while pos + 8 <= len(data):
        kind, size = struct.unpack_from("<4sI", data, pos)
        if kind == b"fmt " and size >= 16:
            byte_rate = struct.unpack_from("<I", data, pos + 16)[0]
        elif kind == b"data":
            size = min(size, len(data) - pos - 8)
            return size / byte_rate if byte_rate else None
        pos += 8 + size + (size & 1)
    return None


def _mp3_duration(data: bytes) -> float | None:
    """Duration of a constant-bitrate MPEG-1 Layer III stream from its first frame header (cheap estimate)."""
    pos = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        pos = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xFE != 0xFA:
        return None
    kbps = _MP3_KBPS[data[pos + 2] >> 4]
    return (len(data) - pos) * 8 / (kbps * 1000) if kbps else None


def _avi(data: bytes) -> Probe:
    at = data.find(b"avih", 12, 4096)
    if at < 0 or at + 48 > len(data):
        return Probe("avi", "video")
    usec, = struct.unpack_from("<I", data, at + 8)
    frames, = struct.unpack_from("<I", data, at + 24)
    w, h = struct.unpack_from("<II", data, at + 40)
    return Probe("avi", "video", w, h, frames * usec / 1e6 if usec else None)


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    end = "<" if data[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack_from(end + "I", data, 4)
        (count,) = struct.unpack_from(end + "H", data, ifd)
        found: dict[int, int] = {}
        for i in range(count):
            tag, typ = struct.unpack_from(end + "HH", data, ifd + 2 + 12 * i)
            value = struct.unpack_from(end + ("H" if typ == 3 else "I"), data, ifd + 2 + 12 * i + 8)[0]
            found[tag] = value
        return (found[256], found[257]) if 256 in found and 257 in found else None
    except (struct.error, KeyError):
        return None


def probe(data: bytes) -> Probe | None:
    """Identify `data` by its magic bytes; None when it is no image, video or audio format we know."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack_from(">II", data, 16)
        return Probe("png", "image", w, h)
    if head.startswith(b"\xff\xd8\xff"):
        size = _jpeg_size(data)
        return Probe("jpeg", "image", *(size or (None, None)))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        size = _webp_size(data)
        return Probe("webp", "image", *(size or (None, None)))
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Probe("wav", "audio", duration=_wav_duration(data))
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return _avi(data)
    if head[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack_from("<ii", data, 18)
        return Probe("bmp", "image", abs(w), abs(h))
    if head[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack_from("<HH", data, 6)
        return Probe("gif", "image", w, h)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        size = _tiff_size(data)
        return Probe("tiff", "image", *(size or (None, None)))
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heif", b"hevc"):
            return Probe("heif", "image")
        if brand in (b"avif", b"avis"):
            return Probe("avif", "image")
        return _mp4(data, brand)
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return Probe("mkv", "video")
    if head[:3] == b"FLV":
        return Probe("flv", "video")
    if head[:4] == b"\x00\x00\x01\xba":
        return Probe("mpg", "video")
    if head[:4] == b"\x06\x0e\x2b\x34":
        return Probe("mxf", "video")
    if head[:1] == b"\x47" and len(data) > 188 and data[188] == 0x47:
        return Probe("ts", "video")
    if head[:4] == b"fLaC":
        return Probe("flac", "audio")
    if head[:4] == b"OggS":
        return Probe("ogg", "audio")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:  # ADTS: sync + layer 00
        return Probe("aac", "audio")
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Probe("mp3", "audio", duration=_mp3_duration(data))
    return None


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

