"""`serve --proxy-port/--tls-port` and `dashscope-mock ca`, run as users run them (docs/interception.md): curl,
requests, httpx and aiohttp with the real host hard-coded through the proxy, the official SDK through it with only
environment variables (a `file://` upload included), refusals that connect nothing, and the CA's files."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.ingress.ca import LocalCA
from mockserver.ingress.command import ca_report
from mockserver.ingress.proxy import ConnectProxy
from mockserver.testing import free_port
from tests.health import served

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
API = "https://dashscope.aliyuncs.com/api/v1"
CREATE = API + "/services/aigc/video-generation/video-synthesis"
BODY = {"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"}, "parameters": {"size": "832*480"}}
KEY = "sk-proxy-test"
HEADERS = {"Authorization": f"Bearer {KEY}", "X-DashScope-Async": "enable"}
RESULT_HOST = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DASHSCOPE_") and k.upper() not in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY",
                                                                    "NO_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


class Twin:
    """A running `serve` with its proxy and TLS listener."""

    def __init__(self, base: str, proxy: str, tls: str, ca: LocalCA, log: Path) -> None:
        self.base, self.proxy, self.tls, self.ca, self.log = base, proxy, tls, ca, log
        self.context = ca.client_context()


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    folder = tmp_path_factory.mktemp("ingress")
    ca_dir = folder / "ca"
    made = LocalCA.load_or_create(ca_dir).cert_path.read_bytes()  # what `dashscope-mock ca` makes
    port, proxy_port, tls_port = free_port(), free_port(), free_port()
    log = folder / "serve.log"
    base = f"http://127.0.0.1:{port}"
    argv = [COMMAND, "serve", "--port", str(port), "--proxy-port", str(proxy_port), "--tls-port", str(tls_port),
            "--ca-dir", str(ca_dir), "--time-scale", "20"]
    with served(argv, base, log, env=_env()):
        yield Twin(base, f"http://127.0.0.1:{proxy_port}", f"https://127.0.0.1:{tls_port}", LocalCA(ca_dir), log)
    assert (ca_dir / "ca.pem").read_bytes() == made  # serve reused the CA already there


def _until_succeeded(get: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        body = get()
        if body["output"]["task_status"] == "SUCCEEDED":
            return body
        assert body["output"]["task_status"] in ("PENDING", "RUNNING"), body
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def test_the_banner_names_the_proxy_and_the_ca_variables(twin: Twin) -> None:
    text = twin.log.read_text()
    assert f"export HTTPS_PROXY={twin.proxy} HTTP_PROXY={twin.proxy}" in text
    for line in (f"export SSL_CERT_FILE={twin.ca.bundle_path}", f"export NODE_EXTRA_CA_CERTS={twin.ca.cert_path}",
                 f"export REQUESTS_CA_BUNDLE={twin.ca.bundle_path}", f"export CURL_CA_BUNDLE={twin.ca.bundle_path}"):
        assert line in text


@pytest.mark.system_package("curl")  # skipped without it (failed in CI): tests/system_packages.py
def test_curl_through_the_proxy(twin: Twin, tmp_path: Path) -> None:
    env = _env(HTTPS_PROXY=twin.proxy, CURL_CA_BUNDLE=str(twin.ca.bundle_path))

    def curl(*args: str) -> str:
        done = subprocess.run(["curl", "-sS", "--fail", "-H", f"Authorization: Bearer {KEY}", *args],
                              capture_output=True, text=True, env=env, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    import json

    created = json.loads(curl("-H", "X-DashScope-Async: enable", "-H", "Content-Type: application/json",
                              "-d", json.dumps(BODY), CREATE))
    body = _until_succeeded(lambda: json.loads(curl(f"{API}/tasks/{created['output']['task_id']}")))
    url = body["output"]["video_url"]
    assert url.startswith(RESULT_HOST)
    curl("-o", str(tmp_path / "v.mp4"), url)
    assert (tmp_path / "v.mp4").read_bytes()[4:8] == b"ftyp"
    refused = subprocess.run(["curl", "-sS", "https://example.com/"], capture_output=True, text=True, env=env,
                             timeout=20)
    assert refused.returncode != 0 and "403" in refused.stderr


def test_requests_through_the_proxy_with_plain_http_too(twin: Twin) -> None:
    with requests.Session() as s:
        s.trust_env = False
        s.proxies = {"https": twin.proxy, "http": twin.proxy}
        s.verify = str(twin.ca.bundle_path)
        task_id = s.post(CREATE, json=BODY, headers=HEADERS, timeout=10).json()["output"]["task_id"]
        body = _until_succeeded(lambda: s.get(f"{API}/tasks/{task_id}", headers=HEADERS, timeout=10).json())
        video = s.get(body["output"]["video_url"], timeout=10)
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
        # an absolute-form http:// request through the proxy is served too
        plain = s.get(f"http://dashscope.aliyuncs.com/api/v1/tasks/{task_id}", headers=HEADERS, timeout=10)
        assert plain.json()["output"]["task_status"] == "SUCCEEDED"


def test_httpx_through_the_proxy_and_the_tls_listener_directly(twin: Twin) -> None:
    with httpx.Client(proxy=twin.proxy, verify=twin.context, trust_env=False) as client:
        task_id = client.post(CREATE, json=BODY, headers=HEADERS).json()["output"]["task_id"]
        body = _until_succeeded(lambda: client.get(f"{API}/tasks/{task_id}", headers=HEADERS).json())
        assert client.get(body["output"]["video_url"]).status_code == 200
    # the TLS listener itself: its certificate also covers the loopback address it is reached on
    with httpx.Client(verify=twin.context, trust_env=False) as client:
        assert client.get(f"{twin.tls}/api/v1/tasks/{task_id}", headers=HEADERS).json()["output"]["task_id"] == task_id


def test_aiohttp_through_the_proxy(twin: Twin) -> None:
    async def run() -> tuple[dict[str, Any], int]:
        async with aiohttp.ClientSession(trust_env=False) as session:
            async with session.post(CREATE, json=BODY, headers=HEADERS, proxy=twin.proxy, ssl=twin.context) as r:
                task_id = (await r.json())["output"]["task_id"]
            for _ in range(75):
                async with session.get(f"{API}/tasks/{task_id}", headers=HEADERS, proxy=twin.proxy,
                                       ssl=twin.context) as r:
                    body: dict[str, Any] = await r.json()
                if body["output"]["task_status"] == "SUCCEEDED":
                    break
                await asyncio.sleep(0.2)
            async with session.get(body["output"]["video_url"], proxy=twin.proxy, ssl=twin.context) as r:
                return body, len(await r.read())

    body, size = asyncio.run(run())
    assert body["output"]["task_status"] == "SUCCEEDED" and size > 1000


SDK_SCRIPT = """
import sys, requests
from dashscope import VideoSynthesis
rsp = VideoSynthesis.call(model="wan2.2-i2v-flash", prompt="a cat", img_url="file://" + sys.argv[1], resolution="480P")
assert rsp.status_code == 200, rsp
assert rsp.output.task_status == "SUCCEEDED", rsp
video = requests.get(rsp.output.video_url, timeout=10)
import dashscope
job = dashscope.Client().videos.jobs.create(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")  # v2, on httpx
assert job.task_id and job.status == "PENDING", job
print(rsp.output.video_url, video.status_code, video.content[4:8])
"""


def test_the_official_sdk_works_through_the_proxy_with_only_environment_variables(
        twin: Twin, tmp_path: Path) -> None:
    from mockserver.formats import png

    image = tmp_path / "first.png"
    image.write_bytes(png.image(1024, 768, (10, 20, 30)))
    env = _env(HTTPS_PROXY=twin.proxy, SSL_CERT_FILE=str(twin.ca.bundle_path),
               REQUESTS_CA_BUNDLE=str(twin.ca.bundle_path), DASHSCOPE_API_KEY=KEY)
    done = subprocess.run([sys.executable, "-c", SDK_SCRIPT, str(image)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert re.match(re.escape(RESULT_HOST) + r"\S+ 200 b'ftyp'$", done.stdout.strip()), done.stdout
    log = twin.log.read_text()
    assert "GET /api/v1/uploads model=wan2.2-i2v-flash status=200" in log  # the policy, then the upload it named


def test_a_connect_to_another_host_is_refused_with_403_and_one_log_line(twin: Twin) -> None:
    pattern = r"refused CONNECT example\.com:443 from 127\.0\.0\.1"
    before = len(re.findall(pattern, twin.log.read_text()))
    port = int(twin.proxy.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 403 ")
    deadline = time.monotonic() + 5
    while len(re.findall(pattern, twin.log.read_text())) == before:
        assert time.monotonic() < deadline, twin.log.read_text()
        time.sleep(0.05)
    time.sleep(0.1)
    assert len(re.findall(pattern, twin.log.read_text())) == before + 1


@contextmanager
def _proxy_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ConnectProxy, tuple[str, int], list[Any]]]:
    """A ConnectProxy on the standard asyncio loop in a thread (its connects go through socket.socket.connect,
    which records every call), yielding (proxy, its address, the connects)."""
    connects: list[Any] = []
    real_connect = socket.socket.connect

    def spy(sock: socket.socket, address: Any) -> None:
        connects.append(address)
        real_connect(sock, address)

    proxy = ConnectProxy(lambda host: host == "dashscope.aliyuncs.com", ("127.0.0.1", 9), ("127.0.0.1", 9))
    loop = asyncio.new_event_loop()
    listener = socket.create_server(("127.0.0.1", 0))
    server = loop.run_until_complete(proxy.start(listener))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(socket.socket, "connect", spy)
    try:
        yield proxy, listener.getsockname(), connects
    finally:
        monkeypatch.undo()
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def _ask(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=5) as client:  # made before the spy counts (create_connection
        client.sendall(data)                                      # resolves and connects in this thread)
        answer = client.recv(4096)
        assert client.recv(4096) == b""  # and the proxy closed the connection
    return answer


@pytest.mark.parametrize("request_line", [
    b"CONNECT example.com:443 HTTP/1.1", b"CONNECT dashscope.aliyuncs.com:22 HTTP/1.1",
    b"GET http://example.com/ HTTP/1.1", b"GET / HTTP/1.1", b"CONNECT [::1 HTTP/1.1", b"GET http://[::1/ HTTP/1.1",
])
def test_a_refused_request_opens_no_socket(request_line: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    with _proxy_in_process(monkeypatch) as (proxy, address, connects):
        answer = _ask(address, request_line + b"\r\nHost: x\r\n\r\n")
        client_connects = list(connects)
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 403 Forbidden"
    assert client_connects == [address] and proxy.tunnels == 0 and proxy.refused == 1  # the client's own only


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.binary(max_size=300).filter(lambda b: b"\r\n\r\n" not in b))
def test_any_request_head_gets_an_http_answer_and_no_connection(head: bytes, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    with _proxy_in_process(monkeypatch) as (proxy, address, connects):
        answer = _ask(address, head + b"\r\n\r\n")
        client_connects = list(connects)
    assert re.match(rb"HTTP/1\.1 (400|403) ", answer), answer
    assert client_connects == [address] and proxy.tunnels == 0


def test_the_ca_key_is_private_reused_and_its_leaf_verifies_for_each_name(tmp_path: Path) -> None:
    ca = LocalCA.load_or_create(tmp_path / "ca")
    assert ca.key_path.stat().st_mode & 0o777 == 0o600
    again = LocalCA.load_or_create(tmp_path / "ca")  # a restart
    assert again.cert_path.read_bytes() == ca.cert_path.read_bytes()
    names = ["dashscope.aliyuncs.com", "dashscope-file-mgr.oss-cn-beijing.aliyuncs.com", "127.0.0.1"]
    leaf = ca.leaf(names)
    assert leaf.key_path.stat().st_mode & 0o777 == 0o600
    assert ca.leaf(reversed(names)).cert_path.read_bytes() == leaf.cert_path.read_bytes()  # reused too
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(leaf.cert_path, leaf.key_path)

    def handshake(name: str, client: ssl.SSLContext) -> None:
        c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
        c = client.wrap_bio(c_in, c_out, server_hostname=name)
        s = server.wrap_bio(s_in, s_out, server_side=True)
        for _ in range(10):
            for side, out, into in ((c, c_out, s_in), (s, s_out, c_in)):
                with contextlib.suppress(ssl.SSLWantReadError):
                    side.do_handshake()
                into.write(out.read())
        c.do_handshake()

    for name in names:
        handshake(name, ca.client_context())
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake("example.com", ca.client_context())
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake("dashscope.aliyuncs.com", ssl.create_default_context())  # the system roots do not trust it


def test_ca_env_prints_the_variables_and_parallel_creation_yields_one_ca(tmp_path: Path) -> None:
    folder = tmp_path / "one-ca"
    assert ca_report(folder, None, with_env=False) == str(folder / "ca.pem")  # `dashscope-mock ca`: the path
    done = subprocess.run([COMMAND, "ca", "--env"], capture_output=True, text=True, timeout=30,
                          env=_env(DASHSCOPE_MOCK_CA_DIR=str(folder)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"export SSL_CERT_FILE={folder}/bundle.pem",
                                        f"export REQUESTS_CA_BUNDLE={folder}/bundle.pem",
                                        f"export CURL_CA_BUNDLE={folder}/bundle.pem",
                                        f"export NODE_EXTRA_CA_CERTS={folder}/ca.pem"]
    assert (folder / "bundle.pem").read_bytes().startswith((folder / "ca.pem").read_bytes())
    racing = tmp_path / "race"
    made: list[bytes] = []
    threads = [threading.Thread(target=lambda: made.append(LocalCA.load_or_create(racing).cert_path.read_bytes()))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 4 and len(set(made)) == 1
    assert sorted(p.name for p in racing.iterdir()) == ["bundle.pem", "ca-key.pem", "ca.pem"]
    # a folder that already holds other files takes the CA beside them
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "mine.txt").write_text("kept")
    assert LocalCA.load_or_create(tmp_path / "certs").complete()
    assert (tmp_path / "certs" / "mine.txt").read_text() == "kept"


def test_serve_with_an_unwritable_ca_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    port = free_port()
    done = subprocess.run([COMMAND, "serve", "--port", str(port), "--tls-port", "0", "--ca-dir", str(blocker / "ca")],
                          capture_output=True, text=True, timeout=30, env=_env())
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "cannot start: the local CA" in done.stderr and "Traceback" not in done.stderr
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # the plain port was released
