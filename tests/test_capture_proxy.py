"""Capture through the interception proxy (docs/capture.md, docs/interception.md): the official SDK, with only
proxy and CA variables and the real host name, is answered by the upstream through a recording twin, and every
exchange lands in the cassette with no secret in it. The upstream is a second twin; the real service's own file
hosts are the upstream's only when `--upstream` is that service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mockserver.capture.cassette import load
from mockserver.capture.exchange import Request
from mockserver.capture.upstream import Upstream
from mockserver.ingress.ca import LocalCA
from mockserver.spec.document import load_document
from mockserver.spec.hosts import ServiceHosts
from mockserver.testing import MockServer, free_port
from tests.health import served

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
KEY = "sk-capture-through-the-proxy-0123456789"
RESULT_HOST = "dashscope-result-bj.oss-cn-beijing.aliyuncs.com"

SDK_SCRIPT = """
from dashscope import VideoSynthesis
rsp = VideoSynthesis.call(model="wan2.2-t2v-plus", prompt="a cat", size="832*480")
assert rsp.status_code == 200, rsp
assert rsp.output.task_status == "SUCCEEDED", rsp
print(rsp.output.task_id)
"""


def _hosts() -> ServiceHosts:
    return ServiceHosts.from_doc(load_document())


def test_the_real_services_file_hosts_are_forwarded_only_when_the_upstream_is_that_service() -> None:
    real = Upstream("https://dashscope.aliyuncs.com/api/v1", hosts=_hosts())
    assert real.target(Request("GET", "/x.mp4", headers=[("host", RESULT_HOST)])) == f"https://{RESULT_HOST}"
    assert real.target(Request("GET", "/api/v1/tasks/t", headers=[("host", "dashscope.aliyuncs.com")])) \
        == "https://dashscope.aliyuncs.com"
    assert real.target(Request("GET", "/x", headers=[("host", "example.com")])) == "https://dashscope.aliyuncs.com"
    other = Upstream("http://127.0.0.1:9", hosts=_hosts())  # a test upstream: every request goes to it
    assert other.target(Request("GET", "/x.mp4", headers=[("host", RESULT_HOST)])) == "http://127.0.0.1:9"


def test_the_sdk_through_the_proxy_is_recorded_whole_and_without_secrets(tmp_path: Path) -> None:
    with MockServer(time_scale=20, log_requests=False, record=True) as upstream:
        port, proxy_port, tls_port = free_port(), free_port(), free_port()
        cassettes, ca_dir = tmp_path / "cassettes", tmp_path / "ca"
        argv = [COMMAND, "serve", "--port", str(port), "--proxy-port", str(proxy_port), "--tls-port",
                str(tls_port), "--ca-dir", str(ca_dir), "--upstream", upstream.url, "--record", str(cassettes)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_") and "PROXY" not in k.upper()}
        with served(argv, f"http://127.0.0.1:{port}", tmp_path / "serve.log", env=env):
            bundle = str(LocalCA(ca_dir).bundle_path)
            sdk_env = {**env, "HTTPS_PROXY": f"http://127.0.0.1:{proxy_port}", "SSL_CERT_FILE": bundle,
                       "REQUESTS_CA_BUNDLE": bundle, "DASHSCOPE_API_KEY": KEY}
            done = subprocess.run([sys.executable, "-c", SDK_SCRIPT], capture_output=True, text=True, timeout=60,
                                  env=sdk_env)
            assert done.returncode == 0, done.stderr
        exchanges = load(cassettes)
        assert len(exchanges) == len(upstream.requests) >= 2  # the create and every poll, nothing missed
        assert exchanges[0]["kind"] == "create" and exchanges[-1]["kind"] == "query"
        assert exchanges[0]["request"]["headers"].get("host") in (None, "dashscope.aliyuncs.com")
        assert {e["task_id"] for e in exchanges} == {done.stdout.strip()}
    text = "".join(p.read_text() for p in cassettes.rglob("*.jsonl"))
    assert KEY not in text and KEY[3:] not in text
