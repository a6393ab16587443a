"""Input files of a create request: `oss://` resolution, `data:` URI checks, http(s) URL syntax, download marks.

Nothing is ever fetched: http(s) URLs are only parsed. `data:` URIs and uploaded `oss://` files are real bytes,
so they are sniffed (magic bytes, image size from the headers, WAV/MP4/AVI duration) and checked against the
`x-dashscope-media` limits of the field they sit in. How each problem is reported comes from the spec's
`x-dashscope-input-errors` (openapi/README.md).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from .errors import DashScopeError
from .registry import ModelProfile
from .spec import Spec

if TYPE_CHECKING:
    from .app import Twin

FieldPath = tuple[str | int, ...]
_LOOKS_DATA = re.compile(r"data:[\w.+-]+/[\w.+-]+[;,]")
_DATA_URI = re.compile(r"data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)", re.S)
_HOST = re.compile(r"[\w.~-]+|\[[0-9A-Fa-f:.]+\]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
_MP3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)  # MPEG-1 Layer III
_SAME = {"jpg": "jpeg"}  # spellings of one format in `formats` lists
# declared MIME subtype -> the formats its bytes may be
_MIME = {
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


# ---- what the bytes are -----------------------------------------------------------------------------


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


def url_ok(url: str) -> bool:
    """Whether an http(s) URL is well formed (scheme, host, port; no spaces or control characters)."""
    if _SPACE.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    host = parts.netloc.rpartition("@")[2]
    host = host.rsplit(":", 1)[0] if not host.endswith("]") and host.count(":") == 1 else host
    return parts.scheme in ("http", "https") and bool(parts.hostname) and bool(_HOST.fullmatch(host))


# ---- where media fields are -------------------------------------------------------------------------


class MediaFields:
    """Which request fields are media, with their `x-dashscope-media` limits, for a given body."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._validators: dict[int, Any] = {}

    def _holds(self, schema: Mapping[str, Any], instance: Any) -> bool:
        validator = self._validators.get(id(schema))
        if validator is None:
            validator = self._validators[id(schema)] = self.spec.validator_for(schema)
        return bool(validator.is_valid(instance))

    def find(self, schema: Any, instance: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
        """(path, media limits) for every string of `instance` that `schema` annotates as media.

        Alternatives (`anyOf`/`oneOf`) all count, so a field that may be an image or a video yields both;
        `if`/`then`/`else` follows the branch the instance takes.
        """
        if not isinstance(schema, Mapping):
            return
        media = schema.get("x-dashscope-media")
        if isinstance(media, Mapping) and isinstance(instance, str):
            yield path, dict(media)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()) or ():
                yield from self.find(sub, instance, path)
        if isinstance(schema.get("if"), Mapping):
            branch = schema.get("then") if self._holds(schema["if"], instance) else schema.get("else")
            yield from self.find(branch, instance, path)
        if isinstance(instance, Mapping):
            for name, sub in (schema.get("properties") or {}).items():
                if name in instance:
                    yield from self.find(sub, instance[name], (*path, name))
        elif isinstance(instance, list):
            prefix = schema.get("prefixItems") or []
            for i, item in enumerate(instance):
                sub = prefix[i] if i < len(prefix) else schema.get("items")
                yield from self.find(sub, item, (*path, i))


@functools.lru_cache(maxsize=4)
def media_fields(spec: Spec) -> MediaFields:
    """The media-field finder of `spec` (one per spec, its compiled `if` validators cached)."""
    return MediaFields(spec)


def pattern(path: FieldPath) -> str:
    """A concrete path as the spec writes field paths: ('input', 'media', 0, 'url') -> 'input.media[].url'."""
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (("." if out else "") + part)
    return out


_INPUT_SCHEMES = ("oss://", "data:", "http://", "https://")  # the only strings the checks below act on


def _strings(node: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, Mapping):
        for k, v in node.items():
            yield from _strings(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))


def _url_rule_patterns(profile: ModelProfile) -> set[str]:
    return {str(f) for rule in profile.rules if rule.get("rule") == "url" for f in rule.get("fields", [])}


