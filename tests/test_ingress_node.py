"""Node's fetch, which ignores proxy variables, reaches the twin's TLS listener as `https://dashscope.aliyuncs.com`
through a hosts entry and NODE_EXTRA_CA_CERTS (the compose form of docs/interception.md, on one machine): create,
poll to SUCCEEDED, download the result over https, and the upload flow to the upload host the policy names.

The hosts entry needs a private mount namespace (`unshare --mount`, bind-mounting a hosts file over /etc/hosts)
and the listener port 443: both need root. `make test` installs Debian's nodejs when it is missing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.formats import png
from mockserver.testing import free_port
from tests.health import served

COMMAND = str(Path(sys.executable).parent / "dashscope-mock")
NAMES = ("dashscope.aliyuncs.com", "dashscope-result-bj.oss-cn-beijing.aliyuncs.com",
         "dashscope-file-mgr.oss-cn-beijing.aliyuncs.com")

SCRIPT = r"""
import { readFileSync } from "node:fs";
const api = "https://dashscope.aliyuncs.com/api/v1";
const auth = { Authorization: "Bearer sk-node" };
const create = await fetch(api + "/services/aigc/video-generation/video-synthesis", {
  method: "POST", headers: { ...auth, "X-DashScope-Async": "enable", "Content-Type": "application/json" },
  body: JSON.stringify({ model: "wan2.2-t2v-plus", input: { prompt: "a cat" }, parameters: { size: "832*480" } }),
});
const taskId = (await create.json()).output.task_id;
let body;
for (let i = 0; i < 150; i++) {
  body = await (await fetch(`${api}/tasks/${taskId}`, { headers: auth })).json();
  if (body.output.task_status !== "PENDING" && body.output.task_status !== "RUNNING") break;
  await new Promise((done) => setTimeout(done, 100));
}
const video = new Uint8Array(await (await fetch(body.output.video_url)).arrayBuffer());
const policy = (await (await fetch(`${api}/uploads?action=getPolicy&model=wan2.2-i2v-flash`, { headers: auth }))
  .json()).data;
const form = new FormData();
const key = policy.upload_dir + "/first.png";
for (const [name, value] of [["OSSAccessKeyId", policy.oss_access_key_id], ["Signature", policy.signature],
    ["policy", policy.policy], ["key", key], ["x-oss-object-acl", policy.x_oss_object_acl],
    ["x-oss-forbid-overwrite", policy.x_oss_forbid_overwrite], ["success_action_status", "200"]]) {
  form.append(name, value);
}
form.append("file", new Blob([readFileSync(process.argv[2])], { type: "image/png" }), "first.png");
const upload = await fetch(policy.upload_host, { method: "POST", body: form });
const i2v = await fetch(api + "/services/aigc/video-generation/video-synthesis", {
  method: "POST", headers: { ...auth, "X-DashScope-Async": "enable", "X-DashScope-OssResourceResolve": "enable",
    "Content-Type": "application/json" },
  body: JSON.stringify({ model: "wan2.2-i2v-flash", input: { prompt: "a cat", img_url: "oss://" + key },
    parameters: { resolution: "480P" } }),
});
console.log(JSON.stringify({ status: body.output.task_status, url: body.output.video_url,
  ftyp: new TextDecoder().decode(video.slice(4, 8)), uploadHost: policy.upload_host, upload: upload.status,
  i2v: i2v.status }));
"""


def _usable() -> str | None:
    """Why this machine cannot run the test, or None."""
    if os.geteuid() != 0:
        return "needs root: a private mount namespace for the hosts entry, and port 443"
    if shutil.which("unshare") is None:
        return "needs unshare (util-linux)"
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        return "unshare --mount is not permitted here (no CAP_SYS_ADMIN)"
    return None


@pytest.mark.system_package("nodejs")  # skipped without it (failed in CI): tests/system_packages.py
def test_node_fetch_reaches_the_tls_listener_as_the_real_host(tmp_path: Path) -> None:
    why = _usable()
    if why is not None:
        pytest.skip(why)
    node = shutil.which("node") or shutil.which("nodejs")
    assert node is not None
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    port = free_port(address)
    ca_dir = tmp_path / "ca"
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n" + "".join(f"{address} {n}\n" for n in NAMES))
    (tmp_path / "fetch.mjs").write_text(SCRIPT)
    (tmp_path / "first.png").write_bytes(png.image(1024, 768, (10, 20, 30)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_") and "proxy" not in k.lower()}
    argv = [COMMAND, "serve", "--host", address, "--port", str(port), "--tls-port", "443", "--ca-dir", str(ca_dir),
            "--time-scale", "20", "-q"]
    with served(argv, f"http://{address}:{port}", tmp_path / "serve.log", env=env):
        done = subprocess.run(
            ["unshare", "--mount", "--", "sh", "-c", 'mount --bind "$1" /etc/hosts && exec "$2" "$3" "$4"', "sh",
             str(tmp_path / "hosts"), node, str(tmp_path / "fetch.mjs"), str(tmp_path / "first.png")],
            capture_output=True, text=True, timeout=60, env={**env, "NODE_EXTRA_CA_CERTS": str(ca_dir / "ca.pem")})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "SUCCEEDED" and result["ftyp"] == "ftyp"
    assert result["url"].startswith("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/")
    assert result["uploadHost"].startswith("https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com/")
    assert result["upload"] == 200 and result["i2v"] == 200
