"""One process per SQLite file: an OS lock (POSIX `lockf`) on `<database>.lock`, held while the store is open.

POSIX record locks belong to a process, so twins in one process (tests that restart a twin in place) share the
lock, and it goes with the process however that ends (kill -9 included): no stale lock to clean up by hand. A
second process is refused at once with the holder's pid, never left to run a clock of its own beside the first.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from .base import StoreInUse

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (fd, how many stores of this process hold it)
_guard = threading.Lock()


def acquire(database: Path) -> Path:
    """Lock `database` for this process (again, if one of its stores holds it); StoreInUse when another does."""
    path = database.resolve().with_name(database.name + ".lock")
    with _guard:
        if path in _held:
            fd, count = _held[path]
            _held[path] = (fd, count + 1)
            return path
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreInUse(f"the SQLite store {database} is in use by another process (pid {holder}); "
                             "one process serves a SQLite file (use --store redis://... for several)") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[path] = (fd, 1)
        return path


def release(path: Path) -> None:
    """Drop one hold of the lock taken by `acquire`; the last one unlocks the file."""
    with _guard:
        fd, count = _held.get(path, (-1, 0))
        if count > 1:
            _held[path] = (fd, count - 1)
        elif count == 1:
            del _held[path]
            os.close(fd)  # closing the descriptor releases the process's lock
