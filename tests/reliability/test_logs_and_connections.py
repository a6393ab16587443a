"""Issue 11, findings 4 (uploads, connections) and 6 (logs): one redaction for every secret, bounded I/O."""

from __future__ import annotations

import io
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver import Settings, create_app
from mockserver.domain.redaction import redact
from mockserver.http import serving
from mockserver.http.requestlog import RequestLog
from mockserver.testing import MockServer, MockTransport

LISTED = "team-key-without-prefix"  # a keys-file key: nothing about it says it is a secret


def _logged(tmp_path: Path, path: str, key: str = "sk-reliability-0003") -> str:
    """The request log's lines for one GET of `path`, as `serve` writes them (a RequestLog on a stream)."""
    keys = tmp_path / "keys.yaml"
    keys.write_text(f"accounts:\n  team: {{keys: [{LISTED}]}}\n", encoding="utf-8")
    out = io.StringIO()
    log = RequestLog(out)
    app = create_app(Settings.for_profile("dev", frozen=True, keys_file=keys), log)
    with httpx.Client(transport=MockTransport(app), base_url="http://127.0.0.1") as http:
        http.get(path, headers={"Authorization": f"Bearer {key}"})
    log.close()
    return out.getvalue().rstrip("\n")


@pytest.mark.parametrize("path", ["/api/v1/tasks/sk-abc123secret", "/api/v1/tasks/sk-abc.123+secret~x",
                                  f"/api/v1/tasks/{LISTED}", "/api/v1/tasks?api_key=abc123secret"])
def test_the_request_log_shows_no_secret(tmp_path: Path, path: str) -> None:
    line = _logged(tmp_path, path)
    assert line and "secret" not in line and LISTED not in line


def test_a_newline_in_a_task_id_cannot_forge_a_log_line(tmp_path: Path) -> None:
    line = _logged(tmp_path, "/api/v1/tasks/abc%0aGET%20forged%20status=200%0d")
    assert "\n" not in line and "\r" not in line and "\\x0a" in line


def test_the_recorder_keeps_no_admin_token_or_api_key(make_mock: Any) -> None:
    mock = make_mock(record=True, admin_token="admin-token-0123456789")
    mock.http.get("/__mock/health?api_key=sk-in-query-0001", headers={"X-Mock-Admin-Token": "admin-token-0123456789"})
    mock.http.get("/api/v1/tasks?api_key=plain-in-query", headers={"Authorization": "Bearer sk-header-key-0001"})
    text = repr(mock.requests)
    for secret in ("admin-token-0123456789", "sk-in-query-0001", "plain-in-query", "sk-header-key-0001"):
        assert secret not in text


def test_redact_covers_every_form() -> None:
    text = ("Bearer tok-123 sk-a/b?c sk-x.y Signature=abc%2B== policy=eyJ0 api_key=zzz "
            "known-secret-1 known%2Dsecret%2D1\x1b[31m\u2028")
    out = redact(text, frozenset({"known-secret-1"}))
    for secret in ("tok-123", "sk-a", "sk-x.y", "abc%2B", "eyJ0", "zzz", "known-secret-1", "\x1b", "\u2028"):
        assert secret not in out, (secret, out)


