"""The queue's worklist in the web UI: assignment and "我的待办", saved filters, the inclusive
"到" day, agent-scoped counts and the appeals list (real processed fixture calls)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from inspector.review.mismatch import MISMATCH_FLAG
from inspector.store.models import Call, CallFlag, SavedFilter, ScoreResult, User
from tests.web.conftest import call_pk

C01, C21, C26 = "c01_compliant_billing", "c21_score_solicitation", "c26_angry_ends_worse"


def _user_id(sessions, username: str) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(User.id).where(User.username == username))


def _calls_in(body: str) -> list[str]:
    return re.findall(r'href="/calls/\d+">([\w]+)</a>', body)


def test_lead_assigns_calls_and_each_reviewer_sees_their_own(as_role, sessions) -> None:
    lead, qa = as_role("lead"), as_role("qa")
    pks = {c: call_pk(lead, c) for c in (C01, C21, C26)}
    qa_id, lead_id = _user_id(sessions, "qa"), _user_id(sessions, "lead")
    chosen = {"assignee": str(qa_id), "mode": "selected", "pk": [str(pks[C01]), str(pks[C21])]}
    assert qa.post("/assignments", data=chosen).status_code == 403  # only the lead assigns
    assert as_role("admin").post("/assignments", data=chosen).status_code == 403
    trainer_id = _user_id(sessions, "trainer")
    assert lead.post("/assignments", data=chosen | {"assignee": str(trainer_id)}).status_code == 400
    assert lead.post("/assignments", data={"assignee": str(qa_id)}).status_code == 400
    done = lead.post("/assignments", data=chosen | {"next": "/?sort=newest"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/?sort=newest")
    assert "已将 2 通通话指派给 qa" in lead.get("/").get_data(as_text=True)

    mine = qa.get("/mine").get_data(as_text=True)
    assert sorted(_calls_in(mine)) == sorted([C01, C21]) and "我的待办" in mine
    # the queue row names the reviewer
    queue = lead.get("/?sort=newest").get_data(as_text=True)
    row = queue.split(f">{C01}</a>")[1].split("</tr>")[0]
    assert '<td class="small assignee">qa</td>' in row
    # a reviewed call leaves the list
    assert (
        qa.post(f"/calls/{pks[C01]}/review", data={"verdict:greeting": "confirm"}).status_code
        == 302
    )
    assert _calls_in(qa.get("/mine").get_data(as_text=True)) == [C21]

    # the current filter's first N: agent A1005's newest call, to the lead themself
    first = {
        "assignee": str(lead_id),
        "mode": "first",
        "count": "1",
        "filter": "agent=A1005&sort=newest",
    }
    assert lead.post("/assignments", data=first).status_code == 302
    assert _calls_in(lead.get("/mine").get_data(as_text=True)) == [C26]
    assert _calls_in(qa.get("/mine").get_data(as_text=True)) == [C21]  # not the lead's
    assert lead.post("/assignments", data=first | {"count": "0"}).status_code == 400
    # taken back
    back = {"assignee": "", "mode": "selected", "pk": [str(pks[C21])]}
    assert lead.post("/assignments", data=back).status_code == 302
    assert _calls_in(qa.get("/mine").get_data(as_text=True)) == []

    # the navigation offers 我的待办 to reviewers only
    assert 'href="/mine"' in qa.get("/").get_data(as_text=True)
    assert 'href="/mine"' not in as_role("agent").get("/").get_data(as_text=True)
    assert as_role("agent").get("/mine").status_code == 403


def test_saved_filters_are_the_users_own(as_role, sessions) -> None:
    qa, lead = as_role("qa"), as_role("lead")
    saved = qa.post("/filters", data={"name": "低分单", "filter": "score_max=10&page=2&bogus=1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/?score_max=10")
    page = qa.get("/").get_data(as_text=True)
    assert "低分单" in page and 'href="/?score_max=10"' in page
    assert sorted(_calls_in(qa.get("/?score_max=10").get_data(as_text=True))) == [C21, C26]
    assert "低分单" not in lead.get("/").get_data(as_text=True)  # another user's is not listed
    assert qa.post("/filters", data={"name": "  ", "filter": ""}).status_code == 400
    with sessions() as session:
        filter_id = session.scalar(select(SavedFilter.id).where(SavedFilter.name == "低分单"))
    assert lead.post(f"/filters/{filter_id}/delete").status_code == 404
    assert qa.post(f"/filters/{filter_id}/delete").status_code == 302
    assert "低分单" not in qa.get("/").get_data(as_text=True)


def test_queue_reads_in_chinese_with_an_inclusive_to_day_and_scoped_counts(as_role) -> None:
    qa = as_role("qa")
    one_day = qa.get("/?from=2026-11-02&to=2026-11-02").get_data(as_text=True)
    assert _calls_in(one_day) == [C01]
    assert len(_calls_in(qa.get("/?from=2026-11-03&to=2026-11-03").get_data(as_text=True))) == 4
    body = qa.get("/?sort=newest").get_data(as_text=True)
    for word in ("坐席", "问题", "指派给", "王芳（A1001）", "最新在前", "满意度评价", "致命"):
        assert word in body, word
    row = body.split(f">{C26}</a>")[1].split("</tr>")[0]
    assert "致命" in row and "<meter" in row and "客户愤怒" in row  # status, bar, flag title
    assert ">agent_id_stated<" not in body and "unreviewed</option>" not in body

    def done(client) -> int:  # type: ignore[no-untyped-def]
        counts = client.get("/").get_data(as_text=True).split('id="status-counts"')[1]
        return int(re.search(r"已评分 <strong>(\d+)</strong>", counts).group(1))

    assert done(qa) == 5
    assert done(as_role("agent")) == 2  # A1001's own calls, not the centre's


#: a flag chip in the queue: its tooltip (confidence and basis), title and confidence suffix
CHIP = re.compile(
    r'<span class="[^"]*flag-chip"(?: title="([^"]*)")?><i [^>]*></i> ([^<]+)'
    r'(?: <small class="flag-confidence">([^<]+)</small>)?</span>'
)


def test_flag_chips_say_how_sure_the_machine_was_and_on_what(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, C26)
    with sessions.begin() as session:
        flags = session.scalars(select(CallFlag).where(CallFlag.call_pk == pk)).all()
        raised = [f for f in flags if f.flag != MISMATCH_FLAG]
        # the worker stored what the engine raised each flag on
        assert raised and all(f.confidence is not None and f.basis for f in raised)
        anger = next(f for f in raised if f.flag == "customer_anger")
        anger.confidence, anger.basis = 0.83, "intent"
        session.add(CallFlag(call_pk=pk, flag="churn_risk", evidence=[]))  # stored before
        sure = {"confidence": 0.998, "basis": "intent,metadata"}
        session.add(CallFlag(call_pk=pk, flag="ticket_mismatch", evidence=[], **sure))
    row = qa.get("/?sort=newest").get_data(as_text=True).split(f">{C26}</a>")[1]
    chips = {title: (tip, suffix) for tip, title, suffix in CHIP.findall(row.split("</tr>")[0])}
    # a model's flag shows how sure it was; the tooltip says on what
    assert chips["客户愤怒"] == ("置信 0.83 · 意图模型", "0.83")
    assert chips["离网风险"] == ("", "")  # not known: nothing shown
    # all but certain: no 1.00 beside it
    assert chips["工单类型与通话不符（投诉记为咨询）"] == ("置信 1.00 · 意图模型 · 随路数据", "")


def test_appeals_list_dates_filters_and_names(app, as_role, sessions, settings) -> None:
    pk = call_pk(as_role("qa"), C26)
    agent5 = as_role("agent5")
    filed = agent5.post(
        f"/calls/{pk}/appeals", data={"item_id": "identity_verification", "reason": "已核实"}
    )
    assert filed.status_code == 302
    title = next(
        i.title
        for i in app.extensions["inspector.scorecard"].get().items
        if i.id == "identity_verification"
    )
    with sessions() as session:
        scored = session.scalar(
            select(ScoreResult.created_at).join(Call).where(Call.call_id == C26)
        )
    deadline = (scored + timedelta(days=settings.appeal_window_days)).astimezone(settings.tz)

    lead = as_role("lead")
    listed = lead.get("/appeals").get_data(as_text=True)
    row = listed.split(f">{C26}</a>")[1].split("</tr>")[0]
    assert title in row and "陈洁（A1005）" in row and "待处理" in row and "已核实" in row
    assert deadline.strftime("%Y-%m-%d %H:%M") in row
    assert "申诉截止" in listed and "提交时间" in listed
    assert C26 in lead.get("/appeals?status=open").get_data(as_text=True)
    assert C26 not in lead.get("/appeals?status=rejected").get_data(as_text=True)
    assert lead.get("/appeals?status=maybe").status_code == 400
    assert C26 in agent5.get("/appeals").get_data(as_text=True)
    assert C26 not in as_role("other_agent").get("/appeals").get_data(as_text=True)
