"""Input files of a create request: `oss://` resolution, `data:` URI checks, http(s) URL syntax, download marks.

Nothing is ever fetched: http(s) URLs are only parsed. `data:` URIs and uploaded `oss://` files are real bytes,
so they are sniffed (formats/sniff.py) and checked against the `x-dashscope-media` limits of the field they sit
in (domain/media_fields.py). How each problem is reported comes from the spec's `x-dashscope-input-errors`
(openapi/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..formats.sniff import MIME_FORMATS, SAME_FORMAT, Probe, decode_data_uri, probe
from ..settings import Settings
from ..spec.catalog import DashScopeError, ErrorCatalog
from ..spec.document import Spec
from ..spec.profiles import ModelProfile
from .backends import MarkBackend
from .clock import VirtualClock
from .media import lookup
from .media_fields import INPUT_SCHEMES, FieldPath, media_fields, pattern, strings, url_rule_patterns
from .uploads import Uploads

_LOOKS_DATA = re.compile(r"data:[\w.+-]+/[\w.+-]+[;,]")
_HOST = re.compile(r"[\w.~-]+|\[[0-9A-Fa-f:.]+\]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_chinese(url: str) -> bool:
    """Whether a URL holds Chinese characters or full-width punctuation as such (percent-encoded ones are fine)."""
    return _CHINESE.search(url) is not None


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
    return SAME_FORMAT.get(fmt.lower(), fmt.lower())


def inspect_bytes(data: bytes, declared: str | None, candidates: list[dict[str, Any]]) -> Probe:
    """Check a file against the declared MIME type and its field's limits; raises _Problem."""
    found = probe(data)
    first = candidates[0] if candidates else {}
    if found is None:
        raise _Problem("decode", first)
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        allowed = MIME_FORMATS.get(declared)
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
    strict = frozenset(limits.get("exclusive") or ())
    if limits.get("max_mb") is not None and _over(len(data), float(limits["max_mb"]) * 1024 * 1024, "max_mb" in strict):
        raise _Problem("size", limits)
    if found.width and found.height and (
            _under(min(found.width, found.height), limits.get("min_px"), "min_px" in strict)
            or _over(max(found.width, found.height), limits.get("max_px"), "max_px" in strict)):
        raise _Problem("video_resolution" if found.kind == "video" else "resolution", limits)
    if limits.get("alpha") is False and found.alpha:
        raise _Problem("alpha", limits)
    if limits.get("alpha") is True and not found.alpha:  # the docs ask for a transparent (RGBA) image
        raise _Problem("no_alpha", limits)
    ratio = limits.get("max_aspect")
    if ratio is not None and found.width and found.height and _over(
            max(found.width, found.height), float(ratio) * min(found.width, found.height), "max_aspect" in strict):
        raise _Problem("aspect", limits)
    if found.duration is not None and (_under(found.duration, limits.get("min_s"), "min_s" in strict)
                                       or _over(found.duration, limits.get("max_s"), "max_s" in strict)):
        raise _Problem("duration", limits)
    if found.fps is not None:
        low, high = limits.get("min_fps"), limits.get("max_fps")
        if (low is not None and found.fps < low) or (high is not None and found.fps > high):
            raise _Problem("fps", limits)
    return found


def _under(value: float, low: Any, strict: bool) -> bool:
    """Below a lower limit; on it too when the docs make the limit strict ("greater than")."""
    return low is not None and (value <= float(low) if strict else value < float(low))


def _over(value: float, high: Any, strict: bool) -> bool:
    """Above an upper limit; on it too when the docs make the limit strict ("less than")."""
    return high is not None and (value >= float(high) if strict else value > float(high))


def format_list(formats: Any) -> str:
    """A field's formats as the format refusal lists them: `JPEG, PNG, and WEBP` (spellings of one format once)."""
    names = list(dict.fromkeys(str(f).upper() for f in formats or ()))
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def scheme_allowed(value: str, candidates: list[dict[str, Any]]) -> bool:
    """Whether the field's documented `schemes` (any annotation of it) admit the URL's scheme; no list = all."""
    scheme = value.split(":", 1)[0].lower()
    lists = [c["schemes"] for c in candidates if c.get("schemes")]
    return not lists or any(scheme in allowed for allowed in lists)


def billed_input(profile: ModelProfile, body: Mapping[str, Any], durations: Mapping[str, list[float]]) -> float | None:
    """The input duration the task reports: the first video's (else audio's) length, or, where the model's `media`
    has `input_duration_cap`, every input video capped at the share of the quota its reference count gives."""
    found = durations.get("video") or durations.get("audio")
    if not found:
        return None
    cap = profile.media.input_duration_cap
    if not cap:
        return found[0]
    refs = lookup(body, str(cap["count"]))
    caps = [float(c) for c in cap["caps"]]
    n = min(max(len(refs) if isinstance(refs, list) else 1, 1), len(caps))
    return round(sum(min(d, caps[n - 1]) for d in durations.get("video", [])), 3)


def media_entry(table: Mapping[str, Any], model: str, check: str) -> Mapping[str, Any]:
    """How a bad input file is reported for `model`: its own error table's entry (the spec's
    `x-dashscope-input-errors.models`), else the shared `media` one."""
    own: Mapping[str, Mapping[str, Any]] = (table.get("models") or {}).get(model) or {}
    found: Mapping[str, Any] = own.get(check) or table["media"][check]
    return found


