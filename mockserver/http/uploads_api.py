"""The upload endpoints: the getPolicy call (DashScope envelope, auth) and the PostObject receiver (OSS XML)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.oss import UPLOAD_PATH
from ..domain.state import Twin
from ..spec.catalog import OssError
from ..spec.hosts import ServiceHosts
from ..wire import oss
from .guard import Reply, Seen
from .model_hint import UnknownModel
from .multipart import Form, FormError, read_form

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

    def __init__(self, twin: Twin, hosts: ServiceHosts | None = None) -> None:
        self.twin = twin
        self.hosts = hosts or ServiceHosts()
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
        # a client that called a real API host (through the proxy, the TLS listener or the fixture) uploads to
        # that host's real upload host, which the same ingress serves
        root = self.hosts.upload_root(request.headers.get("host")) or twin.settings.upload_host or str(request.base_url)
        data = twin.uploads.issue(caller.account, model, request_id, twin.clock.now(), root)
        return Reply({"data": data, "request_id": request_id}, headers={"x-request-id": request_id})

    async def post_object(self, request: Request) -> Response:
        """POST /__oss/upload: an OSS PostObject upload checked against its signed policy.

        The size limit is enforced on the raw stream as it is read (a chunked body has no Content-Length to
        check first); the file part is written into the store's directory as it arrives (http/multipart.py) and
        renamed into place once the policy allows it.
        """
        twin = self.twin
        host = request.url.netloc
        limit = twin.uploads.max_bytes + _FORM_OVERHEAD

        async def counted() -> AsyncIterator[bytes]:
            seen = 0
            async for chunk in request.stream():
                seen += len(chunk)
                if seen > limit:
                    raise _TooLarge
                yield chunk

        form: Form | None = None
        try:
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise twin.catalog.oss("too_large")
            try:
                form = await read_form(counted(), request.headers.get("content-type", ""), twin.uploads.files.spool)
            except _TooLarge as exc:
                raise twin.catalog.oss("too_large") from exc
            except (FormError, ClientDisconnect) as exc:
                raise twin.catalog.oss("malformed_post") from exc
            fields = form.fields
            upload = form.file
            if upload is None:
                raise twin.catalog.oss("no_file_field")
            content_type = fields.get("x-oss-content-type") or upload.content_type or "application/octet-stream"
            # the rename into the store (and a replaced file's removal) runs on a worker thread
            stored = await run_in_threadpool(twin.uploads.receive, fields, upload.filename, upload.spool,
                                             content_type, twin.clock.now())
        except OssError as err:
            # an answer given before the body was read whole: the served app drains or closes (http/body_guard.py)
            return oss_error_response(err, host)
        finally:
            if form is not None and form.file is not None:
                form.file.spool.discard()  # a refused file goes at once (nothing left once the store took it)
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
