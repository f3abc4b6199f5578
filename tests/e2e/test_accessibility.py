"""Issue 20: an automated accessibility check (axe-core, vendored from npm by run.sh into
.cache/npm) on the pages people use all day, on the demo data: the review queue, the call page,
the appeals list, the clip library, the playlists and the managers' dashboard and satisfaction
pages report no serious or critical violation of WCAG 2.1 A/AA. Each page's report is saved to
artifacts/e2e/axe/ (CI keeps it with the screenshots).
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.demo import open_as, top_call
from tests.e2e.test_browser import SHOTS, pytestmark  # noqa: F401
from tests.factories import REPO

AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = SHOTS / "axe"
SERIOUS = {"serious", "critical"}


def signed_in_page(chromium, demo, username: str):  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: ./run.sh setup vendors axe-core from npm")
    return open_as(chromium, demo.url, username)


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
def test_no_serious_accessibility_violation(chromium, demo, username, name, path) -> None:
    page = signed_in_page(chromium, demo, username)
    page.goto(demo.url + path.format(top=top_call(demo.sessions)))
    page.wait_for_load_state("networkidle")
    serious = audit(page, name)
    page.context.close()
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)


def test_the_check_bites(chromium, demo) -> None:
    """An unlabelled control and an image without text, added to a real page, are reported."""
    page = signed_in_page(chromium, demo, "qa")
    assert page.locator("a[href^='/calls/']").count() >= 30  # the demo's calls are all there
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\"/favicon.ico\"><select><option>x</option></select>')"
    )
    found = {v["id"] for v in audit(page, "probe")}
    page.context.close()
    assert {"image-alt", "select-name"} <= found
