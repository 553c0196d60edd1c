"""`dairly preview` in a real browser: the system's headless Chromium, driven by Playwright
(never a browser of Playwright's own), opens the served README of a generated repository,
expands a year and a month of the history tree by clicking, follows a link to its note,
sees the pictures load and the missing one listed, and sees the note reload when its
file changes. The screenshot is kept in build/test-artifacts/ (DAIRLY_TEST_ARTIFACTS
names another folder); DAIRLY_UPDATE_DOCS=1 also copies it to docs/preview.png.

In CI (CI=true) a missing Chromium fails the test: it is never skipped there."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.test_preview import PNG, preview_repo

CHROMIUM = os.environ.get("DAIRLY_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parent.parent


def _browser_or_skip() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package"
    else:
        missing = "" if os.access(CHROMIUM, os.X_OK) else CHROMIUM
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{missing} is missing: CI must run the browser test (.ci/run installs chromium)")
    if missing:
        pytest.skip(f"{missing} is missing (apt-get install chromium)")


def test_the_served_readme_in_a_real_browser(tmp_path, git, dairly):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    from dairly.webview.server import PreviewServer

    root = preview_repo(tmp_path, git, dairly)
    (root / "notes" / "202109" / "0928.md").write_text(
        "# 学习笔记（2021.9.28）\n\n------\n\n\n\n## :paperclip:  今日要点\n\n"
        "1. [An article](https://example.com/a)         :star:\n"
        "   - Demo: ![the picture](../../assets/pic.png)\n\n"
        "## :paperclip:  Others\n\n- footer\n",
        encoding="utf-8",
    )
    server = PreviewServer(str(root), "README.md", "light")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    statuses: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1000, "height": 900})
            context.on("response", lambda response: statuses.__setitem__(response.url, response.status))
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(server.url)
            assert page.locator("h1").first.inner_text() == "my_notes"
            # The promoted note's picture loads; its missing one is marked and listed.
            assert page.locator('img[src="assets/pic.png"]').evaluate("img => img.naturalWidth") == 1
            assert page.locator("img.dairly-missing").get_attribute("src") == "assets/missing.png"
            assert page.locator(".dairly-broken li").all_inner_texts() == [
                "assets/missing.png (picture; no file assets/missing.png)"
            ]
            # The tree: closed until a year, then a month, is clicked open.
            link = page.get_by_role("link", name="学习笔记（2021.9.28）")
            assert not link.is_visible()
            page.locator("summary", has_text="2021年").click()
            page.locator("summary", has_text="9月").click()
            assert link.is_visible()
            page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
            with context.expect_page() as opened:  # the tree's links open a tab, as on GitHub
                link.click()
            note = opened.value
            note.wait_for_load_state()
            assert statuses[server.url + "notes/202109/0928.md"] == 200
            assert note.locator("h1").inner_text() == "学习笔记（2021.9.28）"
            assert note.locator('img[alt="the picture"]').evaluate("img => img.complete && img.naturalWidth") == 1
            # The page reloads when its file changes.
            path = root / "notes" / "202109" / "0928.md"
            path.write_text(path.read_text(encoding="utf-8").replace("学习笔记", "改过的笔记"), encoding="utf-8")
            note.locator("h1", has_text="改过的笔记（2021.9.28）").wait_for(
                timeout=60_000
            )  # ms: a hang guard; the page polls twice a second
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    artifacts = Path(os.environ.get("DAIRLY_TEST_ARTIFACTS") or PROJECT / "build" / "test-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "preview.png", artifacts / "preview.png")
    if os.environ.get("DAIRLY_UPDATE_DOCS") == "1":
        shutil.copyfile(tmp_path / "preview.png", PROJECT / "docs" / "preview.png")
    assert (tmp_path / "preview.png").read_bytes()[:8] == PNG[:8]
