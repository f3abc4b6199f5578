"""Transcript correction in a real browser: a QA reviewer opens the edit form of a sentence,
fixes what the ASR misheard, and sees the call re-scored, the delta and the trail, in Chinese
and in English. Screenshots go to artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import browser, server, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
FIXED = "请您稍等，开机需要系统处理一下。"


def test_a_qa_reviewer_corrects_a_sentence(server, browser) -> None:  # noqa: F811
    qa = sign_in(browser, server, "qa")
    qa.set_viewport_size({"width": 1366, "height": 768})
    qa.locator("#queue td a", has_text="c26_angry_ends_worse").first.click()
    qa.wait_for_selector("#transcript")
    before = float(qa.inner_text("#final-score"))
    assert before == 0  # the ASR's 急什么 is a forbidden phrase

    row = qa.locator("#seg-4")
    assert "急什么" in row.inner_text()
    form = qa.locator("#seg-fix-4")
    assert not form.is_visible()
    row.locator(".segment-edit").click()
    form.wait_for(state="visible")
    text = form.locator("textarea")
    # once open, the cursor is in the text
    expect(text).to_be_focused()
    assert qa.evaluate("document.getElementById('audio').paused")  # editing does not play
    text.fill(FIXED)
    form.locator("input[name=comment]").fill("ASR 误识别")
    shot(qa, "corrections-01-form")
    form.locator("button[type=submit]").click()
    qa.wait_for_url(re.compile(r".*/calls/\d+#seg-4$"))

    after = float(qa.inner_text("#final-score"))
    assert after > before
    flash = qa.locator(".flash").first.inner_text()
    assert f"0 → {after:.0f}" in flash and f"+{after - before:.0f}" in flash
    assert FIXED in qa.locator("#seg-4").inner_text()
    trail = qa.locator("#transcript-corrections")
    assert "转写更正记录" in trail.inner_text()
    assert "急什么" in trail.locator("del").inner_text()
    assert FIXED in trail.locator("ins").inner_text()
    shot(qa, "corrections-02-rescored-zh")

    qa.locator("button[name=lang][value=en]").click()
    qa.wait_for_selector("#transcript-corrections")
    trail = qa.locator("#transcript-corrections").inner_text()
    assert "Transcript corrections" in trail and "Original sentence" in trail
    qa.locator("#seg-2 .segment-edit").click()
    expect(qa.locator("#seg-fix-text-2")).to_be_focused()
    assert "Save and re-score" in qa.locator("#seg-fix-2").inner_text()
    shot(qa, "corrections-03-en")
