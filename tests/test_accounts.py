"""Keys, accounts and isolation: a task is visible only within its account."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockserver.testing import AIGC

T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def hdr(key: str, async_: bool = True) -> dict[str, str]:
    h = {"Authorization": f"Bearer {key}"}
    return {**h, "X-DashScope-Async": "enable"} if async_ else h


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump({
        "accounts": {
            "team-a": {"region": "cn-beijing", "keys": ["sk-a1", "sk-a2"]},
            "team-b": {"region": "ap-southeast-1", "keys": ["sk-b1"]},
            "broke": {"state": "arrears", "keys": ["sk-broke"]},
            "free": {"state": "free_tier_exhausted", "keys": ["sk-free"]},
        },
        "blocked_keys": ["sk-revoked"],
    }))
    return path


def create(mock, key: str) -> str:  # type: ignore[no-untyped-def]
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=T2V, headers=hdr(key))
    assert r.status_code == 200, r.text
    return str(r.json()["output"]["task_id"])


def test_any_sk_key_is_its_own_account(mock) -> None:
    mine = create(mock, "sk-alice")
    assert mock.get(mine, key="sk-alice")["output"]["task_status"] == "PENDING"
    assert mock.get(mine, key="sk-bob")["output"]["task_status"] == "UNKNOWN"
    r = mock.http.post(f"/api/v1/tasks/{mine}/cancel", headers=hdr("sk-bob", False))
    assert r.status_code == 400 and r.json()["code"] == "UnsupportedOperation"
    assert mock.http.get("/api/v1/tasks", headers=hdr("sk-bob", False)).json()["total"] == 0
    listed = mock.http.get("/api/v1/tasks", params={"task_id": mine}, headers=hdr("sk-bob", False)).json()
    assert listed["data"] == []
    assert mock.get(mine, key="sk-alice")["output"]["task_status"] == "PENDING"  # bob's cancel changed nothing


def test_keys_of_one_account_share_tasks(make_mock, keys_file: Path) -> None:
    mock = make_mock(keys_file=keys_file)
    task = create(mock, "sk-a1")
    assert mock.get(task, key="sk-a2")["output"]["task_status"] == "PENDING"
    assert mock.get(task, key="sk-b1")["output"]["task_status"] == "UNKNOWN"
    # docs/behaviour.md §3.1: any key of the account may cancel
    assert mock.http.post(f"/api/v1/tasks/{task}/cancel", headers=hdr("sk-a2", False)).status_code == 200
    listing = mock.http.get("/api/v1/tasks", headers=hdr("sk-b1", False)).json()
    assert listing["total"] == 0
    b_task = create(mock, "sk-b1")
    item = mock.http.get("/api/v1/tasks", headers=hdr("sk-b1", False)).json()["data"][0]
    assert item["task_id"] == b_task and item["region"] == "ap-southeast-1"


@pytest.mark.parametrize(("key", "status", "code", "message"), [
    ("sk-broke", 400, "Arrearage", "Access denied, please make sure your account is in good standing."),
    ("sk-free", 403, "AllocationQuota.FreeTierOnly", None),
    ("sk-revoked", 401, "InvalidApiKey", "API-key is blocked."),
])
def test_account_states(make_mock, keys_file: Path, key: str, status: int, code: str, message: str | None) -> None:
    mock = make_mock(keys_file=keys_file)
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=T2V, headers=hdr(key))
    assert (r.status_code, r.json()["code"]) == (status, code)
    if message:
        assert r.json()["message"] == message


def test_only_listed_keys(make_mock, tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump({"accounts": {"a": {"keys": ["sk-listed"]}}, "only_listed": True}))
    mock = make_mock(keys_file=path)
    assert mock.http.get("/api/v1/tasks", headers=hdr("sk-listed", False)).status_code == 200
    r = mock.http.get("/api/v1/tasks", headers=hdr("sk-other", False))
    assert r.status_code == 401 and r.json()["message"] == "Invalid API-key provided."


def test_account_state_can_change_at_run_time(make_mock, keys_file: Path) -> None:
    mock = make_mock(keys_file=keys_file)
    create(mock, "sk-a1")
    assert mock.http.post("/__mock/accounts", json={"account": "team-a", "state": "arrears"}).status_code == 200
    r = mock.http.post(AIGC + "video-generation/video-synthesis", json=T2V, headers=hdr("sk-a1"))
    assert r.json()["code"] == "Arrearage"