# ---- the check --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputReport:
    """What the inputs mean for the task: an error for the task to fail with, and the input's duration."""

    deferred_error: tuple[str, str] | None = None
    input_duration: float | None = None


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


class _Problem(Exception):
    def __init__(self, check: str, limits: Mapping[str, Any]) -> None:
        super().__init__(check)
        self.check = check
        self.limits = limits


def _norm(fmt: str) -> str:
    return _SAME.get(fmt.lower(), fmt.lower())


def inspect_bytes(data: bytes, declared: str | None, candidates: list[dict[str, Any]]) -> Probe:
    """Check a file against the declared MIME type and its field's limits; raises _Problem."""
    found = probe(data)
    first = candidates[0] if candidates else {}
    if found is None:
        raise _Problem("decode", first)
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        allowed = _MIME.get(declared)
        if (allowed is not None and found.format not in allowed) or (
                allowed is None and declared.split("/")[0] != found.kind):
            raise _Problem("format", first)
    if not candidates:
        return found
    limits = next((c for c in candidates if c.get("kind") == found.kind), None)
    if limits is None:
        raise _Problem("format", first)
    formats = {_norm(f) for f in limits.get("formats") or ()}
    if formats and _norm(found.format) not in formats:
        raise _Problem("format", limits)
    if limits.get("max_mb") is not None and len(data) > float(limits["max_mb"]) * 1024 * 1024:
        raise _Problem("size", limits)
    if found.width and found.height:
        low, high = limits.get("min_px"), limits.get("max_px")
        if (low is not None and min(found.width, found.height) < low) or (
                high is not None and max(found.width, found.height) > high):
            raise _Problem("video_resolution" if found.kind == "video" else "resolution", limits)
    if found.duration is not None:
        low, high = limits.get("min_s"), limits.get("max_s")
        if (low is not None and found.duration < low) or (high is not None and found.duration > high):
            raise _Problem("duration", limits)
    return found


