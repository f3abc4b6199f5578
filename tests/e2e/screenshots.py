"""The README's screenshots, taken from the demo data in a real browser at 1366x768:

.venv/bin/python -m tests.e2e.screenshots      # writes docs/img/{queue,call,dashboard}.png
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.e2e.demo import open_as, serve_demo, top_call
from tests.factories import REPO

OUT = REPO / "docs" / "img"
PAGES = {
    "queue": ("qa", "/"),
    "call": ("qa", "/calls/{top}"),
    "dashboard": ("manager", "/manage/dashboard"),
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site_iter = serve_demo(Path(tmp))
        site = next(site_iter)
        top = top_call(site.sessions)
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, (username, path) in PAGES.items():
            page = open_as(browser, site.url, username)
            page.goto(site.url + path.format(top=top))
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # charts and the waveform finish drawing
            page.screenshot(path=str(OUT / f"{name}.png"))
            page.context.close()
            print(OUT / f"{name}.png")
        browser.close()
        site_iter.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
