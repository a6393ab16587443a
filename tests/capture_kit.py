"""Rigs for the capture, diff and replay tests: a twin in front of a second twin made to drift on purpose.

The upstream is another in-process twin (no network): `--message-suffix`, another profile, or a small spec overlay
(a renamed result field, an added status). Its result and upload URLs name the capturing twin, as the real
service's would reach it through the proxy, so downloads and uploads go through the capture too.

`python -m tests.capture_kit docs/capture-sample.md` writes the sample diff report docs/capture.md shows, and
`python -m tests.capture_kit docs/board-diff.png` the screenshot of the board's diff page.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from mockserver.capture.modes import Modes
from mockserver.settings import Settings
from mockserver.spec.document import load_document
from mockserver.testing import DashScopeMock
from mockserver.testing.handle import IN_PROCESS_URL
from mockserver.testing.transport import AsyncMockTransport

T2V = "wan2.2-t2v-plus"
ROUTE = "/api/v1/services/aigc/video-generation/video-synthesis"
KEY = "sk-capture-0042-do-not-record"
UPSTREAM = "http://upstream.test"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")


def overlay(directory: Path, model: str, *, field: str | None = None, phases: dict[str, int] | None = None) -> Path:
    """A copy of the spec where `model`'s family renames its result field or runs through other phases."""
    doc = copy.deepcopy(load_document())
    for schema in doc["components"]["schemas"].values():
        ext = schema.get("x-dashscope-model")
        if ext and model in ext.get("names", []):
            if field is not None:
                ext["output"]["field"] = field
            if phases is not None:
                ext["timing"] = {**ext["timing"], "phases": phases}
    path = directory / "overlay.json"  # JSON is YAML: the twin loads it like its own spec
    path.write_bytes(orjson.dumps(doc))
    return path


@dataclass
class Rig:
    """The upstream twin and the twin in front of it (capturing, comparing or both)."""

    upstream: DashScopeMock
    twin: DashScopeMock

    def close(self) -> None:
        """Close both handles."""
        self.twin.close()
        self.upstream.close()


def rig(*, record: Path | None = None, diff: bool = False, media: bool = False, profile: str = "dev",
        socket: Any = None, url: str = IN_PROCESS_URL, **upstream: Any) -> Rig:
    """A twin forwarding to an upstream twin built with `profile` and `upstream` settings (both frozen)."""
    up = DashScopeMock(Settings.for_profile(profile, result_host=url, upload_host=url, frozen=True, **upstream),
                       api_key=KEY)
    client = httpx.AsyncClient(transport=AsyncMockTransport(up.app))
    twin = DashScopeMock(Settings.for_profile("dev", result_host=url, frozen=True), api_key=KEY, socket=socket,
                         modes=Modes(upstream=UPSTREAM, record=record, record_media=media, diff=diff),
                         upstream_client=client)
    return Rig(up, twin)


def replayer(cassette: Path, socket: Any = None, url: str = IN_PROCESS_URL, by: str = "polls") -> DashScopeMock:
    """A fresh twin answering from `cassette` (another key than the capture's: nothing ties replay to it)."""
    mock = DashScopeMock(Settings.for_profile("dev", result_host=url, frozen=True), api_key="sk-replay-1",
                         socket=socket, modes=Modes(replay=cassette, replay_by=by))
    _UPSTREAMS[id(mock)] = mock
    return mock


def seen(reply: httpx.Response) -> tuple[Any, ...]:
    """What a client sees of an answer: status, code, message, task status and the output's field set."""
    body = reply.json()
    output = body.get("output") or {}
    return (reply.status_code, body.get("code") or output.get("code"), body.get("message") or output.get("message"),
            output.get("task_status"), tuple(sorted(output)))


def flow(mock: DashScopeMock, scenario: str | None = None, body: dict[str, Any] | None = None, *,
         cancel: bool = False, step: float = 0.0, max_polls: int = 12) -> list[tuple[Any, ...]]:
    """Create a T2V task and poll it to its end (cancelling it first if asked): what the client saw, in order.
    `step` advances the upstream-facing clock of `mock` between polls (time-based plans)."""
    headers = mock.headers(asynchronous=True)
    if scenario:
        headers["X-Mock-Scenario"] = scenario
    created = mock.http.post(ROUTE, json=body or mock.twin.spec.example_body(T2V), headers=headers)
    out = [seen(created)]
    if created.status_code != 200:
        return out
    task_id = created.json()["output"]["task_id"]
    if cancel:
        out.append(seen(mock.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=mock.headers())))
    for _ in range(max_polls):
        poll = mock.http.get(f"/api/v1/tasks/{task_id}", headers=mock.headers())
        out.append(seen(poll))
        if poll.json()["output"]["task_status"] in TERMINAL:
            break
        if step:
            step_clock(mock, step)
    return out


_UPSTREAMS: dict[int, DashScopeMock] = {}


def step_clock(mock: DashScopeMock, seconds: float) -> None:
    """Advance the clock of `mock` and of the upstream registered for it (see `with_clock`)."""
    mock.advance(seconds)
    if _UPSTREAMS[id(mock)] is not mock:
        _UPSTREAMS[id(mock)].advance(seconds)


def with_clock(r: Rig) -> Rig:
    """Let `flow(..., step=)` advance `r`'s upstream clock between polls."""
    _UPSTREAMS[id(r.twin)] = r.upstream
    return r


def drifted_run(directory: Path, socket: Any = None, url: str = IN_PROCESS_URL) -> Rig:
    """A diff rig whose upstream renamed a result field, adds a status and ends its messages with the doc link,
    after a short run (a task polled to its end, a refused create). The caller closes it."""
    spec = overlay(directory, T2V, field="video_uri", phases={"PRE-PROCESSING": 1, "RUNNING": 4})
    r = with_clock(rig(diff=True, spec_path=spec, message_suffix=True, socket=socket, url=url))
    flow(r.twin, "pending:1s,running:10s,succeeded", step=2.5)
    flow(r.twin, body={"model": T2V, "input": {"prompt": "a cat"}, "parameters": {"size": "1*1"}})
    return r


def sample_report(directory: Path) -> str:
    """The Markdown diff report of `drifted_run`: what docs/capture-sample.md shows."""
    from mockserver.capture.report import markdown

    r = drifted_run(directory)
    try:
        text = markdown(r.twin.twin.diffs.view(), "dashscope-mock serve --upstream https://dashscope.aliyuncs.com "
                                                   "--diff")
    finally:
        r.close()
    return "\n".join(line for line in text.split("\n") if not line.startswith("| run |"))


def board_screenshot(directory: Path, target: Path) -> None:
    """A screenshot of the board's diff page after `drifted_run` (Debian's Chromium through Playwright)."""
    from playwright.sync_api import sync_playwright

    from mockserver.testing.runner import ThreadedServer, listening_socket

    sock = listening_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    r = drifted_run(directory, url=url)
    server = ThreadedServer(r.twin.app, sock)
    server.start()
    browser_args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=browser_args)
            page = browser.new_page(viewport={"width": 1360, "height": 640})
            page.goto(f"{url}/__mock/ui/diff")
            page.screenshot(path=str(target), full_page=True)
            browser.close()
    finally:
        server.close()
        r.close()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        if sys.argv[1].endswith(".png"):
            board_screenshot(Path(tmp), Path(sys.argv[1]))
        else:
            Path(sys.argv[1]).write_text(sample_report(Path(tmp)), encoding="utf-8")
