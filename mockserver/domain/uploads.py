"""Temporary files: upload policies, the PostObject rules, the file store, and oss:// lookups.

The flow the official SDK follows (docs/sdk-wire.md §5, docs/behaviour.md §4): a signed POST policy from
`GET /api/v1/uploads?action=getPolicy&model=M`; a multipart POST of the file to `upload_host` (this twin's
/__oss/upload); then `oss://<key>` in the create body, with `X-DashScope-OssResourceResolve: enable`. A file is
bound to the account and the model of its policy and lives 48 h of virtual time. HTTP lives in
http/uploads_api.py; the OSS XML in wire/oss.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from .clock import CST
from .files import DiskFiles, Spool, StoredFile, StoreFull, scratch_dir
from .oss import ACCESS_KEY_ID, BUCKET, OSS_SCHEME, UPLOAD_PATH

_MAX_KEY_BYTES = 1023  # OSS object-name limit


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
class Grant:
    """An issued policy: who may upload below `upload_dir`, for which model, until when."""

    account: str
    model: str
    upload_dir: str
    expires: float


class MemoryGrants:
    """Issued policies in a dict, pruned of expired ones as new ones are issued."""

    def __init__(self) -> None:
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def grant(self, request_id: str, grant: Grant, now: float) -> None:
        """Remember `grant` and drop the grants expired at `now`."""
        with self._lock:
            while self._grants:  # grants expire in issue order: drop from the front, never a scan
                first = next(iter(self._grants))
                if self._grants[first].expires >= now:
                    break
                del self._grants[first]
            self._grants[request_id] = grant

    def grant_of(self, request_id: str) -> Grant | None:
        """The grant issued with `request_id`, or None."""
        return self._grants.get(request_id)


class FileBackend(Protocol):
    """Uploaded files by object key (domain/files.py: on disk, bounded, collected)."""

    def spool(self) -> Spool:
        """A new file being received, where the store keeps files (handed to `put` once whole)."""

    def put(self, file: StoredFile, source: IO[bytes] | Spool | None = None) -> StoredFile:
        """Store `file` (its bytes a finished spool, or read from `source`), replacing any file with the same key;
        StoreFull when the total cap would be passed. Blocking: off the event loop."""

    def get(self, key: str) -> StoredFile | None:
        """The file stored under `key`, or None."""

    def delete(self, key: str) -> None:
        """Forget the file under `key`."""

    def prune(self, before: float) -> None:
        """Delete files uploaded before `before`."""

    def reset(self, account: str | None = None) -> None:
        """Delete every file, or one account's."""

    def held(self) -> int:
        """Bytes of stored files."""

    def close(self) -> None:
        """Release what the backend owns (a scratch directory)."""

    def __len__(self) -> int:
        """How many files are held."""


