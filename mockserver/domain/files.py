"""Uploaded files on disk: streamed in, bounded by a total cap, collected when their lifetime ends or on reset.

Every store keeps the bytes of uploaded files in files, never in memory: under the data dir (`--data-dir`, or
beside a SQLite database), else in a directory the twin owns. Each file is two entries under `objects/`, named by
the SHA-256 of its object key (never the key itself: no path is built from input): `<name>.bin`, the bytes, and
`<name>.json`, what it is bound to. A file is written to a `.part` beside it and renamed into place once whole.

Which files exist, how many bytes they hold and when each was uploaded is kept by a `FileIndex`: in memory for
one process (rebuilt from the `.json` entries at start), in Redis for replicas (store/redis_files.py), so that the
total cap, expiry and a reset of one account hold for every replica at once. Expiry pops the oldest entries of
an index ordered by upload time: O(expired), never a scan.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Protocol

log = logging.getLogger("dashscope_mock")

CHUNK = 1 << 20  # bytes copied per read while a file is stored


class StoreFull(Exception):
    """Storing a file would pass the total cap of uploaded bytes."""

    def __init__(self, held: int, cap: int) -> None:
        super().__init__(f"{held} of {cap} bytes held")
        self.held, self.cap = held, cap


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One uploaded file and what it is bound to; its bytes are in the file at `path` (read by `data`)."""

    key: str
    account: str
    model: str
    created: float  # virtual epoch seconds
    content_type: str
    md5: str = ""  # hex digest of the bytes (the PostObject ETag)
    size: int = 0
    path: str = ""

    @property
    def data(self) -> bytes:
        """The file's bytes, read from disk (b"" when it is gone meanwhile)."""
        try:
            return Path(self.path).read_bytes() if self.path else b""
        except OSError:
            return b""


