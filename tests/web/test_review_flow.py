"""The review and appeal state machine through the web views, with the audit trail."""

from __future__ import annotations

import re

from sqlalchemy import select

from inspector.store.models import Appeal, AuditEntry, Call, ScoreResult
from tests.web.conftest import call_pk


def status_line(page: str) -> str:
    """The call page header's one status."""
    return re.search(r'id="call-status"[^>]*>([^<]*)<', page).group(1).strip()


def _score(sessions, pk: int) -> float:
    with sessions() as session:
        return (
            session.scalars(select(ScoreResult).where(ScoreResult.call_pk == pk)).one().final_score
        )


def test_review_rounds_appeal_and_final_judgement(app, sessions, as_role) -> None:
    qa, agent, lead = as_role("qa"), as_role("agent"), as_role("lead")
    pk = call_pk(qa, "c17_empathy_after_anger")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert 'id="review-form"' in page and "保存并下一通" in page and "待复核" in page
    start = _score(sessions, pk)

    # round 1: confirm a passed item, overturn closing (passed -> failed, -3), a manual -2
    r = qa.post(
        f"/calls/{pk}/review",
        data={
            "verdict:greeting": "confirm",
            "verdict:closing": "overturn",
            "comment:closing": "结束语不完整",
            "manual_title": "语气生硬",
            "manual_points": "2",
            "manual_comment": "",
        },
    )
    assert r.status_code == 302
    with sessions() as session:  # a reviewed call leaves the top of the queue
        assert session.get(Call, pk).queue_priority == 4
    after_first = _score(sessions, pk)
    assert after_first == start - 3 - 2
    # round 2: overturn closing back: a second round in the trail, the score back up by 3
    qa.post(f"/calls/{pk}/review", data={"verdict:closing": "overturn"})
    assert _score(sessions, pk) == after_first + 3
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert status_line(page) == "已复核"
    assert "第 1 轮" in page and "第 2 轮" in page and "(+3)" in page

    # the agent (A1001 owns c17) appeals the failed manual-free item: the closing is passed
    # now, so appeal a failed item; c17 has none failed by the machine -> refused
    assert (
        agent.post(f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": "x"}).status_code
        == 409
    )
    qa.post(f"/calls/{pk}/review", data={"verdict:closing": "overturn"})  # failed again
    before_appeal = _score(sessions, pk)
    assert (
        agent.post(f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": ""}).status_code
        == 409
    )
    r = agent.post(f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": "我说了再见"})
    assert r.status_code == 302
    # a second open appeal on the same item is refused
    assert (
        agent.post(
            f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": "again"}
        ).status_code
        == 409
    )
    with sessions() as session:
        appeal_id = session.scalars(select(Appeal.id)).one()
    assert "我说了再见" in lead.get("/appeals").get_data(as_text=True)
    # the lead decides near the top of the call page; the call is under appeal
    lead_view = lead.get(f"/calls/{pk}").get_data(as_text=True)
    assert status_line(lead_view) == "申诉中"
    assert lead_view.index('id="appeal-decisions"') < lead_view.index('id="player"')
    assert f'action="/appeals/{appeal_id}/decide"' in lead_view
    assert 'id="appeal-decisions"' not in qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert (
        qa.post(
            f"/appeals/{appeal_id}/decide", data={"decision": "accept", "reason": "x"}
        ).status_code
        == 403
    )

    # the lead accepts with a final judgement: the item is restored and the call locked
    r = lead.post(
        f"/appeals/{appeal_id}/decide",
        data={"decision": "accept", "reason": "录音中有再见", "final": "1"},
    )
    assert r.status_code == 302
    assert _score(sessions, pk) == before_appeal + 3
    agent_view = agent.get(f"/calls/{pk}").get_data(as_text=True)
    assert "已采纳" in agent_view and "(终审)" in agent_view and "提交申诉" not in agent_view
    assert status_line(agent_view) == "申诉已采纳 · 已终审"  # one status, in words
    assert qa.post(f"/calls/{pk}/review", data={"verdict:greeting": "confirm"}).status_code == 409
    assert (
        lead.post(
            f"/appeals/{appeal_id}/decide", data={"decision": "reject", "reason": "x"}
        ).status_code
        == 409
    )

    with sessions() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        locked = session.scalars(select(ScoreResult.locked).where(ScoreResult.call_pk == pk)).one()
    assert actions == ["review", "review", "review", "appeal", "appeal_decision"]
    assert locked


def test_rejected_appeal_keeps_the_score(app, sessions, as_role) -> None:
    qa, agent, lead = as_role("qa"), as_role("agent"), as_role("lead")
    pk = call_pk(qa, "c01_compliant_billing")
    qa.post(f"/calls/{pk}/review", data={"verdict:closing": "overturn"})
    score = _score(sessions, pk)
    agent.post(f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": "不同意"})
    with sessions() as session:
        appeal_id = session.scalars(select(Appeal.id)).one()
    lead.post(f"/appeals/{appeal_id}/decide", data={"decision": "reject", "reason": "确有遗漏"})
    assert _score(sessions, pk) == score
    listed = agent.get("/appeals").get_data(as_text=True)
    assert 'data-status="rejected"' in listed and "已驳回" in listed
    # not final: the agent may appeal again
    r = agent.post(f"/calls/{pk}/appeals", data={"item_id": "closing", "reason": "补充证据"})
    assert r.status_code == 302
