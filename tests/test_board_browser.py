"""The board and /docs in a real browser: Debian's Chromium driven by Playwright (no browser download).

A twin on a socket; tasks created with the official SDK appear on the board and change state live; the clock is
advanced from the page; the task page draws the timeline with every poll and plays the video; /docs renders both
API documents; every request any page made went to the twin. Screenshots land in build/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.testing import MockServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILD = Path(__file__).resolve().parent.parent / "build"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MODEL = "wan2.2-t2v-plus"

pytestmark = pytest.mark.system_package("chromium")  # skipped without it (failed in CI): tests/system_packages.py


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the module's tests (a launch costs seconds); each test opens its own pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium") / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1360, "height": 860})
        try:
            yield context
        finally:
            context.close()


def test_board_live_task_page_and_docs(browser: Any) -> None:
    from dashscope import VideoSynthesis

    BUILD.mkdir(exist_ok=True)
    with MockServer(frozen=True, start_time=1_800_000_000.0) as m:
        m.activate()
        seen: list[str] = []
        page = browser.new_page()
        page.on("request", lambda r: seen.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(m.url + "/")
        assert page.url == m.url + "/__mock/ui"
        page.wait_for_selector("#tasks tr.empty")

        # queue a time-based scenario from the page, then create two tasks with the official SDK
        page.fill('input[name="scenario"]', "pending:5s,running:5s,succeeded")
        page.fill('input[name="model"]', MODEL)
        page.fill('input[name="times"]', "2")
        page.click('form[data-action="POST /__mock/scenarios"] button')
        page.wait_for_selector("#scenarios code >> text=pending:5s,running:5s,succeeded")
        ids = []
        for prompt in ("a cat on a piano", "a dog on a skateboard"):
            rsp = VideoSynthesis.async_call(model=MODEL, prompt=prompt, size="832*480")
            assert rsp.status_code == 200, rsp
            ids.append(rsp.output.task_id)
        for task_id in ids:  # they appear without a reload, newest first
            page.wait_for_selector(f'#tasks tr[data-task="{task_id}"] .s-pending', timeout=5000)
        assert page.eval_on_selector_all("#tasks tr[data-task]", "rows => rows.map(r => r.dataset.task)") == ids[::-1]
        assert m.http.get("/__mock/scenarios").json() == {"scenarios": []}

        first = ids[0]
        VideoSynthesis.fetch(first)  # polls at +0 and +0: the second is too early
        VideoSynthesis.fetch(first)

        # advance from the page: PENDING -> RUNNING -> SUCCEEDED, shown live
        page.fill('input[name="advance"]', "6")
        page.click('form[data-action="POST /__mock/clock"] >> text=Advance')
        page.wait_for_selector(f'#tasks tr[data-task="{first}"] .s-running', timeout=5000)
        VideoSynthesis.fetch(first)
        page.fill('input[name="advance"]', "6")
        page.click('form[data-action="POST /__mock/clock"] >> text=Advance')
        page.wait_for_selector(f'#tasks tr[data-task="{first}"] .s-succeeded', timeout=5000)
        assert m.twin.clock.now() == pytest.approx(1_800_000_012.0)
        VideoSynthesis.fetch(first)  # the terminal poll
        VideoSynthesis.fetch(first)  # one too many: after a terminal state

        page.fill("#filter", "no-such-model")  # answered by the server, as you type
        page.wait_for_selector("#tasks tr.empty", timeout=5000)
        assert "q=no-such-model" in page.url
        page.fill("#filter", "")
        page.wait_for_selector(f'#tasks tr[data-task="{first}"]', timeout=5000)
        page.screenshot(path=str(BUILD / "board.png"))

        # the task page: plan, timeline with each poll marked, the result video, the journal
        page.click(f'a[href="/__mock/ui/tasks/{first}"]')
        page.wait_for_selector("svg.timeline")
        polls = page.eval_on_selector_all("svg.timeline circle.poll", "cs => cs.map(c => c.getAttribute('class'))")
        assert polls == ["poll ok", "poll early", "poll ok", "poll ok", "poll read"]  # a read after the end is no fault
        assert page.locator("#journal tbody tr").count() == 5
        assert "queue wait" in page.inner_text(".plan") and "5.0 s" in page.inner_text(".plan")
        page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1 }",
                               timeout=10000)
        duration = page.eval_on_selector("video", "v => v.duration")
        assert duration > 1
        page.screenshot(path=str(BUILD / "task.png"), full_page=True)

        # /docs renders both documents from the twin's own assets
        page.goto(m.url + "/docs")
        page.wait_for_selector(".opblock", timeout=15000)
        assert "this twin" in page.inner_text(".servers")
        page.goto(m.url + "/docs?api=admin")
        page.wait_for_selector(".opblock-summary-path >> text=/clock", timeout=15000)

        assert errors == []
        foreign = [u for u in seen if not u.startswith(m.url + "/") and not u.startswith("data:")]
        assert foreign == []
        assert any("/__mock/ui/static/board.js" in u for u in seen) and any(".mp4" in u for u in seen)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_board_layout_at_800_and_1400_px(browser: Any) -> None:
    """Issue 23 item 6: panels never cover the table, the result JSON stays on the page, a short task's timeline is
    not a sliver, accounts and prompts are readable, and ordinary reads are not flagged."""
    key = "sk-layout-test-9c1d"
    prompt = "a lighthouse on a cliff at dusk, waves breaking below, seen from a boat " * 3
    with MockServer(frozen=True, start_time=1_800_000_000.0) as m:
        auth = {"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable"}
        create = m.url + "/api/v1/services/aigc/video-generation/video-synthesis"
        import httpx

        for _ in range(3):
            r = httpx.post(create, json={"model": MODEL, "input": {"prompt": prompt}}, headers=auth)
        task_id = r.json()["output"]["task_id"]
        m.advance(30)
        read = httpx.get(f"{m.url}/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"}).json()
        m.advance(3600)  # an hour later: the app reads the result again and downloads it
        httpx.get(f"{m.url}/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"})
        assert httpx.get(read["output"]["video_url"]).status_code == 200
        httpx.get(f"{m.url}/__mock/tasks/{task_id}")  # an admin read
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        for width in (800, 1400):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(m.url + "/__mock/ui")
            page.wait_for_selector(f'#tasks tr[data-task="{task_id}"]')
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the page
            table = page.locator("#task-table").bounding_box()
            assert table["x"] + table["width"] <= width  # the whole table is in the window, no column hidden
            for i in range(page.locator("aside .panel").count()):
                assert not _overlap(table, page.locator("aside .panel").nth(i).bounding_box()), width
            row = page.locator(f'#tasks tr[data-task="{task_id}"]')
            assert row.locator("td.account").inner_text().startswith("sk-…9c1d") and key not in page.content()
            assert row.locator("td.prompt").inner_text().startswith("a lighthouse on a cliff")
            if width == 1400:
                page.screenshot(path=str(BUILD / "board.png"))
            page.goto(f"{m.url}/__mock/ui/tasks/{task_id}")
            page.wait_for_selector("svg.timeline")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            pre = page.locator("#result pre").bounding_box()
            assert pre["x"] + pre["width"] <= width
            assert "lighthouse on a cliff" in page.inner_text(".plan")
            svg = page.locator("svg.timeline").bounding_box()
            running = page.locator("svg.timeline rect.b-running").bounding_box()
            assert running["width"] > svg["width"] * 0.3  # 30 s of the task, not a sliver of an hour
            kinds = page.eval_on_selector_all("svg.timeline circle.poll", "cs => cs.map(c => c.getAttribute('class'))")
            assert kinds == ["poll ok", "poll read"]  # the read an hour later; the admin read and download: none
            if width == 1400:
                page.screenshot(path=str(BUILD / "board-task.png"), full_page=True)
        assert errors == []
