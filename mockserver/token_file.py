"""The admin-token file `serve` writes when no `--admin-token` is given: created so that no other local user can
read it, swap it or make the twin write through a link they planted.

Without `--data-dir` the file lives in a fresh private directory (mode 0700, an unguessable name from
`tempfile.mkdtemp`); with it, as `DATA_DIR/admin-token`. Either way the file is created with
`O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600: an existing file or symlink at that name is never opened, so a
planted link's target is never written. A stale file (or link) left in the data dir by an earlier run is unlinked
first (unlinking a link removes the link, not its target); if something appears there again before the create,
the create fails and `serve` stops with a one-line error. docs/security.md.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

NAME = "admin-token"
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class TokenFileError(OSError):
    """The token file could not be created safely (the message says where and why, on one line)."""


@dataclass(frozen=True, slots=True)
class TokenFile:
    """A written token file, and the private directory made for it (None when it lives in the data dir)."""

    path: Path
    private_dir: Path | None

    def remove(self) -> None:
        """Delete the file, and the private directory made for it."""
        self.path.unlink(missing_ok=True)
        if self.private_dir is not None:
            # someone put something else in it: leave it rather than delete what is not ours
            with contextlib.suppress(OSError):
                self.private_dir.rmdir()


def write_token_file(token: str, data_dir: Path | None, port: int) -> TokenFile:
    """Write `token` to a new 0600 file: `DATA_DIR/admin-token`, or a fresh 0700 directory in the temp dir."""
    if data_dir is None:
        private = Path(tempfile.mkdtemp(prefix=f"dashscope-mock-{port}-"))  # 0700, name not guessable
        path = private / NAME
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        private, path = None, data_dir / NAME
        try:
            path.unlink()  # a stale file from an earlier run, or a planted link: the link goes, never its target
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise TokenFileError(f"cannot replace {path}: {exc.strerror}") from exc
    try:
        fd = os.open(path, _FLAGS, 0o600)
    except OSError as exc:
        if private is not None:
            private.rmdir()
        raise TokenFileError(f"cannot create the admin-token file {path} safely: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    return TokenFile(path, private)
