"""The twin served without uvicorn's fast paths (issue 19, finding 8): over h11 on the plain asyncio loop, in
process and as `dashscope-mock serve` with httptools and uvloop blocked from import. The one private hook
(http/protocol_hook.py) is then absent, and everything but the request-head deadline still holds: creates,
polls and uploads are answered, a too-large head gets an answer, a stalled body ends in the body error. Also the
hook's own edges: it stays out of a uvicorn it was not written for, and never times out a pipelined request."""

from __future__ import annotations

import pickle
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from mockserver import Settings, create_app
from mockserver.http import protocol_hook, serving
from mockserver.testing import free_port, payloads
from mockserver.testing.runner import ThreadedServer, listening_socket
from tests.health import served

from .wire_client import CREATE, Connection, create_headers, request

KEY = {"Authorization": "Bearer sk-fallback-0001"}
# block both from import (`import httptools` raises ImportError), check the twin picks h11, then run the CLI
BLOCKED = ("import sys; sys.modules['httptools'] = None; sys.modules['uvloop'] = None\n"
           "from mockserver.http import protocol_hook, serving\n"
           "assert protocol_hook.TimedHttpToolsProtocol is None and serving.http_option() == 'h11'\n"
           "from mockserver.cli import main\n"
           "sys.argv = ['dashscope-mock', *sys.argv[1:]]\n"
           "main()\n")


def _exercise(base: str, host: str, port: int) -> None:
    """A create carrying a 1 MB photo, its poll, an upload as the SDK sends it, and a too-large head."""
    photo = payloads.image(1_000_000, max_side=1990)
    body = orjson.dumps({"model": "wan2.2-i2v-flash", "parameters": {"resolution": "480P"},
                         "input": {"prompt": "a cat", "img_url": payloads.data_uri(photo, "image/jpeg")}})
    with httpx.Client(base_url=base, timeout=20) as http:
        created = http.post(CREATE, content=body, headers=create_headers())
        assert created.status_code == 200, created.text[:300]
        task_id = created.json()["output"]["task_id"]
        polled = http.get(f"/api/v1/tasks/{task_id}", headers=KEY)
        assert polled.status_code == 200 and polled.json()["output"]["task_id"] == task_id
        policy = http.get("/api/v1/uploads", params={"action": "getPolicy", "model": "wan2.2-i2v-flash"},
                          headers=KEY).json()["data"]
        fields = {"OSSAccessKeyId": policy["oss_access_key_id"], "Signature": policy["signature"],
                  "policy": policy["policy"], "key": policy["upload_dir"] + "/photo.jpg",
                  "x-oss-object-acl": "private", "x-oss-forbid-overwrite": "true", "success_action_status": "200"}
        uploaded = http.post(policy["upload_host"], data=fields, files={"file": ("photo.jpg", photo)})
        assert uploaded.status_code == 200, uploaded.text
    conn = Connection(host, port)
    head, _ = request("GET", "/api/v1/tasks/x", headers={**KEY, "X-Padding": "p" * (serving.MAX_HEADER_BYTES + 10)})
    conn.send(head[:-4])  # still going past the cap (h11 caps a head it is still waiting for the end of)
    assert conn.answer().status == 400  # answered (uvicorn's plain-text 400), not a silent close
    conn.close()


@pytest.fixture
def h11_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadedServer]:
    monkeypatch.setattr(serving, "BODY_IDLE_TIMEOUT_S", 0.5)
    app = create_app(Settings.for_profile("dev", frozen=True, log_requests=False))
    runner = ThreadedServer(app, listening_socket("127.0.0.1", 0), options={"http": "h11", "loop": "asyncio"})
    runner.start()
    yield runner
    runner.close()


def test_served_over_h11_on_asyncio(h11_server: ThreadedServer) -> None:
    _exercise(h11_server.url, h11_server.host, h11_server.port)
    stalled = socket.create_connection((h11_server.host, h11_server.port), timeout=5)
    stalled.sendall(b"POST " + CREATE.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-fallback-0002\r\n"
                    b"X-DashScope-Async: enable\r\nContent-Length: 1000\r\n\r\n{\"model\"")
    answer = stalled.recv(4096)  # the body deadline is ASGI middleware: it holds on h11 too
    assert answer.startswith(b"HTTP/1.1 400") and b"connection: close" in answer.lower(), answer
    stalled.close()


def test_the_hook_is_active_where_it_can_be() -> None:
    # with httptools installed (the pinned versions), the twin serves through the hooked protocol
    pytest.importorskip("httptools")
    assert protocol_hook.TimedHttpToolsProtocol is not None
    assert serving.http_option() is protocol_hook.TimedHttpToolsProtocol
    # `--workers` spawns processes that get the class by pickle: by reference, as the module's attribute
    assert pickle.loads(pickle.dumps(protocol_hook.TimedHttpToolsProtocol)) is protocol_hook.TimedHttpToolsProtocol


def test_serve_without_httptools_and_uvloop(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED, encoding="utf-8")
    with served([sys.executable, str(script), "serve", "--port", str(port), "--quiet"], base,
                tmp_path / "serve.log"):
        _exercise(base, "127.0.0.1", port)


def test_the_hook_stays_out_of_a_uvicorn_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    httptools_impl = pytest.importorskip("uvicorn.protocols.http.httptools_impl")
    assert protocol_hook._base() is httptools_impl.HttpToolsProtocol
    monkeypatch.delattr(httptools_impl.HttpToolsProtocol, "send_400_response")  # a release that renamed it
    assert protocol_hook._base() is None

    class Reshaped(httptools_impl.HttpToolsProtocol):  # type: ignore[misc]
        def __init__(self, config: object, server_state: object) -> None:  # another constructor
            pass

    monkeypatch.undo()
    monkeypatch.setattr(httptools_impl, "HttpToolsProtocol", Reshaped)
    assert protocol_hook._base() is None


def test_a_pipelined_request_slower_than_the_head_deadline_is_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    # the head deadline runs only while a head is awaited: a pipelined request uvicorn starts itself is not one
    monkeypatch.setattr(serving, "HEADER_TIMEOUT_S", 0.3)
    from mockserver.testing import MockServer

    with MockServer(frozen=True, log_requests=False) as twin:
        armed = httpx.post(twin.url + "/__mock/faults", json={"slow_rate": 1, "slow_ms": 800, "on": ["query"]})
        assert armed.status_code == 200, armed.text
        conn = Connection(twin.host, twin.port)
        poll = b"".join(request("GET", "/api/v1/tasks/none", headers=create_headers()))
        conn.send(poll + poll)
        assert [conn.answer().status for _ in range(2)] == [200, 200]
        conn.close()
