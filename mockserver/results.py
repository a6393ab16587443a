"""Result files behind signed, expiring OSS-style URLs (real-service-behavior.md §2.4).

`/<2hex>/<YYYYMMDD>/<8hex>/<task_id>[-n].<ext>?Expires=&OSSAccessKeyId=&Signature=` answers the task's real
MP4 or PNG while the signature holds and `Expires` (end time + 24 h, virtual clock) has not passed; otherwise
the XML error OSS sends.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import formatdate
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import artifacts
from .signing import ACCESS_KEY_ID
from .task import Task
from .uploads import OssError, oss_error_response, oss_request_id

if TYPE_CHECKING:
    from .app import Twin

_SEGMENTS = (re.compile(r"[0-9a-f]{2}"), re.compile(r"[0-9]{8}"), re.compile(r"[0-9a-f]{8}"))
_NAME = re.compile(r"(?P<task>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                   r"(?:-(?P<n>[1-9][0-9]*))?\.(?P<ext>mp4|png)")
_TYPES = {"mp4": "video/mp4", "png": "image/png"}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _gmt(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def check_access(twin: Twin, path: str, params: dict[str, str]) -> None:
    """Raise the OSS error for a result URL that is unsigned, expired or tampered with."""
    expires, key_id, signature = params.get("Expires"), params.get("OSSAccessKeyId"), params.get("Signature")
    if not expires or not key_id or not signature:
        raise OssError(403, "AccessDenied", "You have no right to access this object because of bucket acl.")
    if key_id != ACCESS_KEY_ID:
        raise OssError(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                       OSSAccessKeyId=key_id)
    now = twin.clock.now()
    if not expires.isdigit():
        raise OssError(403, "AccessDenied", "Invalid Expires parameter.")
    if now > int(expires):
        raise OssError(403, "AccessDenied", "Request has expired.", Expires=_gmt(int(expires)),
                       ServerTime=_gmt(now))
    if twin.signer.check(path, expires, signature, now) is not None:
        raise OssError(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided. "
                       "Check your key and signing method.", OSSAccessKeyId=key_id)


def _finished(twin: Twin, task: Task, now: float) -> bool:
    """Whether `task` has reached SUCCEEDED (results exist from then on, even after the task record's 24 h)."""
    if task.final != "SUCCEEDED" or task.canceled_at is not None:
        return False
    if task.poll_plan is not None:
        return task.final in (task.marks or {})
    return now >= task.end


def render(twin: Twin, name: str) -> tuple[bytes, str, float]:
    """(bytes, content type, last-modified) of result file `name`; OssError NoSuchKey when there is none."""
    missing = OssError(404, "NoSuchKey", "The specified key does not exist.", Key=name)
    m = _NAME.fullmatch(name)
    if m is None:
        raise missing
    task = twin.engine.store.get(m["task"])
    profile = twin.registry.model(task.model) if task is not None else None
    if task is None or profile is None or not _finished(twin, task, twin.clock.now()):
        raise missing
    kind = profile.output_kind
    ext = m["ext"]
    if (kind, ext) not in (("video", "mp4"), ("image", "png")):
        raise missing
    facts = twin.engine.facts(task, profile)
    count = facts.output_count
    index = int(m["n"]) - 1 if m["n"] else 0
    # one URL per image: `<task>.ext` for a single result, `<task>-<n>.ext` for each of several (engine.result_value)
    if (count == 1) != (m["n"] is None) or index >= count - min(task.failed_items, count):
        raise missing
    if kind == "video":
        data = artifacts.video(facts.width, facts.height, facts.fps, facts.output_duration,
                               artifacts.colour_of(task.task_id))
    else:
        data = artifacts.image(facts.width, facts.height, artifacts.colour_of(f"{task.task_id}-{index + 1}"))
    return data, _TYPES[ext], task.end


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes of a single `Range: bytes=a-b`; None to send everything (OSS ignores bad ranges)."""
    m = _RANGE.fullmatch(header.strip()) if header else None
    if m is None or (not m[1] and not m[2]):
        return None
    if not m[1]:
        first, last = max(0, size - int(m[2])), size - 1
    else:
        first = int(m[1])
        last = min(int(m[2]), size - 1) if m[2] else size - 1
    if m[2] and m[1] and int(m[2]) < first:
        return None
    if first >= size:
        raise OssError(416, "InvalidRange", "The requested range cannot be satisfied.")
    return first, last


async def serve(request: Request) -> Response:
    """GET a result file: the bytes (200, or 206 for a Range), or OSS's XML error."""
    twin: Twin = request.app.state.twin
    parts = request.path_params
    if not all(p.fullmatch(parts[k]) for p, k in zip(_SEGMENTS, ("a", "day", "b"), strict=True)):
        raise HTTPException(404)  # not a result path: the app's own 404
    host = request.url.netloc
    try:
        check_access(twin, request.url.path, dict(request.query_params))
        data, content_type, modified = render(twin, parts["name"])
        span = _byte_range(request.headers.get("range"), len(data))
    except OssError as err:
        return oss_error_response(err, host)
    headers = {
        "accept-ranges": "bytes", "etag": '"' + hashlib.md5(data, usedforsecurity=False).hexdigest().upper() + '"',
        "last-modified": formatdate(modified, usegmt=True), "x-oss-request-id": oss_request_id(),
        "x-oss-object-type": "Normal", "server": "AliyunOSS",
    }
    if span is None:
        return Response(data, media_type=content_type, headers=headers)
    first, last = span
    headers["content-range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(data[first:last + 1], status_code=206, media_type=content_type, headers=headers)


def routes(twin: Twin) -> list[Route]:
    """The result-file route (any host: result URLs point at the mock unless `result_host` says otherwise)."""
    return [Route("/{a}/{day}/{b}/{name}", serve, methods=["GET"])]