class GrantBackend(Protocol):
    """Issued upload policies by request id, until they expire (virtual time)."""

    def grant(self, request_id: str, grant: Grant, now: float) -> None:
        """Remember `grant` (and drop grants expired at `now`)."""

    def grant_of(self, request_id: str) -> Grant | None:
        """The grant issued with `request_id`, or None."""


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

    def __init__(self, secret: bytes, settings: Settings, catalog: ErrorCatalog,
                 store: FileBackend | None = None, grants: GrantBackend | None = None) -> None:
        self._secret = secret
        self.catalog = catalog
        self.settings = settings
        self.files: FileBackend = store if store is not None else DiskFiles(scratch_dir(), owned=True)
        self.grants: GrantBackend = grants if grants is not None else MemoryGrants()
        self._last_prune = 0.0

    @property
    def max_bytes(self) -> int:
        """The largest upload the policy allows."""
        return self.settings.upload_max_mb * 1024 * 1024

    def signature(self, policy_b64: str) -> str:
        """The PostObject signature of a base64 policy: base64(HMAC-SHA1(secret, policy))."""
        return base64.b64encode(hmac.new(self._secret, policy_b64.encode(), hashlib.sha1).digest()).decode()

    def issue(self, account: str, model: str, request_id: str, now: float, host: str) -> dict[str, Any]:
        """The `data` of a getPolicy answer (docs/behaviour.md §4.1), and remember the grant."""
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
        self.grants.grant(request_id, Grant(account, model, upload_dir, expires), now)
        return {
            "policy": policy, "signature": self.signature(policy), "upload_dir": upload_dir,
            "upload_host": host.rstrip("/") + UPLOAD_PATH, "expire_in_seconds": 300,
            "max_file_size_mb": self.settings.upload_max_mb, "capacity_limit_mb": 999999999,
            "oss_access_key_id": ACCESS_KEY_ID, "x_oss_object_acl": "private", "x_oss_forbid_overwrite": "true",
        }

    def receive(self, form: Mapping[str, str], filename: str, data: bytes | IO[bytes] | Spool, content_type: str,
                now: float, size: int | None = None) -> StoredFile:
        """Check a PostObject form against its policy and store the file; OssError on any failure.

        `data` is the file's bytes, a spool the upload was streamed into, or a readable file of `size` bytes.
        """
        if isinstance(data, bytes | bytearray):
            size = len(data)
        elif isinstance(data, Spool):
            size = data.size
        elif size is None:
            raise ValueError("a streamed upload needs its size")
        policy_b64, signature = form.get("policy"), form.get("Signature")
        if not policy_b64 or not signature or not form.get("OSSAccessKeyId"):
            raise self.catalog.oss("no_right_bucket")
        if form["OSSAccessKeyId"] != ACCESS_KEY_ID:
            raise self.catalog.oss("unknown_key_id", OSSAccessKeyId=form["OSSAccessKeyId"])
        if not hmac.compare_digest(self.signature(policy_b64), signature):
            raise self.catalog.oss("bad_signature")
        doc = json.loads(base64.b64decode(policy_b64))  # ours: the signature matched
        if now > _parse_iso(doc["expiration"]):
            raise self.catalog.oss("policy_expired")
        raw_key = form.get("key")
        if not raw_key:
            raise self.catalog.oss("no_key_field")
        key = clean_key(raw_key.replace("${filename}", filename))
        if key is None:
            raise self.catalog.oss("bad_object_name")
        low, high, prefix = 0, self.max_bytes, ""
        for cond in doc["conditions"]:
            if isinstance(cond, list) and cond[0] == "content-length-range":
                low, high = int(cond[1]), int(cond[2])
            elif isinstance(cond, list) and cond[0] == "starts-with":
                prefix = str(cond[2])
                if not key.startswith(prefix):
                    raise self.catalog.oss("policy_condition", _condition_text(cond))
            elif isinstance(cond, dict):
                for name, want in cond.items():
                    if name != "bucket" and form.get(name) != want:
                        raise self.catalog.oss("policy_condition", _condition_text(cond))
        if size > high:
            raise self.catalog.oss("too_large")
        if size < low:
            raise self.catalog.oss("too_small")
        grant = self.grants.grant_of(prefix.rsplit("/", 1)[-1])
        if grant is None or grant.upload_dir != prefix:
            raise self.catalog.oss("policy_expired")
        source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        self._prune(now)  # expired files make room first
        try:
            stored = self.files.put(StoredFile(key, grant.account, grant.model, now, content_type), source)
        except StoreFull as full:
            raise self.catalog.oss("store_full", str(full.cap // (1024 * 1024))) from full
        return stored

    def _prune(self, now: float) -> None:
        if now - self._last_prune >= 60 or now < self._last_prune:
            self._last_prune = now
            self.files.prune(now - self.settings.upload_ttl_s)

    def resolve(self, url: str, account: str, model: str, now: float) -> tuple[StoredFile | None, str | None]:
        """(file, None) for a usable oss:// URL, else (None, reason): `missing` (or expired) or `denied`.

        A file is bound to the account and the model of its policy, for 48 h (docs/behaviour.md §4.2).
        """
        key = url.removeprefix(OSS_SCHEME)
        self._prune(now)
        file = self.files.get(key) if clean_key(key) else None
        if file is not None and now >= file.created + self.settings.upload_ttl_s:
            self.files.delete(key)
            file = None
        if file is None:
            return None, "missing"
        if file.account != account or file.model != model:
            return None, "denied"
        return file, None
