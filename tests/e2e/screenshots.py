"""The README's screenshots, taken from the demo data in a real browser at 1366x768:

.venv/bin/python -m tests.e2e.screenshots      # writes docs/img/{queue,call,dashboard}.png
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from tests.e2e.demo import VIEWPORTS, serve_demo
from tests.factories import REPO
from tests.web.conftest import PASSWORD

OUT = REPO / "docs" / "img"
PAGES = {
    "queue": ("qa", "/"),
    "call": ("qa", "/calls/{top}"),
    "dashboard": ("manager", "/manage/dashboard"),
}


def main() -> int:
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from inspector.store.models import Call

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site_iter = serve_demo(Path(tmp))
        site = next(site_iter)
        with site.sessions() as session:
            top = session.scalar(
                select(Call.id).where(Call.is_current).order_by(Call.queue_priority, Call.id.desc())
            )
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, (username, path) in PAGES.items():
            page = browser.new_context(viewport=VIEWPORTS["1366x768"]).new_page()
            page.goto(f"{site.url}/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r".*/$"))
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
