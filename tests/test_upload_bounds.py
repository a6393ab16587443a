"""Bounded uploads (issue 19, finding 3): on every store the bytes of uploaded files are files on disk, never
held in memory; their total stays under the cap; they are deleted when their 48 h end or on reset; the copy into
the store runs off the event loop; and an upload the policy allows is never refused for the size of a Redis
value."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from mockserver.domain.files import DiskFiles, MemoryFileIndex, StoredFile
from mockserver.testing import DashScopeMock
from tests.redis_server import RedisServer
from tests.test_uploads import OTHER, form, oss_error, policy, upload

MB = 1024 * 1024
HOUR = 3600.0


@pytest.mark.all_stores
def test_uploaded_bytes_are_a_file_on_disk_and_reset_deletes_them(mock: DashScopeMock) -> None:
    data = policy(mock)["data"]
    assert upload(mock, data, content=b"\x01" * MB).status_code == 200
    stored = mock.twin.uploads.files.get(data["upload_dir"] + "/a.png")
    assert stored is not None and stored.size == MB and Path(stored.path).stat().st_size == MB
    assert mock.twin.uploads.files.held() == MB
    mock.twin.reset()
    assert not Path(stored.path).exists()
    assert mock.twin.uploads.files.held() == 0 and len(mock.twin.uploads.files) == 0


def test_the_memory_store_removes_its_scratch_directory_at_close(make_mock: Callable[..., DashScopeMock]) -> None:
    killed = Path(tempfile.gettempdir()) / "dashscope-mock-files-999999999-left"  # a twin killed with -9 left it
    killed.mkdir(mode=0o700, exist_ok=True)
    (killed / "objects").mkdir(exist_ok=True)
    mock = make_mock()
    assert not killed.exists()  # swept by the next twin of this user
    data = policy(mock)["data"]
    assert upload(mock, data).status_code == 200
    files = mock.twin.uploads.files
    assert isinstance(files, DiskFiles) and files.owned and files.root.is_dir()
    mock.close()
    assert not files.root.exists()


@pytest.mark.all_stores
def test_the_total_cap_refuses_a_file_that_does_not_fit_until_room_is_made(
        make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock(upload_cap_mb=2)
    first = policy(mock)["data"]
    assert upload(mock, first, content=b"\x01" * (3 * MB // 2)).status_code == 200
    second = policy(mock)["data"]
    r = upload(mock, second, content=b"\x02" * MB)
    assert r.status_code == 403 and oss_error(r)[0] == "QuotaExceeded" and "2 MB" in oss_error(r)[1]
    assert upload(mock, first, content=b"\x03" * (2 * MB)).status_code == 200  # a replacement frees its own room
    assert mock.twin.uploads.files.held() == 2 * MB
    mock.advance(48 * HOUR + 1)  # the first file's life is over: it goes, and its room with it
    third = policy(mock)["data"]
    assert upload(mock, third, content=b"\x04" * MB).status_code == 200
    assert mock.twin.uploads.files.get(first["upload_dir"] + "/a.png") is None
    assert mock.twin.uploads.files.held() == MB


@pytest.mark.all_stores
def test_resetting_one_account_deletes_its_files_only(mock: DashScopeMock) -> None:
    mine, theirs = policy(mock)["data"], policy(mock, headers=OTHER)["data"]
    assert upload(mock, mine).status_code == 200 and upload(mock, theirs).status_code == 200
    account = mock.twin.uploads.files.get(mine["upload_dir"] + "/a.png").account  # type: ignore[union-attr]
    mock.twin.reset(account)
    assert mock.twin.uploads.files.get(mine["upload_dir"] + "/a.png") is None
    assert mock.twin.uploads.files.get(theirs["upload_dir"] + "/a.png") is not None


def test_expired_files_leave_the_data_dir_and_a_restart_counts_what_is_left(
        make_mock: Callable[..., DashScopeMock], tmp_path: Path) -> None:
    mock = make_mock(data_dir=tmp_path, upload_cap_mb=4)
    old = policy(mock)["data"]
    assert upload(mock, old, content=b"\x01" * MB).status_code == 200
    mock.advance(47 * HOUR)
    kept = policy(mock)["data"]
    assert upload(mock, kept, content=b"\x02" * MB).status_code == 200
    (tmp_path / "uploads" / "objects" / "abc.999999999.1.part").write_bytes(b"left by a killed writer")
    mock.advance(2 * HOUR)  # the first is 49 h old, the second 2 h
    assert upload(mock, policy(mock)["data"], content=b"\x03" * MB).status_code == 200
    assert len(list((tmp_path / "uploads" / "objects").glob("*.bin"))) == 2
    again = make_mock(data_dir=tmp_path, upload_cap_mb=4)  # a restart: what is on disk counts against the cap
    assert again.twin.uploads.files.held() == 2 * MB
    assert not list((tmp_path / "uploads" / "objects").glob("*.part"))


def test_the_copy_into_the_store_runs_off_the_event_loop(mock: DashScopeMock,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    files = mock.twin.uploads.files
    where: list[bool] = []
    put = files.put

    def watched(file: StoredFile, source: IO[bytes] | None = None) -> StoredFile:
        try:
            asyncio.get_running_loop()
            where.append(True)
        except RuntimeError:
            where.append(False)
        return put(file, source)

    monkeypatch.setattr(files, "put", watched)
    assert upload(mock, policy(mock)["data"]).status_code == 200
    assert where == [False]


def test_file_expiry_visits_only_the_expired_files() -> None:
    index = MemoryFileIndex()
    for i in range(1000):
        index.admit(f"n{i}", "a", 1, float(i), None)
    assert index.expired(10.0) == [f"n{i}" for i in range(10)]
    assert len(index._heap) == 990 and index.total() == 990  # ten entries popped from the front, none scanned


def test_a_file_larger_than_a_redis_value_uploads_on_the_redis_store(
        make_mock: Callable[..., DashScopeMock], redis_server: RedisServer, redis_url: str) -> None:
    client = redis_server.client()
    limit = client.config_get("proto-max-bulk-len")["proto-max-bulk-len"]
    client.config_set("proto-max-bulk-len", str(MB))  # the smallest Redis allows: one value is at most 1 MiB
    try:
        mock = make_mock(store=redis_url)
        data = policy(mock)["data"]
        r = upload(mock, data, content=b"\x05" * (3 * MB))  # the policy allows up to 1 GiB
        assert r.status_code == 200, r.text
        stored = mock.twin.uploads.files.get(data["upload_dir"] + "/a.png")
        assert stored is not None and stored.size == 3 * MB
    finally:
        client.config_set("proto-max-bulk-len", limit)
        client.close()


def test_the_file_part_is_written_into_the_store_and_a_refused_one_leaves_nothing(mock: DashScopeMock) -> None:
    files = mock.twin.uploads.files
    assert isinstance(files, DiskFiles)
    data = policy(mock)["data"]
    r = upload(mock, data, content=b"\x06" * (2 * MB), Signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    assert r.status_code == 403
    assert list(files.objects.iterdir()) == []  # the spool of the refused file is gone
    assert upload(mock, data, content=b"\x07" * (2 * MB)).status_code == 200
    assert sorted(p.suffix for p in files.objects.iterdir()) == [".bin", ".json"]  # renamed in, no copy left


def test_a_body_cut_before_its_closing_boundary_stores_nothing(mock: DashScopeMock) -> None:
    data = policy(mock)["data"]
    request = mock.http.build_request("POST", data["upload_host"], data=form(data),
                                      files={"file": ("a.png", b"\x08" * 4096, "image/png")})
    body = request.read()
    cut = body[:body.rindex(b"--" + request.headers["content-type"].split("boundary=")[1].encode())]
    r = mock.http.post(data["upload_host"], content=cut, headers={"content-type": request.headers["content-type"]})
    assert r.status_code == 400 and oss_error(r)[0] == "MalformedPOSTRequest"
    assert len(mock.twin.uploads.files) == 0
