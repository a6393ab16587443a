"""The env-only path: a fresh interpreter whose only configuration is DASHSCOPE_HTTP_BASE_URL and
DASHSCOPE_API_KEY drives both SDK surfaces against the mock (the 1.x surface reads them at import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mockserver.pytest_plugin import DashScopeMock

SCRIPT = """
import json
import dashscope
from dashscope import VideoSynthesis

args = dict(model="wan2.2-t2v-plus", prompt="configured by the environment only", size="832*480")
v1 = VideoSynthesis.call(**args)
client = dashscope.Client()
job = client.videos.jobs.create(**args)
v2 = client.videos.jobs.wait(job.task_id)
print(json.dumps({"v1": [v1.status_code, v1.output.task_status, v1.output.task_id],
                  "v2": [v2.status, v2.task_id],
                  "bases": [dashscope.base_http_api_url, client.config.base_url]}))
"""


def test_sdk_configured_by_environment_only(dashscope_mock: DashScopeMock, tmp_path: Path) -> None:
    # tasks finish at once, so neither surface sleeps in the child (its sleeps are real)
    dashscope_mock.queue_scenario("pending:0s,succeeded", times=2)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),  # no ~/.dashscope config or key file
           "DASHSCOPE_HTTP_BASE_URL": dashscope_mock.base_url, "DASHSCOPE_API_KEY": "sk-env-only"}
    child = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=False)
    assert child.returncode == 0, child.stderr
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["bases"] == [dashscope_mock.base_url, dashscope_mock.base_url]
    assert seen["v1"][:2] == [200, "SUCCEEDED"]
    assert seen["v2"][0] == "SUCCEEDED"
    assert set(dashscope_mock.task_ids("sk-env-only")) == {seen["v1"][2], seen["v2"][1]}
    assert {r.headers["user-agent"].split("/")[0] for r in dashscope_mock.requests} == {
        "dashscope", "dashscope-v2-python"}
