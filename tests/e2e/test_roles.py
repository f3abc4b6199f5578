"""Issue 20: each role's daily task, end to end in a real browser at 1366x768 on the demo data
(tests/e2e/demo.py: the demo's 37 recordings, both survey exports, one user per role).

- The QA lead assigns the top of the queue to a reviewer; the reviewer opens 我的待办 and clears
  each assigned call: every flagged verdict confirmed with one click, one click to save and move
  on, and the document never scrolls (the panes do). The clicks are counted.
- An agent sees only their own calls and counts, appeals a failed item before the deadline; the
  lead finds it in the appeals list and decides it at the top of the call page.
- A trainer finds a moment by the words said, makes a clip of a verdict's evidence and starts a
  playlist from it.
- A manager reads the dashboard (charts drawn, Chinese labels, times in the centre's zone), the
  satisfaction page with its chart, and downloads the XLSX.
Screenshots of every step go to artifacts/e2e/roles-*.png.
"""

from __future__ import annotations

import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select

from inspector.store.models import Call
from tests.e2e.demo import open_as
from tests.e2e.test_browser import SHOTS, pytestmark  # noqa: F401

MAX_CLICKS_PER_VERDICT = 2


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"roles-{name}.png"))


def document_scroll(page) -> int:
    """How far the document itself is taller than the window (0: nothing to scroll)."""
    return page.evaluate("Math.max(0, document.scrollingElement.scrollHeight - innerHeight)")


def test_a_reviewer_clears_the_calls_the_lead_assigned(chromium, demo) -> None:
    lead = open_as(chromium, demo.url, "lead", accept_downloads=True)
    lead.wait_for_selector("#queue tbody input.row-pick")
    rows = lead.locator("#queue tbody tr")
    chosen = [rows.nth(i).locator("td a[href^='/calls/']").first.inner_text() for i in range(3)]
    for i in range(3):
        rows.nth(i).locator("input.row-pick").check()
    option = lead.locator("#assignee option", has_text=re.compile(r"^qa · "))
    lead.select_option("#assignee", option.get_attribute("value"))
    lead.click("#assign-selected")
    lead.wait_for_selector(".flash")
    shot(lead, "lead-1-assigned")

    qa = open_as(chromium, demo.url, "qa", accept_downloads=True)
    qa.click("nav >> text=我的待办")
    qa.wait_for_url(re.compile(r".*/mine$"))
    assert sorted(qa.locator("#queue tbody td a").all_inner_texts()) == sorted(chosen)
    shot(qa, "qa-1-my-tasks")
    cleared, verdicts, clicks = 0, 0, 0
    while qa.locator("#queue tbody td a[href^='/calls/']").count():
        qa.locator("#queue tbody td a[href^='/calls/']").first.click()
        qa.wait_for_selector("#transcript .seg")
        qa.wait_for_load_state("load")
        assert document_scroll(qa) <= 2
        if cleared == 0:
            shot(qa, "qa-2-call")
        flagged = qa.locator(".vitem:not([data-group=rest])")
        items = [flagged.nth(i).get_attribute("data-item") for i in range(flagged.count())]
        if not items:  # nothing flagged: confirm the first verdict shown
            items = [qa.locator(".vitem").first.get_attribute("data-item")]
            qa.click("#verdicts .accordion-button")
        for item in items:
            qa.click(f"label[for='v-{item}-confirm']")
            clicks += 1
        assert document_scroll(qa) <= 2
        url = qa.url
        qa.click("#submit-next")
        clicks += 1
        qa.wait_for_url(lambda u, url=url: u != url)
        qa.wait_for_selector(".flash")
        verdicts += len(items)
        cleared += 1
        qa.goto(f"{demo.url}/mine")
    assert cleared == 3
    (SHOTS / "roles-clicks.json").write_text(
        json.dumps({"calls": cleared, "verdicts": verdicts, "clicks": clicks})
    )
    assert clicks <= MAX_CLICKS_PER_VERDICT * verdicts, (clicks, verdicts)
    shot(qa, "qa-3-my-tasks-done")
    with demo.sessions() as session:
        states = session.scalars(
            select(Call).where(Call.call_id.in_(chosen), Call.is_current)
        ).all()
        assert all(c.score_results[-1].review_status == "reviewed" for c in states)