class InputChecker:
    """Runs the input checks of one create request for the app."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.table: Mapping[str, Any] = twin.spec.doc.get("x-dashscope-input-errors", {})

    def _error(self, entry: Mapping[str, Any], limits: Mapping[str, Any] | None = None,
               url: str = "") -> tuple[str, str]:
        values = {"min_px": 0, "max_px": "∞", "min_s": 0, "max_s": "∞", "max_mb": "∞", **(limits or {})}
        message = str(entry["message"])
        for name, value in values.items():
            message = message.replace("{" + name + "}", _num(value))
        return str(entry["code"]), message.replace("{url}", url)

    def _download_error(self, profile: ModelProfile, where: str, kind: str | None, url: str) -> tuple[str, str]:
        for entry in self.table.get("download", []):
            keys = [k for k in ("models", "fields", "kind") if k in entry]
            if (not keys or profile.name in entry.get("models", ())
                    or any(where.startswith(str(f)) for f in entry.get("fields", ()))
                    or (kind is not None and entry.get("kind") == kind)):
                return self._error(entry, url=url)
        return "InvalidParameter.FileDownload", "download for input_image error"

    def check(self, profile: ModelProfile, body: Mapping[str, Any], account: str,
              resolve_oss: bool) -> InputReport:
        """Check every input URL of `body`; raise the submit-time error, or report the deferred one."""
        twin = self.twin
        strings = [(path, value) for path, value in _strings(body) if value.startswith(_INPUT_SCHEMES)]
        if not strings:
            return InputReport(None, None)  # nothing that points at a file: the common text-only create
        deferred = twin.settings.validation == "faithful" and profile.validation == "deferred"
        annotated: dict[FieldPath, list[dict[str, Any]]] = {}
        for path, limits in media_fields(twin.spec).find(profile.schema, body):
            annotated.setdefault(path, []).append(limits)
        url_fields = _url_rule_patterns(profile)
        later: list[tuple[str, str]] = []  # problems the task fails with, first one wins
        durations: dict[str, float] = {}
        now = twin.clock.now()

        def report(error: tuple[str, str], task_time: bool = False) -> None:
            if not (deferred or task_time):
                raise twin.catalog.error(*error)
            later.append(error)

        for path, value in strings:
            where = pattern(path)
            candidates = annotated.get(path, [])
            is_field = bool(candidates) or where in url_fields
            data = declared = None
            if value.startswith("oss://"):
                if not resolve_oss:
                    raise self._raise(self.table["oss"]["no_header"])
                file, reason = twin.uploads.resolve(value, account, profile.name, now)
                if file is None:
                    raise self._raise(self.table["oss"][reason or "missing"])
                data = file.data
            elif value.startswith("data:") and (is_field or _LOOKS_DATA.match(value)):
                decoded = decode_data_uri(value)
                if decoded is None:
                    report(self._error(self.table["media"]["decode"], candidates[0] if candidates else None))
                    continue
                declared, data = decoded
            elif is_field and value.startswith(("http://", "https://")):
                if not url_ok(value):
                    report(self._error(self.table["media"]["url"]))
                elif value in twin.undownloadable:  # a download failure always shows on the task (§1.9)
                    kind = candidates[0].get("kind") if candidates else None
                    report(self._download_error(profile, where, kind, value), task_time=True)
                continue
            else:
                continue
            try:
                found = inspect_bytes(data, declared, candidates)
            except _Problem as problem:
                report(self._error(self.table["media"][problem.check], problem.limits))
                continue
            if found.duration is not None and found.kind in ("video", "audio"):
                durations.setdefault(found.kind, found.duration)
        return InputReport(later[0] if later else None, durations.get("video", durations.get("audio")))

    def _raise(self, entry: Mapping[str, Any]) -> DashScopeError:
        return self.twin.catalog.error(*self._error(entry))


def check(twin: Twin, profile: ModelProfile, body: Mapping[str, Any], account: str,
          headers: Mapping[str, str], raw: bytes | None = None) -> InputReport:
    """The input checks of a create request (see the module docstring); raises the submit-time error.

    `raw` is the body as sent: when it holds no `://` and no `data:` there is no input to check, and the
    parsed body need not be walked (most text-to-X creates).
    """
    if raw is not None and b"://" not in raw and b"data:" not in raw:
        return InputReport()
    resolve = headers.get("x-dashscope-ossresourceresolve", "").strip().lower() == "enable"
    return InputChecker(twin).check(profile, body, account, resolve)


# ---- fixtures ---------------------------------------------------------------------------------------


def sample(limits: Mapping[str, Any] | None, name: str = "") -> bytes:
    """A file that passes `limits` (an `x-dashscope-media`), or fits the extension of `name` when there are none."""
    from . import artifacts

    def within(value: float, low: Any, high: Any) -> float:
        return min(max(value, low if low is not None else value), high if high is not None else value)

    lim = limits or {}
    kind = lim.get("kind") or ("audio" if name.endswith((".wav", ".mp3")) else
                               "video" if name.endswith((".mp4", ".mov")) else "image")
    if kind == "audio":
        return artifacts.wav(within(5, lim.get("min_s"), lim.get("max_s")))
    side = int(within(640 if kind == "video" else 512, lim.get("min_px"), lim.get("max_px")))
    if kind == "video":
        return artifacts.video(side, side, 15, within(5, lim.get("min_s"), lim.get("max_s")))
    return artifacts.image(side, side, (128, 128, 128))


def seed_oss(twin: Twin, profile: ModelProfile, body: Mapping[str, Any], account: str) -> int:
    """Store a fitting file at every oss:// URL of `body` for (account, model); how many were seeded.

    For fixtures that replay documented bodies whose oss:// keys came from an SDK capture.
    """
    annotated: dict[FieldPath, list[dict[str, Any]]] = {}
    for path, limits in media_fields(twin.spec).find(profile.schema, body):
        annotated.setdefault(path, []).append(limits)
    seeded = 0
    for path, value in _strings(body):
        if value.startswith("oss://"):
            found = annotated.get(path)
            data = sample(found[0] if found else None, value.lower())
            twin.uploads.seed(value, account, profile.name, data, twin.clock.now())
            seeded += 1
    return seeded
