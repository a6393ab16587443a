"""The parsed-spec cache (mockserver/spec/cache.py): a copy serves a load only for the exact bytes it was made from,
and nothing wrong with the cache ever stops a load or a start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
import pytest
import yaml

from mockserver.spec import cache, document
from mockserver.spec.document import SPEC_PATH, load_document
from mockserver.testing import free_port
from tests.health import served

SMALL = "openapi: 3.1.0\ninfo: {title: small, version: '1'}\npaths: {}\nx-note: first\n"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty per-user cache of this test (and no shipped copy)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    monkeypatch.setattr(document, "SHIPPED_COPY", tmp_path / "no-shipped-copy.json")
    return folder


def _spec(tmp_path: Path, text: str = SMALL) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("spec-*.json"))


def test_a_parse_is_cached_and_the_copy_serves_the_next_load(cache_dir: Path) -> None:
    parsed = yaml.safe_load(SPEC_PATH.read_bytes())
    assert load_document(SPEC_PATH) == parsed
    (copy,) = _copies(cache_dir)
    assert copy.name == f"spec-{cache.digest(SPEC_PATH.read_bytes())}.json"
    assert load_document(SPEC_PATH) == parsed
    # the second load came from the copy: a marker planted in it (same key) shows up
    data = orjson.loads(copy.read_bytes())
    data["document"]["x-planted"] = True
    copy.write_bytes(orjson.dumps(data))
    assert load_document(SPEC_PATH)["x-planted"] is True


def test_an_edited_spec_is_parsed_again_never_served_stale(tmp_path: Path, cache_dir: Path) -> None:
    spec = _spec(tmp_path)
    assert load_document(spec)["x-note"] == "first"
    spec.write_text(SMALL.replace("first", "second"), encoding="utf-8")
    assert load_document(spec)["x-note"] == "second"
    assert len(_copies(cache_dir)) == 2  # one per version of the bytes


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"sha256": "other", "document": {}}', b"[1, 2]",
                                     b'{"sha256": "KEY", "document": "not a mapping"}'])
def test_a_corrupt_or_foreign_copy_falls_back_to_the_yaml(tmp_path: Path, cache_dir: Path, garbage: bytes) -> None:
    spec = _spec(tmp_path)
    key = cache.digest(spec.read_bytes())
    cache_dir.mkdir()
    copy = cache_dir / f"spec-{key}.json"
    copy.write_bytes(garbage.replace(b"KEY", key.encode()))
    assert load_document(spec) == yaml.safe_load(SMALL)
    assert cache.read_copy(copy, key) == yaml.safe_load(SMALL)  # and the bad copy was replaced by a good one


def test_an_unusable_cache_dir_never_stops_a_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))  # mkdir fails, even for root
    monkeypatch.setattr(document, "SHIPPED_COPY", tmp_path / "none.json")
    spec = _spec(tmp_path)
    assert load_document(spec) == yaml.safe_load(SMALL)
    assert cache.write_copy({"a": 1}, "k") is None


def test_serve_starts_with_an_unwritable_cache_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    port = free_port()
    env = {**os.environ, cache.ENV: str(blocker / "cache")}
    command = [str(Path(sys.executable).parent / "dashscope-mock"), "serve", "--port", str(port), "--quiet"]
    with served(command, f"http://127.0.0.1:{port}", tmp_path / "serve.log", env=env):
        pass


@pytest.mark.parametrize("text", ["codes: {200: ok}\n", "when: 2025-01-01\n", "x: .nan\n", "big: 1" + "0" * 30 + "\n"])
def test_documents_json_cannot_hold_exactly_are_not_cached(tmp_path: Path, cache_dir: Path, text: str) -> None:
    spec = _spec(tmp_path, text)
    assert repr(load_document(spec)) == repr(yaml.safe_load(text))  # repr: NaN != NaN
    assert _copies(cache_dir) == []


def test_the_shipped_copy_serves_only_its_own_bytes(tmp_path: Path, cache_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec(tmp_path)
    shipped = tmp_path / "dashscope.json"
    monkeypatch.setattr(document, "SHIPPED_COPY", shipped)
    shipped.write_bytes(orjson.dumps({"sha256": cache.digest(spec.read_bytes()), "document": {"shipped": 1}}))
    assert load_document(spec) == {"shipped": 1}
    assert _copies(cache_dir) == []  # nothing parsed, nothing written
    spec.write_text(SMALL + "x-more: 1\n", encoding="utf-8")
    assert load_document(spec)["x-more"] == 1


def test_the_cache_keeps_only_the_newest_copies(tmp_path: Path, cache_dir: Path) -> None:
    for n in range(cache.KEEP + 3):
        spec = _spec(tmp_path, SMALL + f"x-n: {n}\n")
        load_document(spec)
        os.utime(cache_dir / f"spec-{cache.digest(spec.read_bytes())}.json", (n, n))
    left = _copies(cache_dir)
    assert len(left) == cache.KEEP
    assert {orjson.loads(p.read_bytes())["document"]["x-n"] for p in left} == set(range(3, cache.KEEP + 3))