def test_an_agent_appeals_and_the_lead_decides(chromium, demo) -> None:
    agent = open_as(chromium, demo.url, "agent5", accept_downloads=True)
    agent.wait_for_selector("#queue tbody td.agent-cell")
    codes = set(agent.locator("#queue tbody td.agent-cell").all_inner_texts())
    assert codes and all("A1005" in code for code in codes)  # only their own calls
    shot(agent, "agent-1-queue")
    agent.click("text=c26_angry_ends_worse")
    agent.wait_for_selector("#appeal-deadline")
    failed = agent.locator("form.appeal-form").first
    item = failed.get_attribute("data-item")
    agent.click(f"#item-{item} button[data-bs-target]")
    failed.locator("input[name=reason]").fill("我已按规范执行，请复核录音")
    failed.locator("button[type=submit]").click()
    agent.wait_for_selector(".flash")
    assert agent.inner_text("#call-status") == "申诉中"
    shot(agent, "agent-2-appealed")

    lead = open_as(chromium, demo.url, "lead", accept_downloads=True)
    lead.click("nav >> text=申诉")
    row = lead.locator("#appeal-list tbody tr").first
    assert "c26_angry_ends_worse" in row.inner_text() and "A1005" in row.inner_text()
    shot(lead, "lead-2-appeals")
    row.locator("a[href^='/calls/']").first.click()
    decision = lead.locator(f"#appeal-decisions form[data-item={item}]")
    lead.wait_for_selector("#transcript .seg")
    lead.wait_for_load_state("load")
    shot(lead, "lead-2b-call")
    lead.screenshot(path=str(SHOTS / "roles-lead-2b-full.png"), full_page=True)
    assert document_scroll(lead) <= 2
    decision.locator("input[name=reason]").fill("录音中确有核实，申诉成立")
    decision.locator("button[value=accept]").click()
    lead.wait_for_selector(".flash")
    assert lead.inner_text(f"#status-{item}") == "通过"
    shot(lead, "lead-3-decided")


def test_a_trainer_finds_a_moment_and_starts_a_playlist(chromium, demo) -> None:
    trainer = open_as(chromium, demo.url, "trainer", accept_downloads=True)
    trainer.click("text=c26_angry_ends_worse")
    trainer.wait_for_selector("#transcript .seg")
    trainer.locator("button.clip-evidence").first.click()
    trainer.wait_for_selector("#clip-title")
    shot(trainer, "trainer-1-clip")
    said = trainer.locator("tr.seg td").nth(2).inner_text()
    words = re.search(r"[\u4e00-\u9fff]{3}", said).group(0)  # words said in the clip
    trainer.goto(f"{demo.url}/clips")
    trainer.fill("#f-q", words)
    trainer.press("#f-q", "Enter")
    trainer.wait_for_selector("mark")
    assert words in trainer.inner_text("main")
    shot(trainer, "trainer-2-search")
    start = trainer.locator("form.new-playlist").first
    start.locator("input[name=name]").fill("急躁语气案例")
    start.locator("button[type=submit]").click()
    trainer.wait_for_selector("#playlist-items tr[data-clip]")
    assert trainer.locator("#playlist-items tr[data-clip]").count() == 1
    shot(trainer, "trainer-3-playlist")


def test_a_manager_reads_the_dashboard_and_exports(chromium, demo) -> None:
    manager = open_as(chromium, demo.url, "manager", accept_downloads=True)
    manager.click("nav >> text=看板")
    manager.wait_for_selector("body[data-ready='1']")
    assert manager.locator("#dashboard-error").is_hidden()
    assert "Asia/Shanghai" in manager.inner_text("body")
    assert manager.locator("canvas").count() >= 3
    assert "满意" in manager.inner_text("#kpis")
    shot(manager, "manager-1-dashboard")
    with manager.expect_download() as info:
        manager.click("#export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    assert book.sheetnames and all(re.search(r"[\u4e00-\u9fff]", n) for n in book.sheetnames)
    manager.click("nav >> text=满意度")
    manager.wait_for_selector("canvas")
    assert "按坐席" in manager.inner_text("main")
    shot(manager, "manager-2-satisfaction")
