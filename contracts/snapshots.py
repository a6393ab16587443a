"""Snapshots: one JSON file per check with the target's exchanges, redacted, for replay without a key."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .redact import find_secrets, redact

FORMAT = 1


class SecretInSnapshot(Exception):
    """Redaction left a secret in a snapshot; nothing was written."""


def snapshot_name(check: str) -> str:
    """The file name of a check's snapshot: its node id, made file-safe."""
    name = check.split("/")[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") + ".json"


def save_snapshot(directory: Path, check: str, target: str, exchanges: list[dict[str, Any]],
                  secrets: Iterable[str] = ()) -> Path:
    """Redact and write a check's exchanges; refuse (SecretInSnapshot) if any secret survives redaction."""
    doc = redact({"format": FORMAT, "check": check, "target": target, "exchanges": exchanges})
    leftovers = find_secrets(doc, secrets)
    if leftovers:
        raise SecretInSnapshot(f"snapshot of {check} not written: {'; '.join(leftovers)}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / snapshot_name(check)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".snapshot-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return path


def load_snapshot(directory: Path, check: str) -> dict[str, Any] | None:
    """A check's snapshot, or None when it was not recorded."""
    path = directory / snapshot_name(check)
    if not path.is_file():
        return None
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: snapshot format {doc.get('format')} is not {FORMAT}")
    return doc
