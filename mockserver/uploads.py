"""Temporary files: the upload policy, the OSS-style PostObject receiver, the file store, oss:// lookups.

The flow the official SDK follows (official-sdk-wire-protocol.md §5, real-service-behavior.md §4):
GET /api/v1/uploads?action=getPolicy&model=M -> a signed POST policy; multipart POST of the file to
`upload_host` (this mock's /__oss/upload); then `oss://<key>` in the create body, with the header
`X-DashScope-OssResourceResolve: enable`. A file is bound to the account and the model of its policy and
lives 48 h of virtual time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .clock import CST
from .settings import Settings
from .signing import ACCESS_KEY_ID

if TYPE_CHECKING:
    from .app import Twin

OSS_SCHEME = "oss://"
UPLOAD_PATH = "/__oss/upload"
BUCKET = "dashscope-file-mgr"
_MAX_KEY_BYTES = 1023  # OSS object-name limit
_FORM_OVERHEAD = 1 << 20  # multipart fields besides the file, in bytes


class OssError(Exception):
    """An error OSS answers with an XML body (`<Error><Code>...`)."""

    def __init__(self, status: int, code: str, message: str, **extra: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def oss_request_id() -> str:
    """An OSS-shaped request id: 24 upper-case hex digits."""
    return secrets.token_hex(12).upper()


def oss_error_response(err: OssError, host: str) -> Response:
    """The OSS XML error document for `err` (what OSS answers a failed GET or PostObject)."""
    request_id = oss_request_id()
    fields = {"Code": err.code, "Message": err.message, "RequestId": request_id, "HostId": host, **err.extra}
    body = "".join(f"  <{k}>{escape(str(v))}</{k}>\n" for k, v in fields.items())
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n{body}</Error>\n'
    return Response(xml.encode(), status_code=err.status, media_type="application/xml",
                    headers={"x-oss-request-id": request_id, "server": "AliyunOSS"})


def clean_key(key: str) -> str | None:
    """`key` if it is a safe object name (relative, no `.`/`..` segments, no backslash or control chars)."""
    if not key or len(key.encode()) > _MAX_KEY_BYTES or key.startswith("/") or "\\" in key:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        return None
    if any(part in ("", ".", "..") for part in key.split("/")):
        return None
    return key


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One uploaded file and what it is bound to."""

    key: str
    account: str
    model: str
    created: float  # virtual epoch seconds
    content_type: str
    data: bytes


