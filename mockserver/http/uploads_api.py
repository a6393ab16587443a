"""The upload endpoints: the getPolicy call (DashScope envelope, auth) and the PostObject receiver (OSS XML)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.oss import UPLOAD_PATH
from ..domain.state import Twin
from ..spec.catalog import OssError
from ..wire import oss
from .guard import Reply, Seen
from .model_hint import UnknownModel

_FORM_OVERHEAD = 1 << 20  # multipart fields besides the file, in bytes


class _TooLarge(Exception):
    """The raw upload stream passed the policy's size limit while being read."""

Message = MutableMapping[str, Any]
Endpoint = Callable[[Request], Awaitable[Response]]
Wrap = Callable[[str, Callable[[Request, Seen, str], Awaitable[Reply]]], Endpoint]


def oss_error_response(err: OssError, host: str) -> Response:
    """The OSS XML error for `err`, with OSS's headers."""
    rid = oss.request_id()
    return Response(oss.error_xml(err, host, rid), status_code=err.status, media_type=oss.XML,
                    headers={"x-oss-request-id": rid, "server": "AliyunOSS"})


class UploadsApi:
    """getPolicy and PostObject over the twin's keys, registry, rate windows, clock and uploads."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.unknown_model = UnknownModel(twin)

    async def get_policy(self, request: Request, seen: Seen, request_id: str) -> Reply:
        """GET /api/v1/uploads?action=getPolicy&model=M: the signed upload policy, under `data` (§4.1)."""
        twin = self.twin
        caller = twin.keys.authenticate(request.headers.get("authorization"))
        if request.query_params.get("action") != "getPolicy":
            raise twin.catalog.error("InvalidParameter", like="Required parameter(xxx) missing or invalid, please",
                                     values=("action",))
        model = request.query_params.get("model") or ""
        seen.model = model or None
        if twin.registry.model(model) is None:
            raise self.unknown_model.error(model)
        # 100 QPS per (account, model), not adjustable (docs/behaviour.md §4.2)
        if twin.settings.limits and not twin.rates.allow(("upload", caller.account, model), 100):
            raise twin.catalog.error("Throttling.RateQuota")
        data = twin.uploads.issue(caller.account, model, request_id, twin.clock.now(),
                                   twin.settings.upload_host or str(request.base_url))
        return Reply({"data": data, "request_id": request_id}, headers={"x-request-id": request_id})

    async def post_object(self, request: Request) -> Response:
        """POST /__oss/upload: an OSS PostObject upload checked against its signed policy.

        The size limit is enforced on the raw stream as it is read (a chunked body has no Content-Length to
        check first); starlette's parser spools the file to disk, and the store copies it in chunks.
        """
        twin = self.twin
        host = request.url.netloc
        limit = twin.uploads.max_bytes + _FORM_OVERHEAD
        seen = [0]

        async def counted() -> Message:
            message = await request.receive()
            seen[0] += len(message.get("body", b""))
            if seen[0] > limit:
                raise _TooLarge
            return message

        try:
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise twin.catalog.oss("too_large")
            try:
                form = await Request(request.scope, counted).form(max_files=1, max_fields=64)
            except _TooLarge as exc:
                raise twin.catalog.oss("too_large") from exc
            except Exception as exc:  # starlette raises MultiPartException / HTTPException for a broken body
                if seen[0] > limit:
                    raise twin.catalog.oss("too_large") from exc
                raise twin.catalog.oss("malformed_post") from exc
            fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise twin.catalog.oss("no_file_field")
            content_type = fields.get("x-oss-content-type") or upload.content_type or "application/octet-stream"
            upload.file.seek(0, 2)
            size = upload.file.tell()
            upload.file.seek(0)
            stored = twin.uploads.receive(fields, upload.filename or "", upload.file, content_type,
                                          twin.clock.now(), size=size)
            await form.close()
        except OssError as err:
            response = oss_error_response(err, host)
            if err.code == "EntityTooLarge":
                response.headers["connection"] = "close"  # stop reading the rest of an oversized body
            return response
        etag = '"' + stored.md5.upper() + '"'
        headers = {"etag": etag, "x-oss-request-id": oss.request_id(), "server": "AliyunOSS"}
        status = fields.get("success_action_status")
        if status == "200":  # what the SDK sends; the body is ignored (docs/sdk-wire.md §5.3)
            return Response(b"", status_code=200, headers=headers)
        if status == "201":
            return Response(oss.post_response_xml(host, stored.key, etag), status_code=201, media_type=oss.XML,
                            headers=headers)
        return Response(status_code=204, headers=headers)

    def routes(self, wrap: Wrap) -> list[Route]:
        """The getPolicy route (through the request wrapper) and the PostObject receiver."""
        policy = wrap("upload", self.get_policy)
        return [
            Route("/api/v1/uploads", policy, methods=["GET"]),
            Route("/api/v1/uploads/", policy, methods=["GET"]),
            Route(UPLOAD_PATH, self.post_object, methods=["POST"]),
        ]
