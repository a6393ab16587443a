"""Cassettes: JSON Lines files of recorded exchanges, one file per run, and the tasks they hold.

A run's file starts with a `{"type": "run", ...}` line; every exchange is one `{"type": "exchange", ...}` line,
written and flushed as soon as it was answered, so a crash loses at most the line being written (a torn last
line is skipped on reading). Result files kept with `--record-media` sit in `media/<sha256>.<ext>` beside them.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

FORMAT = 1
DEFAULT_MEDIA_CAP = 256 * 1024 * 1024  # bytes of result files one run keeps with --record-media
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")


class CassetteError(ValueError):
    """A cassette directory that cannot be used (missing, empty, unreadable)."""


class CassetteWriter:
    """Appends the exchanges of one run to `<dir>/run-<time>-<pid>.jsonl`; keeps media up to `media_cap` bytes."""

    def __init__(self, directory: Path, meta: dict[str, Any] | None = None, *, media: bool = False,
                 media_cap: int = DEFAULT_MEDIA_CAP) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        self.path = directory / f"run-{stamp}-{os.getpid()}-{os.urandom(2).hex()}.jsonl"
        self.media = media
        self.media_cap = media_cap
        self.media_bytes = 0
        self.count = 0
        self._lock = threading.Lock()
        self._out = self.path.open("ab")
        self._line({"type": "run", "format": FORMAT, "started": time.time(), **(meta or {})})

    def _line(self, entry: dict[str, Any]) -> None:
        self._out.write(orjson.dumps(entry) + b"\n")
        self._out.flush()

    def write(self, entry: dict[str, Any]) -> None:
        """Append one exchange (already scrubbed) and flush it."""
        with self._lock:
            self.count += 1
            self._line({"type": "exchange", "seq": self.count, **entry})

    def keep(self, raw: bytes, ext: str) -> str | None:
        """Keep a result file by content hash; its path relative to the cassette, or None past the cap."""
        if not self.media or not raw:
            return None
        name = f"media/{hashlib.sha256(raw).hexdigest()}.{ext or 'bin'}"
        target = self.directory / name
        with self._lock:
            if target.exists():
                return name
            if self.media_bytes + len(raw) > self.media_cap:
                return None
            target.parent.mkdir(exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(raw)
            tmp.replace(target)
            self.media_bytes += len(raw)
        return name

    def close(self) -> None:
        """Close the file (idempotent)."""
        with self._lock:
            if not self._out.closed:
                self._out.close()


def run_files(directory: Path) -> list[Path]:
    """The run files of a cassette directory, oldest first; CassetteError when there are none."""
    if not directory.is_dir():
        raise CassetteError(f"{directory} is not a directory")
    files = sorted(directory.glob("run-*.jsonl"))
    if not files:
        raise CassetteError(f"{directory} holds no run-*.jsonl cassette")
    return files


def load(directory: Path) -> list[dict[str, Any]]:
    """Every exchange of every run in `directory`, in recorded order (unparsable lines are skipped)."""
    out: list[dict[str, Any]] = []
    for path in run_files(directory):
        try:
            lines = path.read_bytes().splitlines()
        except OSError as exc:
            raise CassetteError(f"cannot read {path}: {exc.strerror or exc}") from exc
        for line in lines:
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a torn last line of a run that was killed
            if isinstance(entry, dict) and entry.get("type") == "exchange":
                out.append(entry)
    return out


def body_json(part: dict[str, Any]) -> Any:
    """The JSON body of a recorded request or response part, or None."""
    body = part.get("body")
    return body.get("json") if isinstance(body, dict) else None


@dataclass
class RecordedTask:
    """One task as a cassette saw it: its create, its polls (in order), its cancels."""

    task_id: str
    model: str | None
    create: dict[str, Any]
    polls: list[dict[str, Any]] = field(default_factory=list)
    cancels: list[dict[str, Any]] = field(default_factory=list)

    def statuses(self) -> list[str]:
        """The status each recorded poll answered."""
        out = []
        for poll in self.polls:
            output = (body_json(poll["response"]) or {}).get("output") or {}
            out.append(str(output.get("task_status", "?")))
        return out

    def final(self) -> dict[str, Any] | None:
        """The last poll's output (None when the task was never polled)."""
        if not self.polls:
            return None
        output = (body_json(self.polls[-1]["response"]) or {}).get("output")
        return output if isinstance(output, dict) else None


def tasks(entries: Iterable[dict[str, Any]]) -> dict[str, RecordedTask]:
    """The recorded tasks by id, in the order they were created."""
    found: dict[str, RecordedTask] = {}
    for entry in entries:
        task_id = entry.get("task_id")
        if not task_id:
            continue
        if entry.get("kind") == "create" and entry["response"].get("status") == 200:
            found[task_id] = RecordedTask(task_id, entry.get("model"), entry)
        elif task_id in found and entry.get("kind") == "query" and entry["response"].get("status") == 200:
            found[task_id].polls.append(entry)
        elif task_id in found and entry.get("kind") == "cancel":
            found[task_id].cancels.append(entry)
    return found
