"""Issue 19 finding 7: the admin-token file is created where no other local user can plant a link or read it, and
a wrong `?token=` on the board's login link sets no cookie (docs/security.md)."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.token_file import NAME, TokenFileError, write_token_file


def test_a_planted_symlink_in_the_data_dir_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / NAME).symlink_to(victim)
    written = write_token_file("tok-abc", data, 8089)
    assert victim.read_text() == "precious\n"  # the link's target is untouched
    info = os.lstat(written.path)
    assert stat.S_ISREG(info.st_mode) and info.st_mode & 0o777 == 0o600
    assert written.path.read_text() == "tok-abc\n"
    written.remove()
    assert not written.path.exists() and data.exists()  # the data dir is the user's: it stays


def test_without_a_data_dir_the_file_is_in_a_fresh_private_directory(tmp_path: Path) -> None:
    port = 1  # a port no twin serves on: the link planted below cannot catch a real run's token
    predictable = Path(tempfile.gettempdir()) / f"dashscope-mock-{port}.admin-token"  # the old, guessable name
    planted = not predictable.exists() and not predictable.is_symlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    if planted:
        predictable.symlink_to(victim)
    try:
        one, two = write_token_file("tok-1", None, port), write_token_file("tok-2", None, port)
        assert one.private_dir is not None and two.private_dir is not None
        assert one.private_dir != two.private_dir  # the name cannot be guessed ahead of time
        for written in (one, two):
            assert written.path.parent == written.private_dir
            assert os.lstat(written.private_dir).st_mode & 0o777 == 0o700
            assert os.lstat(written.path).st_mode & 0o777 == 0o600
        assert victim.read_text() == "precious\n"
        one.remove()
        two.remove()
        assert not one.private_dir.exists() and not two.private_dir.exists()
    finally:
        if planted:
            predictable.unlink()


def test_a_name_that_cannot_be_replaced_is_a_one_line_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / NAME).mkdir(parents=True)  # a directory where the file should go: not ours to remove
    with pytest.raises(TokenFileError, match="admin-token"):
        write_token_file("tok", data, 8089)
    done = subprocess.run([str(Path(sys.executable).parent / "dashscope-mock"), "serve", "--port", "0",
                           "--data-dir", str(data)], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")})
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("dashscope-mock serve: error: cannot start:") and "admin-token" in line


def _get(mock: Any, path: str, client: str = "127.0.0.1") -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=mock.app, client=(client, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8089") as c:
            return await c.get(path)

    return asyncio.run(go())


def test_a_wrong_token_in_the_login_link_sets_no_cookie(make_mock: Any) -> None:
    mock = make_mock(admin_token="the-real-admin-token")
    wrong = _get(mock, "/__mock/ui?token=guess")  # loopback passes the gate without any token
    assert wrong.status_code == 403 and "set-cookie" not in wrong.headers
    assert "the-real-admin-token" not in wrong.text
    empty = _get(mock, "/__mock/ui?token=")
    assert empty.status_code == 403 and "set-cookie" not in empty.headers
    right = _get(mock, "/__mock/ui?token=the-real-admin-token")
    assert right.status_code == 303 and "mock_admin_token=the-real-admin-token" in right.headers["set-cookie"]
    assert _get(mock, "/__mock/ui?token=guess", client="10.0.0.9").status_code == 403  # the gate, as before