def test_a_chunked_upload_is_cut_off_at_the_limit() -> None:
    with MockServer(frozen=True, log_requests=False, upload_max_mb=1) as server:
        policy = httpx.get(server.url + "/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.6-t2v"},
                           headers={"Authorization": "Bearer sk-reliability-0004"}).json()["data"]
        fields = {"OSSAccessKeyId": policy["oss_access_key_id"], "Signature": policy["signature"],
                  "policy": policy["policy"], "key": policy["upload_dir"] + "/a.bin", "x-oss-object-acl": "private",
                  "x-oss-forbid-overwrite": "true", "success_action_status": "200"}
        form = b"".join(b'--xyz\r\nContent-Disposition: form-data; name="' + k.encode() + b'"\r\n\r\n' + v.encode()
                        + b"\r\n" for k, v in fields.items())
        form += b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'
        sock = socket.create_connection((server.host, server.port))
        sock.sendall(b"POST /__oss/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: multipart/form-data; boundary=xyz\r\n\r\n")  # chunked: no Content-Length
        sock.sendall(b"%x\r\n%s\r\n" % (len(form), form))
        sock.settimeout(2)
        chunk = b"\0" * (1 << 20)
        sent = 0
        try:
            for _ in range(64):  # 64 MiB offered; the limit is 1 MiB (+1 MiB of form fields)
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += 1
        except OSError:  # the server answered and stopped reading (timeout, reset or broken pipe)
            pass
        try:
            answer = sock.recv(65536)
        except OSError:  # a reset can discard the answer: the client was still sending when the server closed
            answer = b""
        sock.close()
    assert sent < 64  # the server stopped reading near the limit (it used to read everything first)
    assert not answer or (answer.startswith(b"HTTP/1.1 400") and b"EntityTooLarge" in answer), answer[:300]


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


def test_dripping_headers_and_bodies_are_timed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serving, "HEADER_TIMEOUT_S", 0.5)
    monkeypatch.setattr(serving, "BODY_IDLE_TIMEOUT_S", 0.5)
    with MockServer(frozen=True, log_requests=False) as server:
        idle = socket.create_connection((server.host, server.port))
        drip = socket.create_connection((server.host, server.port))
        drip.sendall(b"GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\n")
        slow_body = socket.create_connection((server.host, server.port))
        slow_body.sendall(b"POST /api/v1/services/aigc/video-generation/video-synthesis HTTP/1.1\r\nHost: x\r\n"
                          b"Authorization: Bearer sk-reliability-0005\r\nX-DashScope-Async: enable\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\"")
        started = time.monotonic()
        assert _closed_within(idle, 3) and _closed_within(drip, 3)
        slow_body.settimeout(3)
        answer = slow_body.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400"), answer
        assert time.monotonic() - started < 3
        assert httpx.get(server.url + "/api/v1/tasks/x", headers={"Authorization": "Bearer sk-x-0001"}).status_code \
            == 200  # the server itself is fine
        for s in (idle, drip, slow_body):
            s.close()


def test_the_request_log_forgets_clean_values_when_the_secrets_change() -> None:
    out = io.StringIO()
    log = RequestLog(out)
    known: frozenset[str] = frozenset()
    log.secrets = lambda: known
    path = "/api/v1/tasks/new-team-key-0001"
    log.line("r1", "GET", path, None, 200, "new-team-key-0001", time.perf_counter())
    known = frozenset({"new-team-key-0001"})  # a keys file reloaded with this key in it
    log.line("r2", "GET", path, None, 200, "new-team-key-0001", time.perf_counter())
    log.close()
    first, second = out.getvalue().splitlines()
    assert "new-team-key-0001" in first  # not a secret yet: logged as it came
    assert "new-team-key-0001" not in second and "task=***" in second


