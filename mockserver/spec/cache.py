"""Parsed copies of the spec as JSON, keyed by the SHA-256 of the YAML's bytes.

libyaml takes ~0.4 s to parse `openapi/dashscope.yaml`; orjson reads the same document in ~10 ms, and that parse
was most of `serve`'s start-up. Two places may hold a copy, both files of the form
`{"sha256": <hex of the YAML bytes>, "document": <the parsed spec>}`:

- the one a wheel ships beside its YAML (`mockserver/openapi/dashscope.json`, written by setup.py at build time);
- a per-user cache, `$DASHSCOPE_MOCK_CACHE_DIR`, else `$XDG_CACHE_HOME/dashscope-mock`, else
  `~/.cache/dashscope-mock`, one `spec-<sha256>.json` per spec seen, written after a parse.

A copy serves a load only when the hash it records is the hash of the bytes being loaded: an edited spec never
comes from a stale copy. A missing, unreadable, corrupt or mismatched copy means a YAML parse. Writing is best
effort (atomic rename; any OS error is ignored), and only a document that survives a JSON round trip unchanged is
written (YAML allows int keys, dates and NaN; JSON does not).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

ENV = "DASHSCOPE_MOCK_CACHE_DIR"
KEEP = 8  # copies kept in the per-user cache (newest first); one per spec version seen
_PREFIX = "spec-"


def digest(raw: bytes) -> str:
    """The key of a spec: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(raw).hexdigest()


def cache_dir() -> Path | None:
    """The per-user cache folder (it may not exist yet); None when no home folder can be found."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec says a relative value is to be ignored
        return Path(xdg) / "dashscope-mock"
    try:
        return Path.home() / ".cache" / "dashscope-mock"
    except RuntimeError:  # no HOME and no passwd entry
        return None


def cache_file(key: str) -> Path | None:
    """Where the per-user copy of the spec with this key lives."""
    folder = cache_dir()
    return folder / f"{_PREFIX}{key}.json" if folder is not None else None


def encode(doc: dict[str, Any], key: str) -> bytes | None:
    """The copy file's bytes, or None when JSON cannot hold the document exactly."""
    try:
        blob = orjson.dumps({"sha256": key, "document": doc})
    except orjson.JSONEncodeError:  # int keys, huge ints, unknown types
        return None
    return blob if orjson.loads(blob)["document"] == doc else None  # dates become strings, NaN null


def read_copy(path: Path, key: str) -> dict[str, Any] | None:
    """The document in the copy at `path` when it is a copy of the spec with this key, else None."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if isinstance(data, dict) and data.get("sha256") == key and isinstance(data.get("document"), dict):
        found: dict[str, Any] = data["document"]
        return found
    return None


def write_copy(doc: dict[str, Any], key: str) -> Path | None:
    """Keep a copy of `doc` in the per-user cache (best effort); the file written, or None."""
    target = cache_file(key)
    blob = encode(doc, key) if target is not None else None
    if target is None or blob is None:
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".spec-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(temp, target)  # readers see the old state or the whole file, never a part
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:  # read-only, full, not a folder: the next start parses the YAML again
        return None
    _prune(target.parent)
    return target


def _prune(folder: Path) -> None:
    """Drop all but the KEEP newest copies (every edit of the spec adds one)."""
    try:
        copies = sorted(folder.glob(f"{_PREFIX}*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:  # a copy removed by another process between glob and stat
        return
    for old in copies[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
