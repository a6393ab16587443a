"""What the OSS side sends: XML error documents, the PostObject 201 document, OSS request ids."""

from __future__ import annotations

import secrets
from xml.sax.saxutils import escape

from ..domain.oss import BUCKET
from ..spec.catalog import OssError

XML = "application/xml"


def request_id() -> str:
    """An OSS-shaped request id: 24 upper-case hex digits."""
    return secrets.token_hex(12).upper()


def error_xml(err: OssError, host: str, rid: str) -> bytes:
    """The OSS XML error document for `err` (what OSS answers a failed GET or PostObject)."""
    fields = {"Code": err.code, "Message": err.message, "RequestId": rid, "HostId": host, **err.extra}
    body = "".join(f"  <{k}>{escape(str(v))}</{k}>\n" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n{body}</Error>\n'.encode()


def post_response_xml(host: str, key: str, etag: str) -> bytes:
    """The body of a PostObject answered with `success_action_status=201`."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>{BUCKET}</Bucket>'
            f"<Location>http://{escape(host)}/{escape(key)}</Location><Key>{escape(key)}</Key>"
            f"<ETag>{escape(etag)}</ETag></PostResponse>").encode()