def _exchange(server: Any, request: bytes, until: bytes, timeout: float = 5.0) -> bytes:
    """Send `request` on a fresh connection; read until `until` has arrived (or the timeout)."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    sock.sendall(request)
    got = b""
    deadline = time.monotonic() + timeout
    while until not in got and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    sock.close()
    return got


def test_a_head_answer_and_an_interim_100_leave_the_server_whole() -> None:
    # a HEAD answer has no body, and a `100 Continue` is written before the response starts
    with MockServer(frozen=True, log_requests=False) as server:
        head = _exchange(server, b"HEAD /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", b"\r\n\r\n", timeout=3)
        assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n"), head
        body = b'{"model":"wan2.6-t2v","input":{"prompt":"x"}}'
        sock = socket.create_connection((server.host, server.port), timeout=3)
        sock.sendall(b"POST /api/v1/services/aigc/video-generation/video-synthesis HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer sk-reliability-0006\r\nX-DashScope-Async: enable\r\n"
                     b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue")  # before the body is sent
        sock.sendall(body)
        answer = b""
        while b'"PENDING"' not in answer:
            chunk = sock.recv(4096)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        sock.close()


def test_a_forwarded_client_is_no_loopback_caller_for_the_control_plane() -> None:
    # served, the task path skips uvicorn's proxy-header middleware; the control plane keeps it, so a request a
    # local reverse proxy forwards for a remote client does not pass the loopback check
    with MockServer(frozen=True, log_requests=False) as server:
        forwarded = {"X-Forwarded-For": "203.0.113.9"}
        assert httpx.get(server.url + "/__mock/health").status_code == 200
        refused = httpx.get(server.url + "/__mock/health", headers=forwarded)
        assert refused.status_code == 403 and refused.json()["code"] == "AccessDenied", refused.text
        poll = httpx.get(server.url + "/api/v1/tasks/nope", headers={**forwarded, "Authorization": "Bearer sk-x-0002"})
        assert poll.status_code == 200 and poll.json()["output"]["task_status"] == "UNKNOWN"


def test_a_log_line_carries_the_wall_time_and_latency_of_its_request() -> None:
    import datetime

    out = io.StringIO()
    log = RequestLog(out)
    started = time.perf_counter()
    time.sleep(0.02)
    log.line("rid-1", "GET", "/api/v1/tasks/t", None, 200, "t", started)
    log.close()
    text = out.getvalue().strip()
    stamp = datetime.datetime.strptime(text[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
    assert abs(stamp - time.time()) < 2, text
    taken = int(text.rsplit(" ", 1)[1].removesuffix("us"))
    assert 20_000 <= taken < 2_000_000, text  # the 20 ms it waited, in microseconds


def test_lines_left_on_a_closed_loop_are_written_by_the_next_line_once_their_timer_is_overdue() -> None:
    import asyncio

    out = io.StringIO()
    log = RequestLog(out, interval=0.05)

    async def request(rid: str) -> None:
        log.line(rid, "GET", "/api/v1/tasks/t", None, 200, "t", time.perf_counter())

    asyncio.run(request("rid-1"))  # its loop closes with the flush timer still pending
    assert out.getvalue() == ""
    time.sleep(0.1)
    asyncio.run(request("rid-2"))  # a later request, on another loop: the overdue batch goes out
    assert log.drain(2.0)  # (written by the log's own thread, a moment later)
    assert "request_id=rid-1" in out.getvalue()
    log.close()
    assert "request_id=rid-2" in out.getvalue()


def test_a_path_answered_with_different_statuses_models_methods_and_tasks_keeps_each_line_its_own() -> None:
    out = io.StringIO()
    log = RequestLog(out)
    now = time.perf_counter()
    for rid, method, model, status, task in (("a", "GET", None, 200, "t"), ("b", "GET", None, 404, "t"),
                                             ("c", "POST", "wan2.6-t2v", 404, "t"), ("d", "GET", None, 200, "t"),
                                             ("e", "GET", None, 200, "u"), ("f", "GET", None, 200, None)):
        log.line(rid, method, "/api/v1/tasks/t", model, status, task, now)
    log.close()
    shown = [line.split(" ", 2)[2].rsplit(" ", 1)[0] for line in out.getvalue().splitlines()]
    assert shown == ["GET /api/v1/tasks/t model=- status=200 task=t request_id=a",
                     "GET /api/v1/tasks/t model=- status=404 task=t request_id=b",
                     "POST /api/v1/tasks/t model=wan2.6-t2v status=404 task=t request_id=c",
                     "GET /api/v1/tasks/t model=- status=200 task=t request_id=d",
                     "GET /api/v1/tasks/t model=- status=200 task=u request_id=e",
                     "GET /api/v1/tasks/t model=- status=200 task=- request_id=f"]
