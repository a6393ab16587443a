"""Result files behind signed, expiring OSS-style URLs (docs/behaviour.md §2.4).

`/<2hex>/<YYYYMMDD>/<8hex>/<task_id>[-n].<ext>?Expires=&OSSAccessKeyId=&Signature=` answers the task's real
MP4 or PNG while the signature holds and `Expires` (end time + 24 h, virtual clock) has not passed; otherwise
the XML error OSS sends.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import formatdate

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.oss import ACCESS_KEY_ID
from ..domain.state import Twin
from ..formats import mp4, png
from ..spec.catalog import OssError
from ..wire import oss
from ..wire.signing import UrlSigner, parse_expires
from .uploads_api import oss_error_response

_SEGMENTS = (re.compile(r"[0-9a-f]{2}"), re.compile(r"[0-9]{8}"), re.compile(r"[0-9a-f]{8}"))
_NAME = re.compile(r"(?P<task>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                   r"(?:-(?P<n>[1-9][0-9]*))?\.(?P<ext>mp4|png)")
_TYPES = {"mp4": "video/mp4", "png": "image/png"}
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")
_MAX_OFFSET_DIGITS = 18  # a longer offset is past the end of any result file


def _gmt(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class ResultsApi:
    """Serve result files of the twin's tasks."""

    def __init__(self, twin: Twin, signer: UrlSigner) -> None:
        self.twin = twin
        self.signer = signer

    def check_access(self, path: str, params: dict[str, str]) -> None:
        """Raise the OSS error for a result URL that is unsigned, expired or tampered with."""
        catalog = self.twin.catalog
        expires, key_id, signature = params.get("Expires"), params.get("OSSAccessKeyId"), params.get("Signature")
        if not expires or not key_id or not signature:
            raise catalog.oss("no_right_object")
        if key_id != ACCESS_KEY_ID:
            raise catalog.oss("unknown_key_id", OSSAccessKeyId=key_id)
        now = self.twin.clock.now()
        seconds = parse_expires(expires)
        if seconds is None:
            raise catalog.oss("bad_expires")
        if now > seconds:
            raise catalog.oss("url_expired", Expires=_gmt(seconds), ServerTime=_gmt(now))
        if self.signer.check(path, expires, signature, now) is not None:
            raise catalog.oss("bad_signature", OSSAccessKeyId=key_id)

    def render(self, name: str) -> tuple[bytes, str, float]:
        """(bytes, content type, last-modified) of result file `name`; OssError NoSuchKey when there is none."""
        tasks = self.twin.tasks
        missing = self.twin.catalog.oss("no_such_key", Key=name)
        m = _NAME.fullmatch(name)
        if m is None:
            raise missing
        task = tasks.find(m["task"])
        profile = self.twin.registry.model(task.model) if task is not None else None
        if task is None or profile is None or not tasks.has_results(task):
            raise missing
        kind = profile.output_kind
        ext = m["ext"]
        if (kind, ext) not in (("video", "mp4"), ("image", "png")):
            raise missing
        facts = tasks.facts(task)
        count = facts.output_count
        index = int(m["n"]) - 1 if m["n"] else 0
        # one URL per image: `<task>.ext` for a single result, `<task>-<n>.ext` for each of several (wire/render.py)
        if (count == 1) != (m["n"] is None) or index >= count - min(task.failed_items, count):
            raise missing
        if kind == "video":
            data = mp4.video(facts.width, facts.height, facts.fps, facts.output_duration, png.colour_of(task.task_id))
        else:
            data = png.image(facts.width, facts.height, png.colour_of(f"{task.task_id}-{index + 1}"))
        return data, _TYPES[ext], task.end

def _offset(digits: str) -> int:
    """A byte offset of a Range header; one too long to parse (int() refuses 4,300+ digits) is past any end."""
    return int(digits) if len(digits) <= _MAX_OFFSET_DIGITS else 10**_MAX_OFFSET_DIGITS


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes of a single `Range: bytes=a-b`; None to send everything (OSS ignores bad ranges).

    A range that starts past the end raises IndexError (OSS answers 416 InvalidRange).
    """
    m = _RANGE.fullmatch(header.strip()) if header else None
    if m is None or (not m[1] and not m[2]):
        return None
    if not m[1]:
        first, last = max(0, size - _offset(m[2])), size - 1
    else:
        first = _offset(m[1])
        last = min(_offset(m[2]), size - 1) if m[2] else size - 1
    if m[2] and m[1] and _offset(m[2]) < first:
        return None
    if first >= size:
        raise IndexError(first)
    return first, last


def routes(api: ResultsApi) -> list[Route]:
    """The result-file route (any host: result URLs point at the twin unless `result_host` says otherwise)."""

    async def serve(request: Request) -> Response:
        """GET a result file: the bytes (200, or 206 for a Range), or OSS's XML error."""
        parts = request.path_params
        if not all(p.fullmatch(parts[k]) for p, k in zip(_SEGMENTS, ("a", "day", "b"), strict=True)):
            raise HTTPException(404)  # not a result path: the app's own 404
        host = request.url.netloc
        try:
            api.check_access(request.url.path, dict(request.query_params))
            data, content_type, modified = api.render(parts["name"])
            try:
                span = _byte_range(request.headers.get("range"), len(data))
            except IndexError:
                raise api.twin.catalog.oss("bad_range") from None
        except OssError as err:
            return oss_error_response(err, host)
        headers = {
            "accept-ranges": "bytes", "etag": '"' + hashlib.md5(data, usedforsecurity=False).hexdigest().upper() + '"',
            "last-modified": formatdate(modified, usegmt=True), "x-oss-request-id": oss.request_id(),
            "x-oss-object-type": "Normal", "server": "AliyunOSS",
        }
        if span is None:
            return Response(data, media_type=content_type, headers=headers)
        first, last = span
        headers["content-range"] = f"bytes {first}-{last}/{len(data)}"
        return Response(data[first:last + 1], status_code=206, media_type=content_type, headers=headers)

    return [Route("/{a}/{day}/{b}/{name}", serve, methods=["GET"])]
