"""The review UI in a real headless browser (Playwright driving Debian's chromium).

qa opens the top flagged call, plays it and seeks by clicking a sentence, confirms one hit and
overturns another and sees the score change; the agent appeals; the qa_lead decides. Screenshots
of each page go to artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
import shutil
import threading

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


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield b
        b.close()


def sign_in(browser, base: str, username: str):
    from tests.web.conftest import PASSWORD

    page = browser.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def score(page) -> float:
    return float(page.inner_text("#final-score"))


def test_review_and_appeal_in_a_browser(server, browser) -> None:
    qa = sign_in(browser, server, "qa")
    shot(qa, "01-queue-qa")
    first = qa.locator("#queue td a").first
    call_id = first.inner_text()
    assert call_id == "c26_angry_ends_worse"  # the newest fatal call is first
    first.click()
    qa.wait_for_selector("#transcript")
    shot(qa, "02-call-qa")

    # play and seek by clicking a sentence: the player jumps there and highlights it
    qa.wait_for_function("document.getElementById('audio').readyState >= 1")
    third = qa.locator("tr.seg").nth(2)
    start = float(third.get_attribute("data-start"))
    third.click()
    qa.wait_for_function(f"Math.abs(document.getElementById('audio').currentTime - {start}) < 1.0")
    qa.wait_for_selector("tr.seg.current")
    # clicking evidence seeks and marks the matched words
    qa.locator("tr.item[data-item=forbidden_phrase] .evidence").first.click()
    qa.wait_for_selector("#transcript mark")

    before = score(qa)
    assert before == 0  # the fatal forbidden phrase zeroes the call
    # confirm one hit (empathy), overturn another (the fatal one): the score changes
    qa.check("input[name='verdict:empathy'][value=confirm]")
    qa.check("input[name='verdict:forbidden_phrase'][value=overturn]")
    qa.fill("input[name='comment:forbidden_phrase']", "急什么为语气词，非禁语")
    qa.click("#submit-review")
    qa.wait_for_selector(".flash")
    after = score(qa)
    assert after > before
    assert "第 1 轮" in qa.inner_text("#trail")
    shot(qa, "03-call-reviewed")

    # the agent who took the call appeals a failed item
    agent = sign_in(browser, server, "agent5")
    agent.click(f"text={call_id}")
    agent.wait_for_selector("#appeal-form")
    agent.select_option("#appeal-form select[name=item_id]", "identity_verification")
    agent.fill("#appeal-form input[name=reason]", "我已按规范执行")
    agent.click("#appeal-form button[type=submit]")
    agent.wait_for_selector("#appeals")
    assert "open" in agent.inner_text("#appeals")
    shot(agent, "04-call-agent-appealed")

    # the qa_lead accepts it with a final judgement: the score moves and the call locks
    lead = sign_in(browser, server, "lead")
    lead.goto(f"{server}/appeals")
    shot(lead, "05-appeals-lead")
    lead.click(f"text={call_id}")
    lead.fill("#appeals input[name=reason]", "证据充分")
    lead.check("#appeals input[name=final]")
    lead.click("#appeals button[value=accept]")
    lead.wait_for_selector(".flash")
    assert score(lead) > after  # identity_verification restored
    assert "accepted" in lead.inner_text("#appeals")
    shot(lead, "06-call-decided")

    agent.reload()
    assert "accepted" in agent.inner_text("#appeals")
    assert agent.locator("#appeal-form").count() == 0  # locked: no further appeals
