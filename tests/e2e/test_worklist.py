"""The QA lead hands out work in a real headless browser: ticks two calls in the queue,
assigns them to a reviewer, and the reviewer opens 我的待办 and finds them there. Screenshots
at 1366x768 go to artifacts/e2e/."""

from __future__ import annotations

import re

from sqlalchemy import select

from inspector.store.models import Appeal, Call, User
from tests.e2e.test_browser import (  # noqa: F401
    browser,
    log_in,
    pytestmark,  # noqa: F401  (slow; needs chromium)
    server,
    shot,
)
from tests.factories import REPO

LAPTOP = {"width": 1366, "height": 768}
AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"
CHOSEN = ("c01_compliant_billing", "c21_score_solicitation")


def _sign_in(browser, base: str, username: str):  # type: ignore[no-untyped-def]  # noqa: F811
    return log_in(browser.new_page(viewport=LAPTOP), base, username)


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page (none when axe is not vendored)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text(encoding="utf-8"))  # run by the browser's devtools, not the page
    found = page.evaluate(
        "axe.run().then(r => r.violations.map(v => [v.impact, v.id,"
        " v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | ')]))"
    )
    return [f"{i}: {rule}: {where}" for i, rule, where in found if i in ("serious", "critical")]


def test_lead_assigns_two_calls_and_the_reviewer_finds_them(server, browser) -> None:  # noqa: F811
    lead = _sign_in(browser, server, "lead")
    lead.goto(f"{server}/?sort=newest")
    # the queue fits a laptop screen: no sideways scrolling
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for call_id in CHOSEN:
        row = lead.locator("#queue tbody tr", has=lead.locator(f"a:text-is('{call_id}')"))
        row.locator("input.row-pick").check()
    qa_option = lead.locator("#assignee option", has_text=re.compile(r"^qa · "))
    lead.select_option("#assignee", qa_option.get_attribute("value"))
    assert serious_violations(lead) == []
    shot(lead, "worklist-01-lead-ticks")
    lead.click("#assign-selected")
    lead.wait_for_selector(".flash")
    assert "已将 2 通通话指派给 qa" in lead.inner_text(".flash")
    for call_id in CHOSEN:
        row = lead.locator("#queue tbody tr", has=lead.locator(f"a:text-is('{call_id}')"))
        assert row.locator("td.assignee").inner_text() == "qa"
    shot(lead, "worklist-02-lead-assigned")
    lead.set_viewport_size({"width": 1920, "height": 1080})
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(lead, "worklist-02b-lead-assigned-1920")

    qa = _sign_in(browser, server, "qa")
    qa.click("nav >> text=我的待办")
    qa.wait_for_url(re.compile(r".*/mine$"))
    found = qa.locator("#queue tbody td a").all_inner_texts()
    assert sorted(found) == sorted(CHOSEN)
    assert qa.locator("h1").inner_text() == "我的待办"
    shot(qa, "worklist-03-qa-my-tasks")

    # the same page in English, from the navbar's language switch
    qa.click("nav >> button[value=en]")
    qa.wait_for_selector("h1:text-is('My tasks')")
    headers = qa.locator("#queue thead th").all_inner_texts()
    assert "Why flagged" in headers and "Assigned to" in headers
    shot(qa, "worklist-04-qa-my-tasks-en")


def test_appeals_list_at_laptop_size(server, browser, sessions) -> None:  # noqa: F811
    with sessions.begin() as session:
        agent = session.scalar(select(User).where(User.username == "agent5"))
        call = session.scalar(select(Call).where(Call.call_id == "c26_angry_ends_worse"))
        session.add(
            Appeal(call_pk=call.id, item_id="identity_verification", agent_user_id=agent.id,
                   reason="我已按规范核实身份")
        )  # fmt: skip
    lead = _sign_in(browser, server, "lead")
    lead.click("nav >> text=申诉")
    row = lead.locator("#appeal-list tbody tr").first
    assert "身份核实" in row.inner_text() and "陈洁（A1005）" in row.inner_text()
    assert row.locator(".appeal-status").inner_text() == "待处理"
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(lead) == []
    shot(lead, "worklist-05-appeals-lead")
    lead.click("#appeal-status >> text=已驳回")
    lead.wait_for_selector("#appeal-list >> text=没有申诉。")
