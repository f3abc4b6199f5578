"""The review UI in a real headless browser (Playwright driving Debian's chromium).

qa opens the top flagged call at 1366x768 (the workspace fits: no page scrolling), seeks by a
sentence and by a timeline marker, confirms every flagged verdict with one click each and saves
and moves on to the next call; the agent appeals; the qa_lead decides at the top of the call
page. Screenshots of each page go to artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.factories import REPO

pytestmark = [
    pytest.mark.slow,
    # werkzeug's development server leaves a file response open when the browser drops the
    # connection mid-stream (the player's range requests as a page navigates away): its
    # ResourceWarning is the test server's, not the application's
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = REPO / "artifacts" / "e2e"

if CHROMIUM is None:
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise RuntimeError("chromium is required (apt-get install chromium)")
    pytest.skip("no chromium on this machine (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def server(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through CSRF like a user
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@contextmanager
def launched_chromium():  # type: ignore[no-untyped-def]
    """Debian's chromium driven by Playwright (media may play without a click)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield b
        b.close()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    with launched_chromium() as b:
        yield b


def log_in(page, base: str, username: str):  # type: ignore[no-untyped-def]
    """Sign `page` in through the login form as one of tests/web/conftest.py's users."""
    from tests.web.conftest import PASSWORD

    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def sign_in(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    return log_in(browser.new_page(), base, username)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def score(page) -> float:
    return float(page.inner_text("#final-score"))


def no_page_scroll(page) -> None:
    """The workspace fits the window: only its panes scroll, never the document."""
    page.wait_for_selector("#transcript .seg")
    page.wait_for_load_state("load")  # the stylesheets applied
    height, inner = page.evaluate("[document.scrollingElement.scrollHeight, innerHeight]")
    assert height <= inner + 2, (height, inner)
    for pane in ("#transcript", "#verdicts"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{pane}')).overflowY") == (
            "auto"
        )


def test_review_and_appeal_in_a_browser(server, browser) -> None:
    qa = sign_in(browser, server, "qa")
    qa.set_viewport_size({"width": 1366, "height": 768})
    shot(qa, "01-queue-qa")
    first = qa.locator("main a[href^='/calls/']").first
    call_id = first.inner_text()
    assert call_id == "c26_angry_ends_worse"  # the newest fatal call is first
    first.click()
    qa.wait_for_selector("#transcript .seg")
    qa.wait_for_function("document.getElementById('audio').readyState >= 1")
    no_page_scroll(qa)
    assert qa.inner_text("#call-status") == "待复核"
    shot(qa, "02-call-qa-1366x768")

    # play and seek by clicking a sentence: the player jumps there and highlights it
    third = qa.locator("#transcript .seg").nth(2)
    start = float(third.get_attribute("data-start"))
    third.click()
    qa.wait_for_function(f"Math.abs(document.getElementById('audio').currentTime - {start}) < 1.0")
    qa.wait_for_selector("#transcript .seg.current")
    qa.evaluate("document.getElementById('audio').pause()")

    # a timeline marker seeks and selects its item; the item's words are marked in the transcript
    marker = qa.locator(".tl-marker[data-item=forbidden_phrase]")
    at = float(marker.get_attribute("data-start"))
    marker.click()
    qa.wait_for_function(f"Math.abs(document.getElementById('audio').currentTime - {at}) < 0.5")
    qa.wait_for_selector("#item-forbidden_phrase.active")
    qa.wait_for_selector("#transcript .hit.on")
    assert "急什么" in qa.inner_text("#transcript .hit.on")

    # nothing ticked: the error shows inside the workspace, the page stays
    url = qa.url
    qa.click("#submit-next")
    qa.wait_for_selector("#review-error:not(.d-none)")
    assert qa.url == url
    no_page_scroll(qa)

    # one click per verdict (confirm), one click to save and go on: no scrolling on the way
    flagged = qa.locator(".vitem:not([data-group=rest])")
    ids = [flagged.nth(i).get_attribute("data-item") for i in range(flagged.count())]
    assert ids[0] == "forbidden_phrase" and len(ids) == 3
    clicks = 0
    for item in ids:
        qa.click(f"label[for='v-{item}-confirm']")
        clicks += 1
        assert qa.is_checked(f"#v-{item}-confirm")
    assert qa.evaluate("document.scrollingElement.scrollTop") == 0
    qa.click("#submit-next")
    clicks += 1
    assert clicks <= 2 * len(ids)
    qa.wait_for_url(lambda u: u != url and "/calls/" in u)
    qa.wait_for_selector(".flash")
    assert call_id not in qa.inner_text("h1")  # the next unreviewed call
    no_page_scroll(qa)
    # the shortcut c confirms the selected (else the first) flagged item and moves on
    qa.keyboard.press("c")
    assert qa.locator(".vitem:not([data-group=rest]) input[value=confirm]:checked").count() == 1
    shot(qa, "03-next-call-qa")

    # the agent who took the call appeals a failed item, before the window's deadline
    agent = sign_in(browser, server, "agent5")
    agent.set_viewport_size({"width": 1366, "height": 768})
    agent.click(f"text={call_id}")
    agent.wait_for_selector("#appeal-deadline")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", agent.inner_text("#appeal-deadline"))
    agent.click("#item-identity_verification button[data-bs-target]")
    form = agent.locator("form.appeal-form[data-item=identity_verification]")
    form.locator("input[name=reason]").fill("我已按规范执行")
    form.locator("button[type=submit]").click()
    agent.wait_for_selector(".flash")
    assert agent.inner_text("#call-status") == "申诉中"
    shot(agent, "04-call-agent-appealed")

    # the qa_lead decides at the top of the call page: accepted for good, the item restored
    lead = sign_in(browser, server, "lead")
    lead.set_viewport_size({"width": 1366, "height": 768})
    lead.goto(f"{server}/appeals")
    shot(lead, "05-appeals-lead")
    lead.click(f"text={call_id}")
    no_page_scroll(lead)
    shot(lead, "06-call-lead-appeal-open")
    assert lead.inner_text("#status-identity_verification") == "不合格"
    decision = lead.locator("#appeal-decisions form[data-item=identity_verification]")
    decision.locator("input[name=reason]").fill("证据充分")
    decision.locator("input[name=final]").check()
    decision.locator("button[value=accept]").click()
    lead.wait_for_selector(".flash")
    assert lead.inner_text("#status-identity_verification") == "通过"  # restored
    assert score(lead) == 0  # the confirmed fatal item still zeroes the call
    assert lead.inner_text("#call-status") == "申诉已采纳 · 已终审"
    assert lead.locator("#appeal-decisions").count() == 0
    lead.click("#tab-history")
    assert "已采纳" in lead.inner_text("#appeals")
    shot(lead, "07-call-decided")

    # the same page in English, at 1920x1080
    lead.set_viewport_size({"width": 1920, "height": 1080})
    lead.click("button[name=lang][value=en]")
    lead.wait_for_selector("#call-status")
    assert lead.inner_text("#call-status") == "Appeal accepted · final"
    assert "Save and next call" not in lead.content()  # locked: no review form
    no_page_scroll(lead)
    shot(lead, "08-call-lead-1920x1080-en")

    agent.reload()
    assert agent.inner_text("#call-status") == "申诉已采纳 · 已终审"
    assert agent.locator("form.appeal-form").count() == 0  # locked: no further appeals


def test_a_reviewer_dismisses_a_false_alarm_flag_in_a_browser(server, browser) -> None:
    qa = sign_in(browser, server, "qa")
    qa.set_viewport_size({"width": 1366, "height": 768})
    qa.click("text=c26_angry_ends_worse")
    entry = qa.locator(".flag-entry").first
    flag = entry.get_attribute("data-flag")
    title = entry.locator(".flag-badge").inner_text().split(" ")[0]
    no_page_scroll(qa)  # the decision buttons fit the header
    # dismissing asks why (optional) in a small menu under the button
    entry.locator(".flag-dismiss-toggle").click()
    entry.locator("input[name=comment]").fill("客户只是着急")
    no_page_scroll(qa)
    entry.locator("button[value=dismissed]").click()
    qa.wait_for_selector(".flash")
    entry = qa.locator(f".flag-entry[data-flag={flag}]")
    assert "text-decoration-line-through" in entry.locator(".flag-badge").get_attribute("class")
    assert "已排除（qa）: “客户只是着急”" in entry.inner_text()
    qa.click("#tab-history")
    assert "客户只是着急" in qa.inner_text("#flag-trail")
    no_page_scroll(qa)
    shot(qa, "09-call-flag-dismissed")
    # the queue no longer shows it on the call; confirming it brings it back
    qa.goto(f"{server}/?sort=newest")
    row = qa.locator("tr", has=qa.locator("a", has_text="c26_angry_ends_worse"))
    assert title not in row.locator(".why").inner_text()
    row.locator("a", has_text="c26_angry_ends_worse").click()
    qa.locator(f".flag-entry[data-flag={flag}] button[value=confirmed]").click()
    qa.wait_for_selector(".flash")
    assert "已确认（qa）" in qa.inner_text(f".flag-entry[data-flag={flag}]")