class InputChecker:
    """Runs the input checks of create requests (one per twin; it holds no per-request state)."""

    def __init__(self, spec: Spec, catalog: ErrorCatalog, settings: Settings, clock: VirtualClock,
                 uploads: Uploads, downloads: MarkBackend) -> None:
        self.spec = spec
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        self.uploads = uploads
        self.downloads = downloads
        self.table: Mapping[str, Any] = spec.doc.get("x-dashscope-input-errors", {})

    def _error(self, entry: Mapping[str, Any], limits: Mapping[str, Any] | None = None,
               url: str = "") -> tuple[str, str]:
        values = {"min_px": 0, "max_px": "∞", "min_s": 0, "max_s": "∞", "max_mb": "∞", "min_fps": 0, "max_fps": "∞",
                  "max_aspect": "∞", **(limits or {})}
        message = str(entry["message"])
        for name, value in values.items():
            if name != "formats":
                message = message.replace("{" + name + "}", _num(value))
        message = message.replace("{formats}", format_list((limits or {}).get("formats")))
        return str(entry["code"]), message.replace("{url}", url)

    def _media(self, profile: ModelProfile, check: str) -> Mapping[str, Any]:
        return media_entry(self.table, profile.name, check)

    def _download_error(self, profile: ModelProfile, where: str, kind: str | None, url: str) -> tuple[str, str]:
        for entry in self.table.get("download", []):
            keys = [k for k in ("models", "fields", "kind") if k in entry]
            if (not keys or profile.name in entry.get("models", ())
                    or any(where.startswith(str(f)) for f in entry.get("fields", ()))
                    or (kind is not None and entry.get("kind") == kind)):
                return self._error(entry, url=url)
        return "InvalidParameter.FileDownload", self.catalog.message("InvalidParameter.FileDownload", "input_image")

    def check(self, profile: ModelProfile, body: Mapping[str, Any], account: str,
              headers: Mapping[str, str], raw: bytes | None = None) -> InputReport:
        """Check every input URL of `body`; raise the submit-time error, or report the deferred one.

        `raw` is the body as sent: when it holds no `://` and no `data:` there is no input to check, and the
        parsed body need not be walked (most text-to-X creates).
        """
        if raw is not None and b"://" not in raw and b"data:" not in raw:
            return InputReport()
        found = [(path, value) for path, value in strings(body) if value.startswith(INPUT_SCHEMES)]
        if not found:
            return InputReport()  # nothing that points at a file: the common text-only create
        resolve_oss = headers.get("x-dashscope-ossresourceresolve", "").strip().lower() == "enable"
        return self._check(profile, body, account, resolve_oss, found)

    def _check(self, profile: ModelProfile, body: Mapping[str, Any], account: str, resolve_oss: bool,
               found: list[tuple[FieldPath, str]]) -> InputReport:
        deferred = self.settings.validation == "faithful" and profile.validation == "deferred"
        annotated: dict[FieldPath, list[dict[str, Any]]] = {}
        for path, limits in media_fields(self.spec).find(profile.schema, body):
            annotated.setdefault(path, []).append(limits)
        url_fields = url_rule_patterns(profile)
        later: list[tuple[str, str]] = []  # problems the task fails with, first one wins
        durations: dict[str, list[float]] = {}
        now = self.clock.now()

        def report(error: tuple[str, str], task_time: bool = False) -> None:
            if not (deferred or task_time):
                raise self.catalog.error(*error)
            later.append(error)

        for path, value in found:
            where = pattern(path)
            candidates = annotated.get(path, [])
            is_field = bool(candidates) or where in url_fields
            data = declared = None
            if candidates and not scheme_allowed(value, candidates):
                report(self._error(self._media(profile, "scheme")))  # the service takes it for a URL it cannot use
                continue
            if value.startswith("oss://"):
                if not resolve_oss:
                    raise self._raise(self.table["oss"]["no_header"])
                file, reason = self.uploads.resolve(value, account, profile.name, now)
                if file is None:
                    raise self._raise(self.table["oss"][reason or "missing"])
                data = file.data
            elif value.startswith("data:") and (is_field or _LOOKS_DATA.match(value)):
                decoded = decode_data_uri(value)
                if decoded is None:
                    report(self._error(self._media(profile, "decode"), candidates[0] if candidates else None))
                    continue
                declared, data = decoded
            elif is_field and value.startswith(("http://", "https://")):
                if not url_ok(value):
                    report(self._error(self._media(profile, "url")))
                elif any(c.get("no_chinese_url") for c in candidates) and has_chinese(value):
                    report(self._error(self._media(profile, "chinese_url"), url=value))
                elif value in self.downloads:  # a download failure always shows on the task (§1.9)
                    kind = candidates[0].get("kind") if candidates else None
                    report(self._download_error(profile, where, kind, value), task_time=True)
                continue
            else:
                continue
            try:
                probed = inspect_bytes(data, declared, candidates)
            except _Problem as problem:
                report(self._error(self._media(profile, problem.check), problem.limits))
                continue
            if probed.duration is not None and probed.kind in ("video", "audio"):
                durations.setdefault(probed.kind, []).append(probed.duration)
        return InputReport(later[0] if later else None, billed_input(profile, body, durations))

    def _raise(self, entry: Mapping[str, Any]) -> DashScopeError:
        return self.catalog.error(*self._error(entry))