class FileStore:
    """Uploaded files, in memory or (with a root directory) on disk under hashed names."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._files: dict[str, StoredFile] = {}
        self._lock = threading.Lock()
        if root is not None:
            (root / "objects").mkdir(parents=True, exist_ok=True)

    def _paths(self, key: str) -> tuple[Path, Path]:
        assert self.root is not None
        name = hashlib.sha256(key.encode()).hexdigest()  # never the key itself: no path is built from input
        return self.root / "objects" / f"{name}.bin", self.root / "objects" / f"{name}.json"

    def put(self, file: StoredFile) -> None:
        """Store `file`, replacing any file with the same key (the SDK re-uploads keys, §5.6)."""
        with self._lock:
            if self.root is None:
                self._files[file.key] = file
                return
            data_path, meta_path = self._paths(file.key)
            data_path.write_bytes(file.data)
            meta = {k: v for k, v in asdict(file).items() if k != "data"}
            meta_path.write_text(json.dumps(meta), encoding="utf-8")

    def get(self, key: str) -> StoredFile | None:
        """The file stored under `key`, or None."""
        if self.root is None:
            return self._files.get(key)
        data_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return StoredFile(**meta, data=data_path.read_bytes())
        except (OSError, ValueError, TypeError):
            return None

    def delete(self, key: str) -> None:
        """Forget the file under `key`."""
        with self._lock:
            self._files.pop(key, None)
            if self.root is not None:
                for path in self._paths(key):
                    path.unlink(missing_ok=True)

    def prune(self, before: float) -> None:
        """Drop in-memory files created before `before` (files on disk go when they are looked up)."""
        with self._lock:
            for key in [k for k, f in self._files.items() if f.created < before]:
                del self._files[key]

    def __len__(self) -> int:
        return len(self._files)


@dataclass(frozen=True, slots=True)
class Grant:
    """An issued policy: who may upload below `upload_dir`, for which model, until when."""

    account: str
    model: str
    upload_dir: str
    expires: float


def _iso_ms(ts: float) -> str:
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse_iso(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def _condition_text(cond: Any) -> str:
    """A policy condition as OSS quotes it in errors: `["eq", "$x-oss-object-acl", "private"]`."""
    if isinstance(cond, dict):
        name, value = next(iter(cond.items()))
        cond = ["eq", f"${name}", value]
    return json.dumps(cond, ensure_ascii=False)


def storage_root(settings: Settings) -> Path | None:
    """Where uploaded files live: `data_dir`, else beside the SQLite store, else memory (None)."""
    if settings.data_dir is not None:
        return Path(settings.data_dir) / "uploads"
    if settings.store.startswith("sqlite:"):
        return Path(settings.store.removeprefix("sqlite:")).resolve().parent / "uploads"
    return None


class Uploads:
    """Issue policies, receive PostObject uploads, and resolve oss:// keys for create requests."""

    def __init__(self, secret: bytes, settings: Settings, store: FileStore | None = None) -> None:
        self._secret = secret
        self.settings = settings
        self.files = store if store is not None else FileStore(storage_root(settings))
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()
        self._last_prune = 0.0

    @property
    def max_bytes(self) -> int:
        """The largest upload the policy allows."""
        return self.settings.upload_max_mb * 1024 * 1024

    def signature(self, policy_b64: str) -> str:
        """The PostObject signature of a base64 policy: base64(HMAC-SHA1(secret, policy))."""
        return base64.b64encode(hmac.new(self._secret, policy_b64.encode(), hashlib.sha1).digest()).decode()

    def issue(self, account: str, model: str, request_id: str, now: float, host: str) -> dict[str, Any]:
        """The `data` of a getPolicy answer (real-service-behavior.md §4.1), and remember the grant."""
        account_hash = hashlib.sha256(account.encode()).hexdigest()[:32]
        day = datetime.fromtimestamp(now, CST).strftime("%Y-%m-%d")
        upload_dir = f"dashscope-instant/{account_hash}/{day}/{request_id}"
        expires = now + self.settings.upload_policy_ttl_s
        doc = {"expiration": _iso_ms(expires), "conditions": [
            ["content-length-range", 0, self.max_bytes], ["starts-with", "$key", upload_dir], {"bucket": BUCKET},
            {"x-oss-object-acl": "private"}, {"x-oss-forbid-overwrite": "true"}]}
        # the captured policy is Java-encoded JSON, slashes escaped (§4.1)
        text = json.dumps(doc, separators=(",", ":")).replace("/", "\\/")
        policy = base64.b64encode(text.encode()).decode()
        with self._lock:
            self._grants = {k: g for k, g in self._grants.items() if g.expires >= now}
            self._grants[request_id] = Grant(account, model, upload_dir, expires)
        return {
            "policy": policy, "signature": self.signature(policy), "upload_dir": upload_dir,
            "upload_host": host.rstrip("/") + UPLOAD_PATH, "expire_in_seconds": 300,
            "max_file_size_mb": self.settings.upload_max_mb, "capacity_limit_mb": 999999999,
            "oss_access_key_id": ACCESS_KEY_ID, "x_oss_object_acl": "private", "x_oss_forbid_overwrite": "true",
        }

    def receive(self, form: Mapping[str, str], filename: str, data: bytes, content_type: str,
                now: float) -> StoredFile:
        """Check a PostObject form against its policy and store the file; OssError on any failure."""
        policy_b64, signature = form.get("policy"), form.get("Signature")
        if not policy_b64 or not signature or not form.get("OSSAccessKeyId"):
            raise OssError(403, "AccessDenied", "You have no right to access this bucket.")
        if form["OSSAccessKeyId"] != ACCESS_KEY_ID:
            raise OssError(403, "InvalidAccessKeyId",
                           "The OSS Access Key Id you provided does not exist in our records.",
                           OSSAccessKeyId=form["OSSAccessKeyId"])
        if not hmac.compare_digest(self.signature(policy_b64), signature):
            raise OssError(403, "SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature you provided. "
                           "Check your key and signing method.")
        doc = json.loads(base64.b64decode(policy_b64))  # ours: the signature matched
        if now > _parse_iso(doc["expiration"]):
            raise OssError(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        raw_key = form.get("key")
        if not raw_key:
            raise OssError(400, "InvalidArgument", "The key field is missing.")
        key = clean_key(raw_key.replace("${filename}", filename))
        if key is None:
            raise OssError(400, "InvalidObjectName", "The specified object is not valid.")
        low, high, prefix = 0, self.max_bytes, ""
        for cond in doc["conditions"]:
            if isinstance(cond, list) and cond[0] == "content-length-range":
                low, high = int(cond[1]), int(cond[2])
            elif isinstance(cond, list) and cond[0] == "starts-with":
                prefix = str(cond[2])
                if not key.startswith(prefix):
                    raise OssError(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: "
                                   + _condition_text(cond))
            elif isinstance(cond, dict):
                for name, want in cond.items():
                    if name != "bucket" and form.get(name) != want:
                        raise OssError(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: "
                                       + _condition_text(cond))
        if len(data) > high:
            raise OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
        if len(data) < low:
            raise OssError(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.")
        grant = self._grants.get(prefix.rsplit("/", 1)[-1])
        if grant is None or grant.upload_dir != prefix:
            raise OssError(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        stored = StoredFile(key, grant.account, grant.model, now, content_type, data)
        self.files.put(stored)
        self._prune(now)
        return stored

    def seed(self, url: str, account: str, model: str, data: bytes, now: float,
             content_type: str = "application/octet-stream") -> StoredFile:
        """Store `data` at an oss:// URL as if `account` had uploaded it for `model` (fixtures and tests)."""
        key = clean_key(url.removeprefix(OSS_SCHEME))
        if key is None:
            raise ValueError(f"not a valid oss:// key: {url!r}")
        stored = StoredFile(key, account, model, now, content_type, data)
        self.files.put(stored)
        return stored

    def _prune(self, now: float) -> None:
        if now - self._last_prune >= 60:
            self._last_prune = now
            self.files.prune(now - self.settings.upload_ttl_s)

    def resolve(self, url: str, account: str, model: str, now: float) -> tuple[StoredFile | None, str | None]:
        """(file, None) for a usable oss:// URL, else (None, reason): `missing` (or expired) or `denied`.

        A file is bound to the account and the model of its policy, for 48 h (real-service-behavior.md §4.2).
        """
        key = url.removeprefix(OSS_SCHEME)
        file = self.files.get(key) if clean_key(key) else None
        if file is not None and now >= file.created + self.settings.upload_ttl_s:
            self.files.delete(key)
            file = None
        if file is None:
            return None, "missing"
        if file.account != account or file.model != model:
            return None, "denied"
        return file, None


async def get_policy(request: Request, twin: Twin, request_id: str) -> Response:
    """GET /api/v1/uploads?action=getPolicy&model=M: the signed upload policy, under `data` (§4.1)."""
    from .app import json_response

    caller = twin.keys.authenticate(request.headers.get("authorization"))
    action = request.query_params.get("action")
    if action != "getPolicy":
        raise twin.catalog.error("InvalidParameter", "Required parameter(action) missing or invalid, please "
                                 "check the request parameters.")
    model = request.query_params.get("model") or ""
    request.state.model = model or None
    if twin.registry.model(model) is None:
        raise twin.catalog.error("InvalidParameter", "Model not exist.")
    # 100 QPS per (account, model), not adjustable (real-service-behavior.md §4.2)
    if twin.settings.limits and not twin.rates.allow(("upload", caller.account, model), 100):
        raise twin.catalog.error("Throttling.RateQuota")
    host = str(request.base_url)
    data = twin.uploads.issue(caller.account, model, request_id, twin.clock.now(), host)
    return json_response({"data": data, "request_id": request_id}, headers={"x-request-id": request_id})


async def post_object(request: Request) -> Response:
    """POST /__oss/upload: an OSS PostObject upload checked against its signed policy."""
    twin: Twin = request.app.state.twin
    host = request.url.netloc
    try:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > twin.uploads.max_bytes + _FORM_OVERHEAD:
            raise OssError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
        try:
            form = await request.form(max_files=1, max_fields=64)
        except Exception as exc:  # starlette raises MultiPartException / HTTPException for a broken body
            raise OssError(400, "MalformedPOSTRequest",
                           "The body of your POST request is not well-formed multipart/form-data.") from exc
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise OssError(400, "InvalidArgument", "The file field is missing.")
        data = await upload.read()
        content_type = fields.get("x-oss-content-type") or upload.content_type or "application/octet-stream"
        stored = twin.uploads.receive(fields, upload.filename or "", data, content_type, twin.clock.now())
    except OssError as err:
        return oss_error_response(err, host)
    etag = '"' + hashlib.md5(stored.data, usedforsecurity=False).hexdigest().upper() + '"'
    headers = {"etag": etag, "x-oss-request-id": oss_request_id(), "server": "AliyunOSS"}
    status = fields.get("success_action_status")
    if status == "200":  # what the SDK sends; the body is ignored (official-sdk-wire-protocol.md §5.3)
        return Response(b"", status_code=200, headers=headers)
    if status == "201":
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>{BUCKET}</Bucket>'
               f"<Location>http://{escape(host)}/{escape(stored.key)}</Location><Key>{escape(stored.key)}</Key>"
               f"<ETag>{escape(etag)}</ETag></PostResponse>")
        return Response(xml.encode(), status_code=201, media_type="application/xml", headers=headers)
    return Response(status_code=204, headers=headers)


def routes(twin: Twin, ep: Callable[[str, Any], Callable[[Request], Awaitable[Response]]]) -> list[Route]:
    """The getPolicy route (DashScope envelope, auth) and the PostObject receiver (OSS XML errors)."""
    return [
        Route("/api/v1/uploads", ep("upload", get_policy), methods=["GET"]),
        Route("/api/v1/uploads/", ep("upload", get_policy), methods=["GET"]),
        Route(UPLOAD_PATH, post_object, methods=["POST"]),
    ]
