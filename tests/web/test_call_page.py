"""The call page as one workspace: one status in words, verdicts by severity, evidence one row
per sentence with every span, low-confidence words, the round saved and on to the next call."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from inspector.store.models import Call, CallFlag, ItemResultRow, ScoreResult, TranscriptSegment
from tests.web.conftest import call_pk
from tests.web.test_review_flow import status_line
from web.review.workspace import (
    CallFacts,
    call_state,
    evidence_rows,
    low_words,
    markers,
    runs,
    severity,
)


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        (CallFacts(job="queued", has_result=False), "queued"),
        (CallFacts(job="running", has_result=False), "processing"),
        (CallFacts(job="failed", has_result=False), "failed"),
        (CallFacts(job="done", has_result=False), "not_scored"),
        (CallFacts(job="done", needs_review=True), "needs_review"),
        (CallFacts(job="done"), "scored"),
        (CallFacts(job="done", needs_review=True, review_status="reviewed"), "reviewed"),
        (CallFacts(job="done", review_status="reviewed", appeals=("open",)), "appealed"),
        (CallFacts(job="done", review_status="reviewed", appeals=("rejected", "open")), "appealed"),
        (CallFacts(job="done", review_status="reviewed", appeals=("rejected",)), "appeal_rejected"),
        (
            CallFacts(job="done", review_status="appeal_accepted", appeals=("accepted",)),
            "appeal_accepted",
        ),
        (
            CallFacts(
                job="done", review_status="appeal_accepted", locked=True, appeals=("accepted",)
            ),
            "final_accepted",
        ),
        (
            CallFacts(job="done", review_status="reviewed", locked=True, appeals=("rejected",)),
            "final_rejected",
        ),
        # an accepted appeal stays accepted when a later one is rejected for good
        (
            CallFacts(
                job="done",
                review_status="appeal_accepted",
                locked=True,
                appeals=("accepted", "rejected"),
            ),
            "final_accepted",
        ),
        (CallFacts(job="done", review_status="reviewed", locked=True), "final"),
    ],
)
def test_one_status_per_call(facts: CallFacts, state: str) -> None:
    assert call_state(facts) == state


@pytest.mark.parametrize(
    ("status", "fatal", "needs_review", "route", "group"),
    [
        ("failed", True, False, "final", "fatal"),
        ("failed", False, True, "review", "failed"),
        ("passed", False, True, "final", "review"),
        ("passed", False, False, "review", "review"),
        ("passed", True, False, "final", "rest"),
        ("not_applicable", False, False, "final", "rest"),
    ],
)
def test_severity_groups(status, fatal, needs_review, route, group) -> None:
    assert severity(status, fatal, needs_review, route) == group
    # after a person's review, only what is failed stays up
    after = severity(status, fatal, needs_review, route, reviewed=True)
    assert after == (group if status == "failed" else "rest")


def _text(rs) -> list[tuple[str, bool]]:
    return [(r.text, r.hit) for r in rs]


def test_evidence_is_one_row_per_sentence_with_every_span() -> None:
    sentence = {"start": 3.0, "end": 5.0, "role": "agent", "text": "急什么，急什么都没用"}
    evidence = [
        sentence | {"match": "急什么"},
        sentence | {"match": "没用"},
        {"start": 9.0, "end": 10.0, "role": "agent", "text": "再见", "match": "拜拜"},
    ]
    rows = evidence_rows(evidence, "forbidden", lambda s: s)
    assert len(rows) == 2
    assert _text(rows[0]["runs"]) == [
        ("急什么", True),
        ("，", False),
        ("急什么", True),
        ("都", False),
        ("没用", True),
    ]
    # a match not written in the sentence (a homophone) is shown beside it
    assert rows[1]["unplaced"] == ["拜拜"] and _text(rows[1]["runs"]) == [("再见", False)]


def test_marks_survive_masking() -> None:
    text = "号码13812345678对吗"
    shown = "号码*******5678对吗"
    found = runs(text, shown, [(2, 13, "x")], [(13, 15, 0.2)])
    assert [(r.text, r.hit, r.low) for r in found] == [
        ("号码", False, False),
        ("*******5678", True, False),
        ("对吗", False, True),
    ]


def test_low_confidence_words_are_found_in_order() -> None:
    words = [
        {"text": "你好", "probability": 0.9},
        {"text": " 宽带", "probability": 0.3},
        {"text": "宽带", "probability": 0.95},
    ]
    assert low_words("你好宽带宽带", words) == [(2, 4, 0.3)]


def test_timeline_markers() -> None:
    items = [
        {"id": "a", "group": "fatal", "evidence": [{"start": 4.0}]},
        {"id": "b", "group": "rest", "evidence": [{"start": 1.0}]},
        {"id": "c", "group": "review", "evidence": []},
    ]
    metrics = {
        "silences": [{"start_s": 10, "end_s": 12}, {"start_s": 20, "end_s": 28}],
        "overlaps": [{"start_s": 30, "duration_s": 1}],
        "sentiment": {"customer": {"peak": {"time_s": 25, "score": -0.8}}},
    }
    found = [(m["kind"], m["start"]) for m in markers(items, metrics, 40)]
    assert found == [
        ("review", 0),
        ("fatal", 4),
        ("silence", 20),
        ("sentiment", 25),
        ("overlap", 30),
    ]


def _items_in_order(page: str) -> list[str]:
    return re.findall(r'<article class="vitem[^"]*"[^>]*data-item="([^"]+)"', page)


def test_verdicts_fatal_failed_review_then_the_rest(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    with sessions.begin() as session:
        result_id = session.scalar(select(ScoreResult.id).where(ScoreResult.call_pk == pk))
        session.execute(
            update(ItemResultRow)
            .where(ItemResultRow.result_id == result_id, ItemResultRow.item_id == "closing")
            .values(route="review", confidence=0.55)
        )
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    order = _items_in_order(page)
    groups = re.findall(r'<article class="vitem[^"]*"[^>]*data-group="([^"]+)"', page)
    assert order[0] == "forbidden_phrase"  # the fatal one
    assert groups[:4] == ["fatal", "failed", "failed", "review"] and order[3] == "closing"
    assert set(groups[4:]) == {"rest"}
    # the rest sits in a collapsed panel after the flagged ones
    assert page.index('id="rest-items"') > page.index('data-item="closing"')
    assert 'class="accordion-collapse collapse"' in page
    # one timeline marker per flagged item, by severity
    assert len(re.findall(r'class="tl-marker tl-(?:fatal|failed|review)"', page)) == 4
    assert "置信 0.55" in page and "原文" in page


def test_evidence_grouped_per_sentence_in_the_page(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    with sessions.begin() as session:
        seg = session.scalars(
            select(TranscriptSegment).where(TranscriptSegment.call_pk == pk).order_by("idx")
        ).all()[4]
        result_id = session.scalar(select(ScoreResult.id).where(ScoreResult.call_pk == pk))
        same = {"start": seg.start_s, "end": seg.end_s, "role": seg.role, "text": seg.text}
        session.execute(
            update(ItemResultRow)
            .where(
                ItemResultRow.result_id == result_id, ItemResultRow.item_id == "forbidden_phrase"
            )
            .values(evidence=[same | {"match": "急什么"}, same | {"match": "系统"}])
        )
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    item = page[page.index('id="item-forbidden_phrase"') :]
    item = item[: item.index("</article>")]
    assert item.count('class="evidence ') == 1  # one row for the sentence, not one per keyword
    assert re.findall(r"<mark>([^<]+)</mark>", item) == ["急什么", "系统"]
    # and the transcript carries both spans for the item
    assert len(re.findall(r'class="hit"[^>]*data-items="[^"]*forbidden_phrase', page)) == 2


def test_low_confidence_words_marked_and_masked(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c22_privacy_leak")
    digits = "13812345678"
    with sessions.begin() as session:
        segs = session.scalars(
            select(TranscriptSegment).where(TranscriptSegment.call_pk == pk).order_by("idx")
        ).all()
        segs[1].text = f"号码是{digits}对吧"
        segs[1].words = [
            {"text": "号码是", "probability": 0.9, "start_s": 0, "end_s": 1},
            {"text": digits, "probability": 0.2, "start_s": 1, "end_s": 2},
        ]
        segs[2].words, segs[2].confidence = None, 0.3
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert f'<span class=" low-conf" title="识别置信度低：0.20">{digits}</span>' in page
    assert re.search(r'class="bubble seg \w+ low-sentence" id="seg-2"', page)
    assert not re.search(r'class="bubble seg \w+ low-sentence" id="seg-1"', page)
    masked = as_role("trainer").get(f"/calls/{pk}").get_data(as_text=True)
    assert digits not in masked
    assert '<span class=" low-conf" title="识别置信度低：0.20">*******5678</span>' in masked


def _angry_call(qa, sessions, **anger) -> int:  # type: ignore[no-untyped-def]
    """c26's pk, its anger flag's stored columns set to `anger`."""
    pk = call_pk(qa, "c26_angry_ends_worse")
    with sessions.begin() as session:
        session.execute(
            update(CallFlag)
            .where(CallFlag.call_pk == pk, CallFlag.flag == "customer_anger")
            .values(**anger)
        )
    return pk


def test_flags_show_their_confidence_and_basis_in_the_header(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = _angry_call(qa, sessions, confidence=0.83, basis="intent,regex")
    with sessions.begin() as session:
        session.add(CallFlag(call_pk=pk, flag="churn_risk", evidence=[]))  # stored before
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    badges = dict(
        re.findall(
            r'class="badge [^"]*flag-badge"[^>]*>([^<]+)'
            r'(?: <small class="flag-basis[^"]*">([^<]+)</small>)?</span>',
            page,
        )
    )
    # as each verdict shows it: how sure, and every kind of evidence it rests on
    assert badges["客户愤怒"] == "置信 0.83 · 意图模型 · 规则"
    assert badges["离网风险"] == ""  # not known: nothing shown
    qa.post("/language", data={"lang": "en"})
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert "Confidence 0.83 · Intent model · Pattern</small>" in page


def test_save_and_go_to_the_next_call(as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    r = qa.post(
        f"/calls/{pk}/review",
        data={
            "verdict:forbidden_phrase": "confirm",
            "verdict:empathy": "confirm",
            "verdict:identity_verification": "confirm",
            "then": "next",
        },
    )
    assert r.status_code == 302
    following = int(re.search(r"/calls/(\d+)$", r.headers["Location"]).group(1))
    assert following != pk
    page = qa.get(r.headers["Location"]).get_data(as_text=True)
    assert "复核已保存，最终得分 0" in page
    assert status_line(qa.get(f"/calls/{pk}").get_data(as_text=True)) == "已复核"


def test_nothing_ticked_is_an_error_inside_the_workspace(as_role) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    r = qa.post(f"/calls/{pk}/review", data={"comment:empathy": "?", "then": "next"})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert 'id="review-form"' in page and 'id="transcript"' in page
    error = re.search(r'id="review-error" class="([^"]*)"[^>]*>([^<]*)<', page)
    assert "d-none" not in error.group(1) and "没有勾选任何项目" in error.group(2)


def test_header_words_and_english(app, as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    with sessions() as session:
        call = session.get(Call, pk)
        name, code = call.agent_name, call.agent_id
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert status_line(page) == "待复核"
    assert f"{name}（{code}）" in page  # the agent's name beside the code
    assert "<kbd>c</kbd> 确认" in page and "<kbd>j</kbd> 下一通" in page
    assert re.search(r'id="call-survey">问卷: <strong>(不满意|满意|基本满意|未回复)</strong>', page)
    qa.post("/language", data={"lang": "en"})
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert status_line(page) == "Needs review"
    for words in ("Save and next call", "Transcript", "Verdicts", "Timeline", ">Confirm<"):
        assert words in page or words.strip("><") in page, words
    assert "保存并下一通" not in page and "转写" not in page


def test_agent_sees_the_appeal_deadline_and_a_form_per_failed_item(as_role) -> None:
    agent = as_role("agent5")
    pk = call_pk(as_role("qa"), "c26_angry_ends_worse")
    page = agent.get(f"/calls/{pk}").get_data(as_text=True)
    assert re.search(r'id="appeal-deadline">.*申诉截止：\d{4}-\d\d-\d\d \d\d:\d\d', page, re.S)
    forms = re.findall(r'class="appeal-form collapse mt-1" id="appeal-([\w-]+)"', page)
    assert set(forms) == {"forbidden_phrase", "empathy", "identity_verification"}
    assert 'id="review-form"' not in page


def test_a_reviewer_confirms_or_dismisses_an_unsure_flag(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = _angry_call(qa, sessions, confidence=0.78, basis="intent", route="review")
    # the queue marks the flag as waiting for a reviewer, the call page asks for a decision
    queue = qa.get("/?sort=newest").get_data(as_text=True)
    chip = r'flag-unsure me-1 flag-chip"[^>]*>.{0,200}客户愤怒.{0,200}待确认'
    assert re.search(chip, queue, re.S)
    waiting = qa.get("/?flag=%40waiting").get_data(as_text=True)
    assert ">c26_angry_ends_worse<" in waiting and "待确认的标记" in waiting
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert 'class="flag-state text-warning-emphasis">待确认</small>' in page
    assert f'action="/calls/{pk}/flags/customer_anger"' in page
    # an agent may not decide; an unknown decision is refused
    agent = as_role("agent5")
    assert (
        agent.post(f"/calls/{pk}/flags/customer_anger", data={"decision": "dismissed"}).status_code
        == 403
    )
    assert (
        qa.post(f"/calls/{pk}/flags/customer_anger", data={"decision": "maybe"}).status_code == 400
    )
    assert (
        qa.post(f"/calls/{pk}/flags/churn_risk", data={"decision": "dismissed"}).status_code == 400
    )
    r = qa.post(f"/calls/{pk}/flags/customer_anger", data={"decision": "dismissed"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/calls/{pk}")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert "已排除标记：客户愤怒" in page  # the flash
    assert re.search(r"flag-badge text-decoration-line-through[^>]*>客户愤怒", page)
    assert "已排除（qa）" in page and "待确认</small>" not in page
    assert ">c26_angry_ends_worse<" not in qa.get("/?flag=%40waiting").get_data(as_text=True)
    # the dismissed flag leaves the queue's chips; the reviewer can still confirm it instead
    assert (
        "客户愤怒"
        not in re.search(
            rf'href="/calls/{pk}">.*?</tr>', qa.get("/?sort=newest").get_data(as_text=True), re.S
        )
        .group(0)
        .split("why small", 1)[-1]
    )
    entry = re.search(r'data-flag="customer_anger">.*?</form>', page, re.S).group(0)
    assert 'value="confirmed"' in entry and 'value="dismissed"' not in entry


def test_an_unsure_flag_alone_puts_the_call_under_review_until_decided(as_role, sessions) -> None:
    qa = as_role("qa")
    pk = call_pk(qa, "c01_compliant_billing")
    with sessions.begin() as session:
        session.execute(
            update(ScoreResult).where(ScoreResult.call_pk == pk).values(needs_review=False)
        )
        session.add(
            CallFlag(call_pk=pk, flag="churn_risk", evidence=[], confidence=0.7, route="review")
        )
    assert 'data-state="needs_review"' in qa.get(f"/calls/{pk}").get_data(as_text=True)
    qa.post(f"/calls/{pk}/flags/churn_risk", data={"decision": "confirmed"})
    assert 'data-state="scored"' in qa.get(f"/calls/{pk}").get_data(as_text=True)


def test_a_dismissal_reason_is_masked_for_a_role_that_sees_numbers_masked(
    as_role, sessions
) -> None:
    qa = as_role("qa")
    pk = _angry_call(qa, sessions, route="review")
    reason = "客户说回拨13812345678"
    qa.post(f"/calls/{pk}/flags/customer_anger", data={"decision": "dismissed", "comment": reason})
    assert reason in qa.get(f"/calls/{pk}").get_data(as_text=True)
    page = as_role("trainer").get(f"/calls/{pk}").get_data(as_text=True)
    assert "13812345678" not in page and "5678" in page  # masked in the header and the history


def test_a_flag_taken_back_says_so_in_the_header(as_role, sessions) -> None:
    # the engine's reason for sending a flag to a reviewer: its threats taken back later
    qa = as_role("qa")
    pk = _angry_call(qa, sessions, confidence=0.5, basis="exact,taken_back", route="review")
    page = qa.get(f"/calls/{pk}").get_data(as_text=True)
    assert re.search(r'class="flag-basis[^"]*">置信 0.50 · [^<]*疑似已撤回</small>', page)
