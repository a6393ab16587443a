"""The fixture fails closed (docs/interception.md): code that names the real DashScope hosts, hard-coded or set on
the SDK inside the call, with requests, httpx, aiohttp or urllib, is served by the twin over TLS verified against
the twin's CA; `block_network=True` refuses every other host with the documented error."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import ssl
import urllib.request
from http import HTTPStatus
from pathlib import Path
from typing import Any

import aiohttp
import dashscope
import httpx
import pytest
import requests
from dashscope import VideoSynthesis

from mockserver.formats import png
from mockserver.ingress.ca import LocalCA
from mockserver.ingress.intercept import TWIN_ADDRESS, Interception, NetworkBlockedError
from mockserver.ingress.peers import PeerTable, RealPeer
from mockserver.pytest_plugin import DashScopeMock
from mockserver.spec.hosts import ServiceHosts

pytestmark = pytest.mark.dashscope_mock(frozen=True)

API = "https://dashscope.aliyuncs.com/api/v1"
CREATE = API + "/services/aigc/video-generation/video-synthesis"
BODY = {"model": "wan2.2-t2v-plus", "input": {"prompt": "a cat"}, "parameters": {"size": "832*480"}}


def _headers(mock: DashScopeMock) -> dict[str, str]:
    return mock.headers(asynchronous=True)


def _hosts(mock: DashScopeMock) -> list[str | None]:
    return [r.headers.get("host") for r in mock.requests]


def test_requests_with_the_real_host_hard_coded_is_served_by_the_twin(dashscope_mock: DashScopeMock) -> None:
    r = requests.post(CREATE, json=BODY, headers=_headers(dashscope_mock), timeout=10)
    assert r.status_code == 200, r.text
    task_id = r.json()["output"]["task_id"]
    dashscope_mock.advance(60)
    body = requests.get(f"{API}/tasks/{task_id}", headers=dashscope_mock.headers(), timeout=10).json()
    assert body["output"]["task_status"] == "SUCCEEDED"
    url = body["output"]["video_url"]
    # handed back on the real result host (the client called the real API host), and served from the twin too
    assert url.startswith("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/")
    video = requests.get(url, timeout=10)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    # the journal and the recorded requests show the intercepted calls like any other
    assert [p.status for p in dashscope_mock.polls(task_id)] == ["SUCCEEDED"]
    assert _hosts(dashscope_mock) == ["dashscope.aliyuncs.com", "dashscope.aliyuncs.com",
                                      "dashscope-result-bj.oss-cn-beijing.aliyuncs.com"]


def test_the_sdk_given_the_real_base_url_inside_the_call_is_served_by_the_twin(
        dashscope_mock: DashScopeMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # what the vendor's examples do: set the module variable right before calling
    monkeypatch.setattr(dashscope, "base_http_api_url", API)
    image = tmp_path / "first.png"
    image.write_bytes(png.image(1024, 768, (10, 20, 30)))
    rsp = VideoSynthesis.call(model="wan2.2-i2v-flash", prompt="a cat", img_url=f"file://{image}", resolution="480P")
    assert rsp.status_code == HTTPStatus.OK, rsp
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.output.video_url.startswith("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/")
    hosts = _hosts(dashscope_mock)
    # policy on the API host, the file to the real upload host it named, then the create and polls
    assert hosts[:3] == ["dashscope.aliyuncs.com", "dashscope-file-mgr.oss-cn-beijing.aliyuncs.com",
                         "dashscope.aliyuncs.com"]
    assert dashscope_mock.requests[1].path == "/__oss/upload"


def test_the_v2_client_given_the_real_base_url_is_served_by_the_twin(dashscope_mock: DashScopeMock) -> None:
    client = dashscope.Client(base_url=API, api_key=dashscope_mock.api_key)
    job = client.videos.jobs.create(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
    assert client.videos.jobs.fetch(job.task_id).status == "PENDING"
    assert dashscope_mock.status(job.task_id) == "PENDING"  # the twin's own task
    assert set(_hosts(dashscope_mock)) == {"dashscope.aliyuncs.com"}


def test_httpx_sync_and_async_and_the_international_host(dashscope_mock: DashScopeMock) -> None:
    intl = "https://dashscope-intl.aliyuncs.com/api/v1"
    with httpx.Client() as client:
        r = client.post(intl + "/services/aigc/video-generation/video-synthesis", json=BODY,
                        headers=_headers(dashscope_mock))
    assert r.status_code == 200, r.text
    task_id = r.json()["output"]["task_id"]
    dashscope_mock.advance(60)

    async def poll() -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"{intl}/tasks/{task_id}", headers=dashscope_mock.headers())
            body: dict[str, Any] = answer.json()
            video = await client.get(body["output"]["video_url"])
            assert video.status_code == 200
            return body

    body = asyncio.run(poll())
    assert body["output"]["video_url"].startswith("https://dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com/")


def test_aiohttp_and_urllib_are_served_by_the_twin(dashscope_mock: DashScopeMock) -> None:
    async def create() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, session.post(
                CREATE, json=BODY, headers=_headers(dashscope_mock)) as r:
            assert r.status == 200
            body: dict[str, Any] = await r.json()
            return body

    task_id = asyncio.run(create())["output"]["task_id"]
    dashscope_mock.advance(60)
    request = urllib.request.Request(f"{API}/tasks/{task_id}", headers=dashscope_mock.headers())
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["output"]["task_status"] == "SUCCEEDED"
    # plain http:// on the real name reaches the twin's plain listener
    assert requests.get("http://dashscope.aliyuncs.com/api/v1/tasks/x", headers=dashscope_mock.headers(),
                        timeout=10).json()["output"]["task_status"] == "UNKNOWN"


def test_tls_to_the_real_names_trusts_only_the_twins_ca(dashscope_mock: DashScopeMock) -> None:
    # a context that trusts nothing at all still reaches the twin: the twin's CA is what verifies it
    bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with socket.create_connection(("dashscope.aliyuncs.com", 443), timeout=5) as raw, \
            bare.wrap_socket(raw, server_hostname="dashscope.aliyuncs.com") as tls:
        issuer = dict(x[0] for x in tls.getpeercert()["issuer"])  # type: ignore[index,misc]
    assert issuer["organizationName"] == "dashscope-mock"


@pytest.mark.dashscope_mock(block_network=True)
def test_block_network_refuses_other_hosts_with_the_documented_error(dashscope_mock: DashScopeMock) -> None:
    with pytest.raises(requests.ConnectionError, match=r"refused a connection to example\.com:443.*"
                                                       r"allow_hosts=\['example\.com'\]"):
        requests.get("https://example.com/", timeout=5)
    with pytest.raises(NetworkBlockedError, match=r"refused a connection to 192\.0\.2\.1:80"), \
            socket.socket() as sock:
        sock.connect(("192.0.2.1", 80))  # an address, no name: the connect itself is checked
    with pytest.raises(httpx.ConnectError, match="block_network=True"):
        httpx.get("http://example.org/")
    # DashScope's hosts and loopback still work
    assert requests.post(CREATE, json=BODY, headers=_headers(dashscope_mock), timeout=10).status_code == 200
    assert httpx.get(dashscope_mock.url + "/openapi.json").status_code == 200


def test_allow_hosts_may_be_one_string_or_a_list_of_strings(dashscope_mock: DashScopeMock) -> None:
    from mockserver.ingress.intercept import intercept

    class Config:
        def add_cleanup(self, close: Any) -> None:
            self.close = close

    config = Config()
    try:
        one = intercept(dashscope_mock, config, block_network=True, allow_hosts="api.example.com")  # type: ignore[arg-type]
        one.uninstall()
        assert one.allow_hosts == {"api.example.com"}
        with pytest.raises(TypeError, match=r"allow_hosts=\[1\]\): give host names or addresses as strings"):
            intercept(dashscope_mock, config, allow_hosts=[1])  # type: ignore[arg-type,list-item]
    finally:
        config.close()


def test_allow_hosts_lets_a_name_resolve(tmp_path: Path) -> None:
    calls: list[str] = []

    def resolver(host: str, port: Any, *args: Any) -> list[Any]:
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.7", 443))]

    hosts = ServiceHosts(api=frozenset({"dashscope.aliyuncs.com"}))
    blocked = Interception(hosts, LocalCA(tmp_path), ("127.0.0.1", 1), ("127.0.0.1", 2), block_network=True,
                           allow_hosts=["api.example.com"])
    assert blocked._resolve(resolver, "api.example.com", 443)[0][4] == ("192.0.2.7", 443)
    assert calls == ["api.example.com"]
    with pytest.raises(NetworkBlockedError, match=r"other\.example\.com:443"):
        blocked._resolve(resolver, "other.example.com", 443)
    assert blocked._resolve(resolver, "dashscope.aliyuncs.com", "https")[0][4] == (TWIN_ADDRESS, 443)
    assert blocked._resolve(resolver, b"DashScope.aliyuncs.com.", 80)[0][4] == (TWIN_ADDRESS, 80)
    with socket.socket() as sock:
        assert blocked._route(sock, (TWIN_ADDRESS, 443)) == ("127.0.0.1", 1)
        assert blocked._route(sock, (TWIN_ADDRESS, 8080)) == ("127.0.0.1", 2)
    assert blocked._resolve(resolver, "localhost", 80)[0][4] == ("192.0.2.7", 443)  # loopback names pass through
    assert calls == ["api.example.com", "localhost"]


def test_uninstall_puts_every_patch_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "corp.example")
    before = (socket.getaddrinfo, ssl.SSLContext.wrap_socket, ssl.SSLContext.wrap_bio, socket.socket.connect,
              socket.socket.connect_ex)
    interception = Interception(ServiceHosts(api=frozenset({"dashscope.aliyuncs.com"})),
                                LocalCA.load_or_create(tmp_path / "ca"), ("127.0.0.1", 1), ("127.0.0.1", 2),
                                block_network=True)
    interception.install()
    try:
        assert socket.getaddrinfo("dashscope.aliyuncs.com", 443)[0][4] == (TWIN_ADDRESS, 443)
        assert os.environ["NO_PROXY"].split(",")[0] == "corp.example"
        assert "dashscope.aliyuncs.com" in os.environ["NO_PROXY"].split(",")
    finally:
        interception.uninstall()
    assert (socket.getaddrinfo, ssl.SSLContext.wrap_socket, ssl.SSLContext.wrap_bio, socket.socket.connect,
            socket.socket.connect_ex) == before
    assert os.environ["NO_PROXY"] == "corp.example"


def test_a_request_through_the_proxy_carries_the_proxys_client_not_loopback() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["client"])

    peers = PeerTable()
    peers.add(("127.0.0.1", 50000), ("203.0.113.9", 41000))
    wrapped = RealPeer(app, peers)
    asyncio.run(wrapped({"type": "http", "client": ("127.0.0.1", 50000)}, None, None))
    asyncio.run(wrapped({"type": "http", "client": ("127.0.0.1", 50001)}, None, None))
    assert seen == [("203.0.113.9", 41000), ("127.0.0.1", 50001)]


def test_urls_handed_back_follow_the_api_host_the_client_called(mock: DashScopeMock) -> None:
    task_id = mock.task_id("wan2.2-t2v-plus")
    mock.advance(60)

    def answer(path: str, host: str | None) -> dict[str, Any]:
        headers = mock.headers() if host is None else {**mock.headers(), "host": host}
        body: dict[str, Any] = mock.http.get(path, headers=headers).json()
        return body

    own = answer(f"/api/v1/tasks/{task_id}", None)["output"]["video_url"]
    assert own.startswith(mock.twin.settings.result_host or "http://127.0.0.1")
    for host, root in (("dashscope.aliyuncs.com", "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/"),
                       ("DashScope-Intl.aliyuncs.com:443", "https://dashscope-result-sgp.oss-ap-southeast-1.aliyuncs.com/"),
                       ("dashscope-us.aliyuncs.com", own.split("/")[0] + "//" + own.split("/")[2] + "/")):
        url = answer(f"/api/v1/tasks/{task_id}", host)["output"]["video_url"]
        assert url.startswith(root), (host, url)
        assert url.split("?")[0].endswith(own.split("?")[0].split("/", 3)[3])  # the same object, same signature
    policy = answer("/api/v1/uploads?action=getPolicy&model=wan2.2-i2v-flash", "dashscope.aliyuncs.com")["data"]
    assert policy["upload_host"] == "https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com/__oss/upload"
    intl = answer("/api/v1/uploads?action=getPolicy&model=wan2.2-i2v-flash", "dashscope-intl.aliyuncs.com")["data"]
    assert intl["upload_host"].endswith("/__oss/upload") and "file-mgr" not in intl["upload_host"]


def test_the_spec_names_every_gateway_host_the_official_sdk_knows() -> None:
    from urllib.parse import urlsplit

    from dashscope.v2 import _config

    from mockserver.spec.document import load_spec

    # the shared gateways of every region (the 1.x default, dashscope.aliyuncs.com, is Beijing's)
    known = {urlsplit(url).hostname for url in _config.LEGACY_GATEWAY_HOSTS.values()}
    assert "dashscope.aliyuncs.com" in known
    hosts = ServiceHosts.from_doc(load_spec().doc)
    assert known <= hosts.api, known - hosts.api
    assert all(hosts.covers(h) for h in known)


def test_without_a_ca_https_to_the_names_is_refused_not_leaked(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from mockserver.ingress import intercept as module
    from mockserver.spec.document import load_spec
    from mockserver.testing.runner import Switchboard

    def no_folder() -> LocalCA:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(module, "fixture_ca", no_folder)
    fake = types.SimpleNamespace(socket=types.SimpleNamespace(board=Switchboard()),
                                 twin=types.SimpleNamespace(spec=load_spec()))
    with pytest.warns(UserWarning, match="cannot make the local CA .*https:// calls to DashScope's hosts are refused"):
        session = module._Session(fake)  # type: ignore[arg-type]
    interception = Interception(session.hosts, None, session.tls_address, ("127.0.0.1", 9))
    interception.install()
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(API + "/tasks/x", timeout=5)
        assert ssl.SSLContext.wrap_socket.__qualname__ == "SSLContext.wrap_socket"  # trust left alone
    finally:
        interception.uninstall()