class Spool:
    """A file being received: written straight into the store's directory as a `.part`, hashed and counted as it
    comes, then renamed into place by `DiskFiles.put` (no second copy) or discarded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self._digest = hashlib.md5(usedforsecurity=False)
        self._out: IO[bytes] | None = path.open("wb")

    def write(self, data: bytes) -> None:
        """Append `data` (blocking: off the event loop)."""
        assert self._out is not None, "written after it was finished"
        self._out.write(data)
        self._digest.update(data)
        self.size += len(data)

    def finish(self) -> None:
        """No more data: close the file."""
        if self._out is not None:
            self._out.close()
            self._out = None

    @property
    def md5(self) -> str:
        """Hex MD5 of what was written."""
        return self._digest.hexdigest()

    def discard(self) -> None:
        """Drop what was written (a refused upload; nothing once `put` has taken it)."""
        self.finish()
        self.path.unlink(missing_ok=True)


def object_name(key: str) -> str:
    """The name a file is kept under: the SHA-256 of its object key."""
    return hashlib.sha256(key.encode()).hexdigest()


class FileIndex(Protocol):
    """Which files exist, by object name: their account, size and upload time, and the total they hold."""

    def admit(self, name: str, account: str, size: int, created: float, cap: int | None) -> None:
        """Count a file (replacing any entry of that name); StoreFull when the total would pass `cap`."""

    def drop(self, names: list[str]) -> None:
        """Forget these entries."""

    def expired(self, before: float) -> list[str]:
        """Forget and return the entries uploaded before `before` (oldest first; costs O(expired))."""

    def of_account(self, account: str | None) -> list[str]:
        """Forget and return every entry of `account`, or every entry when None."""

    def total(self) -> int:
        """Bytes held by every entry."""

    def __len__(self) -> int:
        """How many entries there are."""


class MemoryFileIndex:
    """The index of one process: entries by name, per-account name sets, and a heap by upload time."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, int, float]] = {}  # name -> (account, size, created)
        self._by_account: dict[str, set[str]] = {}
        self._heap: list[tuple[float, str]] = []  # stale entries (dropped or replaced names) are skipped on pop
        self._total = 0
        self._lock = threading.Lock()

    def admit(self, name: str, account: str, size: int, created: float, cap: int | None) -> None:
        """Count a file, refusing it when the total would pass `cap`."""
        with self._lock:
            old = self._entries.get(name)
            freed = old[1] if old else 0
            if cap is not None and self._total - freed + size > cap:
                raise StoreFull(self._total, cap)
            if old:
                self._forget(name)
            self._entries[name] = (account, size, created)
            self._by_account.setdefault(account, set()).add(name)
            heapq.heappush(self._heap, (created, name))
            self._total += size

    def _forget(self, name: str) -> bool:
        entry = self._entries.pop(name, None)
        if entry is None:
            return False
        account, size, _ = entry
        self._total -= size
        names = self._by_account.get(account)
        if names is not None:
            names.discard(name)
            if not names:
                del self._by_account[account]
        return True

    def drop(self, names: list[str]) -> None:
        """Forget these entries."""
        with self._lock:
            for name in names:
                self._forget(name)

    def expired(self, before: float) -> list[str]:
        """Pop entries uploaded before `before` from the heap's front."""
        gone: list[str] = []
        with self._lock:
            while self._heap and self._heap[0][0] < before:
                created, name = heapq.heappop(self._heap)
                entry = self._entries.get(name)
                if entry is not None and entry[2] == created and self._forget(name):
                    gone.append(name)
            if len(self._heap) > 2 * len(self._entries) + 64:  # many stale entries: rebuild (amortised O(1))
                self._heap = [(c, n) for n, (_, _, c) in self._entries.items()]
                heapq.heapify(self._heap)
        return gone

    def of_account(self, account: str | None) -> list[str]:
        """Forget and return the account's entries (all entries when None)."""
        with self._lock:
            if account is None:
                names = list(self._entries)
                self._entries.clear()
                self._by_account.clear()
                self._heap.clear()
                self._total = 0
                return names
            names = list(self._by_account.get(account, ()))
            for name in names:
                self._forget(name)
            return names

    def total(self) -> int:
        """Bytes held."""
        return self._total

    def __len__(self) -> int:
        return len(self._entries)


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (this one included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's: it runs
    return True


def _writer_alive(part_name: str) -> bool:
    """Whether the process that writes `<name>.<pid>.<thread>[.json].part` still runs (a replica sharing the
    directory may be writing it now)."""
    try:
        return _alive(int(part_name.split(".")[1]))
    except (IndexError, ValueError):
        return False


def owned_dir(path: Path) -> Path:
    """`path` as a directory of this user's only (created 0700); OSError when it is someone else's or a link."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{path} is not a private directory of this user: refusing to keep uploads there")
    return path


def _sweep_scratch() -> None:
    """Remove the scratch directories of this user's twins that were killed before they could (kill -9)."""
    for path in Path(tempfile.gettempdir()).glob("dashscope-mock-files-*-*"):
        try:
            if path.is_symlink() or path.lstat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        pid = path.name.removeprefix("dashscope-mock-files-").partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def scratch_dir(tag: str = "") -> Path:
    """A private directory for uploads under the temp dir: a new one, or with `tag`, the one every process of
    this user that passes the same tag shares (replicas on one host and one Redis)."""
    if not tag:
        _sweep_scratch()
        return Path(tempfile.mkdtemp(prefix=f"dashscope-mock-files-{os.getpid()}-"))
    base = owned_dir(Path(tempfile.gettempdir()) / f"dashscope-mock-{os.getuid()}")
    return owned_dir(base / f"files-{hashlib.sha256(tag.encode()).hexdigest()[:16]}")


class DiskFiles:
    """Uploaded files under `root/objects`, counted in `index` against `cap_bytes` (None: no cap).

    `owned`: the directory is the twin's alone (the memory store's scratch directory), removed at `close`.
    """

    def __init__(self, root: Path, index: FileIndex | None = None, cap_bytes: int | None = None,
                 owned: bool = False, rebuild: bool = True) -> None:
        self.root, self.cap, self.owned = root, cap_bytes, owned
        self.objects = root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)
        self.index: FileIndex = index if index is not None else MemoryFileIndex()
        if rebuild:
            self._rebuild()

    def _paths(self, name: str) -> tuple[Path, Path]:
        return self.objects / f"{name}.bin", self.objects / f"{name}.json"

    def _rebuild(self) -> None:
        """Count the files a previous run left (a restart on a data dir); drop half-written and orphaned ones."""
        for part in self.objects.glob("*.part"):
            if not _writer_alive(part.name):
                part.unlink(missing_ok=True)
        self.recount()

    def recount(self) -> None:
        """Count every whole file on disk in the index (again: a shared index that lost its data), past the cap
        if need be (they were acknowledged); drop entries whose half is missing."""
        for meta_path in self.objects.glob("*.json"):
            name = meta_path.stem
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                size = (self.objects / f"{name}.bin").stat().st_size
                self.index.admit(name, str(meta["account"]), size, float(meta["created"]), None)
            except (OSError, ValueError, KeyError, TypeError):
                self._unlink([name])

    def spool(self) -> Spool:
        """A new file being received, in this store's directory."""
        token = os.urandom(4).hex()
        return Spool(self.objects / f"incoming.{os.getpid()}.{threading.get_ident()}.{token}.part")

    def put(self, file: StoredFile, source: IO[bytes] | Spool | None = None) -> StoredFile:
        """Store `file`, its bytes a finished `Spool` (renamed into place) or copied from `source` in chunks,
        replacing any file with the same key (the SDK re-uploads keys, docs/sdk-wire.md §5.6). StoreFull when the
        total cap would be passed. Blocking: call it off the event loop."""
        name = object_name(file.key)
        data_path, meta_path = self._paths(name)
        size = file.size
        if isinstance(source, Spool):
            size = source.size
        elif source is not None:
            source.seek(0, os.SEEK_END)
            size = source.tell()
            source.seek(0)
        self.index.admit(name, file.account, size, file.created, self.cap)  # the room is taken before writing
        partial = data_path.with_name(f"{name}.{os.getpid()}.{threading.get_ident()}.part")
        digest = hashlib.md5(usedforsecurity=False)
        try:
            if isinstance(source, Spool):
                source.finish()
                source.path.replace(partial)
                md5 = source.md5
            else:
                with partial.open("wb") as out:
                    while source is not None and (chunk := source.read(CHUNK)):
                        digest.update(chunk)
                        out.write(chunk)
                md5 = digest.hexdigest()
            stored = replace(file, md5=md5, size=size, path=str(data_path))
            meta = {k: v for k, v in asdict(stored).items() if k != "path"}
            meta_partial = partial.with_suffix(".json.part")
            meta_partial.write_text(json.dumps(meta), encoding="utf-8")
            partial.replace(data_path)
            meta_partial.replace(meta_path)
        except BaseException:
            partial.unlink(missing_ok=True)
            partial.with_suffix(".json.part").unlink(missing_ok=True)
            self.index.drop([name])
            self._recount(name)  # a file this one was to replace is still there: count it again
            raise
        return stored

    def _recount(self, name: str) -> None:
        data_path, meta_path = self._paths(name)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.index.admit(name, str(meta["account"]), data_path.stat().st_size, float(meta["created"]), None)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none, or half of one: nothing to count

    def get(self, key: str) -> StoredFile | None:
        """The file stored under `key`, or None."""
        data_path, meta_path = self._paths(object_name(key))
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return StoredFile(**meta, path=str(data_path)) if data_path.exists() else None
        except (OSError, ValueError, TypeError):
            return None

    def delete(self, key: str) -> None:
        """Forget the file under `key`."""
        name = object_name(key)
        self.index.drop([name])
        self._unlink([name])

    def _unlink(self, names: list[str]) -> None:
        for name in names:
            for path in self._paths(name):
                path.unlink(missing_ok=True)

    def prune(self, before: float) -> None:
        """Delete the files uploaded before `before` (their 48 h lifetime is over)."""
        self._unlink(self.index.expired(before))

    def reset(self, account: str | None = None) -> None:
        """Delete every file (the index's and any it lost track of), or one account's."""
        self._unlink(self.index.of_account(account))
        if account is None:
            for path in [*self.objects.glob("*.bin"), *self.objects.glob("*.json")]:
                path.unlink(missing_ok=True)

    def held(self) -> int:
        """Bytes of stored files."""
        return self.index.total()

    def close(self) -> None:
        """Remove the directory when it is the twin's own."""
        if self.owned:
            shutil.rmtree(self.root, ignore_errors=True)

    def __len__(self) -> int:
        return len(self.index)
