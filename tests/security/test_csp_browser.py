"""Issue 18 item 5 in a real browser (Debian's chromium): under the Content-Security-Policy every
page the browser tests use works without a single violation: the waveform player (whose
shadow-DOM style carries the nonce), clip and playlist forms (no inline handlers), the
dashboard's charts, and the stylesheet that replaced the inline styles."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.e2e.test_browser import log_in
from tests.security.conftest import pk_of

pytestmark = [
    pytest.mark.slow,
    # the development server leaves a file response open when the browser drops a media range
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise RuntimeError("chromium is required (apt-get install chromium)")
    pytest.skip("no chromium on this machine (apt-get install chromium)", allow_module_level=True)

#: records every violation the page reports (an init script runs before the page's own)
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module")
def server(served):
    served.app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through CSRF like a user
    httpd = make_server("127.0.0.1", 0, served.app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def open_as(browser, base: str, username: str):
    page = browser.new_page()
    page.add_init_script(WATCH)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.console_errors = console
    return log_in(page, base, username)


def wait_until(page, expression: str, timeout_s: float = 15.0) -> None:
    """Poll an expression from here: Playwright's wait_for_function evaluates its predicate
    with eval() inside the page, which this very policy forbids."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"!!({expression})"):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.1)


def assert_clean(page, where: str) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], (where, violations)
    blocked = [m for m in page.console_errors if "Content Security Policy" in m]
    assert blocked == [], (where, blocked)


def test_pages_work_under_the_policy(served, server, browser) -> None:
    trainer = open_as(browser, server, "trainer")
    # Bootstrap's stylesheet (the navbar's colour) and style.css (the body's fonts) both apply
    assert (
        trainer.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
        == "rgb(33, 37, 41)"
    )
    assert "Noto Sans CJK SC" in trainer.evaluate("getComputedStyle(document.body).fontFamily")
    assert_clean(trainer, "queue")

    pk = pk_of(served, "c01_compliant_billing")
    trainer.goto(f"{server}/calls/{pk}")
    has_wavesurfer = trainer.evaluate("!!window.WaveSurfer")
    if has_wavesurfer:
        # the player's shadow DOM is styled: its <style> carried the nonce
        host = "document.querySelector('#waveform > div')"
        wait_until(trainer, f"{host} && {host}.shadowRoot.querySelector('canvas')")
        position = trainer.evaluate(
            "getComputedStyle(document.querySelector('#waveform > div').shadowRoot"
            ".querySelector('.cursor')).position"
        )
        assert position == "absolute"
    assert_clean(trainer, "call page")

    # a clip, a playlist, and the clip added to it through the library's form (forms.js)
    trainer.fill("#clip-start", "0")
    trainer.fill("#clip-end", "3")
    trainer.fill("#clip-form input[name=title]", "csp probe")
    trainer.click("#save-clip")
    trainer.wait_for_selector("#new-playlist")
    assert_clean(trainer, "clip page")
    trainer.fill("#new-playlist input[name=name]", "csp list")
    trainer.click("#new-playlist button[type=submit]")
    trainer.wait_for_selector("#playlist-items")
    assert trainer.locator("#playlist-items tr[data-clip]").count() == 1  # made from the clip
    assert_clean(trainer, "playlist page")
    trainer.goto(f"{server}/clips")
    trainer.select_option("form.add-to-playlist select[name=playlist]", label="csp list")
    trainer.locator("form.add-to-playlist button[type=submit]").first.click()
    trainer.wait_for_selector(".flash")
    assert "/clips" in trainer.url  # the library's own `next`
    trainer.goto(f"{server}/playlists")
    trainer.click("text=csp list")
    assert trainer.locator("#playlist-items tr[data-clip]").count() == 2
    assert (
        trainer.evaluate(
            "getComputedStyle(document.querySelector('#playlist-items form.d-inline')).display"
        )
        == "inline"
    )
    assert_clean(trainer, "library and playlists")

    # deleting a clip asks first (data-confirm, not an inline onsubmit)
    trainer.goto(f"{server}/clips")
    trainer.click("text=csp probe")
    asked: list[str] = []
    trainer.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    trainer.click("form[data-confirm] button[type=submit]")
    assert asked == ["删除这个剪辑？"]
    assert_clean(trainer, "clip delete")

    manager = open_as(browser, server, "manager")
    manager.goto(f"{server}/manage/dashboard?period=all")
    if manager.evaluate("!!window.Chart"):
        wait_until(manager, "Object.keys(window.Chart.instances).length >= 5")
    manager.wait_for_selector("#agents-table a")
    assert (
        manager.evaluate("getComputedStyle(document.querySelector('.chart-box')).position")
        == "relative"
    )  # the dashboard's styles are in style.css
    assert_clean(manager, "dashboard")
    manager.goto(f"{server}/manage/satisfaction")
    assert_clean(manager, "satisfaction")


#: what an attacker might put into a manifest, a clip title or a review comment
XSS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload=window.__xss=3>',
    "javascript:window.__xss=4",
)


def test_hostile_text_is_shown_as_text_and_never_runs(served, server, browser) -> None:
    from sqlalchemy import update

    from inspector.store.models import Call

    with served.sessions.begin() as session:
        session.execute(
            update(Call)
            .where(Call.call_id == "c17_empathy_after_anger")
            .values(agent_name=XSS[0], team=XSS[1], skill_queue=XSS[2])
        )
    qa = open_as(browser, server, "qa")
    qa.goto(f"{server}/?sort=newest")
    pk = pk_of(served, "c17_empathy_after_anger")
    qa.goto(f"{server}/calls/{pk}")
    # a review comment and a manual deduction titled with payloads, then the page again
    qa.fill("input[name=manual_title]", XSS[3])
    qa.fill("input[name=manual_points]", "1")
    qa.fill("input[name=manual_comment]", XSS[1])
    qa.click("#submit-review")
    qa.goto(f"{server}/calls/{pk}")
    body = qa.inner_text("body")
    assert XSS[0] in body or "window.__xss=1" in body  # shown, as text
    assert qa.evaluate("typeof window.__xss") == "undefined"
    assert qa.locator("script:not([src])").count() == 0  # no inline script got into the page
    trainer = open_as(browser, server, "trainer")
    trainer.goto(f"{server}/calls/{pk}")
    trainer.fill("#clip-start", "0")
    trainer.fill("#clip-end", "3")
    trainer.fill("#clip-form input[name=title]", XSS[2])
    trainer.click("#save-clip")
    trainer.wait_for_selector("#new-playlist")
    trainer.goto(f"{server}/clips")
    assert trainer.evaluate("typeof window.__xss") == "undefined"
    assert XSS[2] in trainer.inner_text("body")
    manager = open_as(browser, server, "manager")
    manager.goto(f"{server}/manage/dashboard")
    assert manager.evaluate("typeof window.__xss") == "undefined"
