"""Issue 20: an automated accessibility check (axe-core, vendored from npm by run.sh into
.cache/npm) on the pages people use all day, on the demo data: the review queue, the call page,
the appeals list, the clip library, the playlists and the managers' dashboard and satisfaction
pages report no serious or critical violation of WCAG 2.1 A/AA. Each page's report is saved to
artifacts/e2e/axe/ (CI keeps it with the screenshots).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.demo import VIEWPORTS, serve_demo
from tests.e2e.test_browser import CHROMIUM, SHOTS, pytestmark  # noqa: F401
from tests.factories import REPO
from tests.web.conftest import PASSWORD

AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = SHOTS / "axe"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def module_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def signed_in_page(chromium, demo, username: str):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: ./run.sh setup vendors axe-core from npm")
    context = chromium.new_context(viewport=VIEWPORTS["1366x768"])
    page = context.new_page()
    page.goto(f"{demo.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def audit(page, name: str) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    # evaluated through the DevTools protocol: the page's script-src policy does not apply
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
    )
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def top_call(demo) -> int:
    from sqlalchemy import select

    from inspector.store.models import Call

    with demo.sessions() as session:
        return session.scalar(
            select(Call.id).where(Call.is_current).order_by(Call.queue_priority, Call.id.desc())
        )


@pytest.mark.parametrize(
    ("username", "name", "path"),
    [
        ("qa", "queue", "/"),
        ("qa", "call", "/calls/{top}"),
        ("lead", "appeals", "/appeals"),
        ("trainer", "clips", "/clips"),
        ("trainer", "playlists", "/playlists"),
        ("manager", "dashboard", "/manage/dashboard"),
        ("manager", "satisfaction", "/manage/satisfaction"),
        ("agent", "agent-queue", "/"),
    ],
)
def test_no_serious_accessibility_violation(module_browser, demo, username, name, path) -> None:
    page = signed_in_page(module_browser, demo, username)
    page.goto(demo.url + path.format(top=top_call(demo)))
    page.wait_for_load_state("networkidle")
    serious = audit(page, name)
    page.context.close()
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)


def test_the_check_bites(module_browser, demo) -> None:
    """An unlabelled control and an image without text, added to a real page, are reported."""
    page = signed_in_page(module_browser, demo, "qa")
    assert page.locator("a[href^='/calls/']").count() >= 30  # the demo's calls are all there
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\"/favicon.ico\"><select><option>x</option></select>')"
    )
    found = {v["id"] for v in audit(page, "probe")}
    page.context.close()
    assert {"image-alt", "select-name"} <= found
