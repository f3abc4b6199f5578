"""Transcript correction: the scorer sees the corrected sentence, the score and the trail change,
reviewers' verdicts are carried or invalidated; real SQLite and the real analysis stages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from asr.types import Role, Segment, Transcript
from inspector.accounts import add_user
from inspector.batch.rescore import PipelineRescorer
from inspector.review.corrections import (
    CorrectionError,
    SegmentEdit,
    correct_segment,
    ordered_segments,
)
from inspector.review.rounds import current_result, reviewed_state, submit_review
from inspector.store.correction_models import TranscriptCorrection
from inspector.store.models import AuditEntry, Call, Job
from scoring.review import Verdict
from scoring.scorecard import load_scorecard

CARD = load_scorecard("telecom_hotline")
#: the ASR heard a forbidden phrase (fatal) in sentence 4; the agent said something else
SENTENCES = (
    (Role.AGENT, "您好，工号幺零零八，很高兴为您服务，请问有什么可以帮您？"),
    (Role.CUSTOMER, "我想查一下这个月的话费。"),
    (Role.AGENT, "好的，请您稍等，正在为您查询。"),
    (Role.CUSTOMER, "好的。"),
    (Role.AGENT, "这不归我管。"),
    (Role.CUSTOMER, "请问还有其他可以帮您的吗？感谢您的来电，再见。"),
)
RIGHT = "您本月的话费是八十元，已经为您查好了。"


def make_transcript() -> Transcript:
    return Transcript(
        tuple(
            Segment(4.0 * i, 4.0 * i + 3.0, role, text) for i, (role, text) in enumerate(SENTENCES)
        )
    )


@pytest.fixture
def scored(settings, sessions):  # type: ignore[no-untyped-def]
    """A scored call (through the rescorer, as the batch writes it) and a QA user."""
    rescore = PipelineRescorer(settings, CARD)
    with sessions.begin() as session:
        call = Call(
            call_id="c-corr",
            source_path="/rec/c-corr.wav",
            audio_sha256="c" * 64,
            started_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
            duration_s=24.0,
        )
        session.add(call)
        session.flush()
        session.add(Job(call_pk=call.id, status="done"))
        rescore(session, call, make_transcript())
        add_user(session, "qa", "qa", "correct horse 1")
        pk = call.id
    return pk, rescore


def _qa(session):  # type: ignore[no-untyped-def]
    from inspector.store.models import User

    return session.scalar(select(User).where(User.username == "qa"))


def test_a_correction_changes_what_the_scorer_sees_and_the_score(sessions, scored) -> None:
    pk, rescore = scored
    with sessions.begin() as session:
        before = current_result(session, pk)
        assert before.fatal and before.score == 0
        outcome = correct_segment(
            session, _qa(session), pk, SegmentEdit(4, RIGHT, "agent", "ASR 听错"), CARD, rescore
        )
    assert outcome.score_before == 0
    assert outcome.score_after > 50
    assert outcome.delta == outcome.score_after
    with sessions() as session:
        result = current_result(session, pk)
        assert not result.fatal and result.final_score == outcome.score_after
        forbidden = next(i for i in result.items if i.item_id == "forbidden_phrase")
        assert forbidden.status == "passed"
        assert ordered_segments(session, pk)[4].text == RIGHT
        row = session.scalar(select(TranscriptCorrection))
        assert (row.text_before, row.text_after) == ("这不归我管。", RIGHT)
        assert (row.role_before, row.role_after) == ("agent", "agent")
        assert row.comment == "ASR 听错" and row.user_id == _qa(session).id
        assert (row.score_before, row.score_after) == (0, outcome.score_after)
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "transcript_corrected"))


def test_a_second_correction_of_the_same_sentence_keeps_both_in_the_trail(sessions, scored) -> None:
    pk, rescore = scored
    with sessions.begin() as session:
        first = correct_segment(
            session, _qa(session), pk, SegmentEdit(4, RIGHT, "agent"), CARD, rescore
        )
    with sessions.begin() as session:
        second = correct_segment(
            session, _qa(session), pk, SegmentEdit(4, "你听不懂吗？", "agent"), CARD, rescore
        )
    assert second.score_before == first.score_after
    assert second.score_after == 0  # the forbidden phrase was said after all
    with sessions() as session:
        rows = session.scalars(select(TranscriptCorrection).order_by(TranscriptCorrection.id))
        trail = [(r.text_before, r.text_after) for r in rows]
    assert trail == [("这不归我管。", RIGHT), (RIGHT, "你听不懂吗？")]


def test_a_speaker_change_is_scored_as_the_new_speaker(sessions, scored) -> None:
    pk, rescore = scored
    with sessions() as session:
        closing = next(i for i in current_result(session, pk).items if i.item_id == "closing")
        assert closing.status == "failed"  # the closing words were given to the customer
    with sessions.begin() as session:
        text = SENTENCES[5][1]
        outcome = correct_segment(
            session, _qa(session), pk, SegmentEdit(5, text, "agent"), CARD, rescore
        )
    with sessions() as session:
        result = current_result(session, pk)
        closing = next(i for i in result.items if i.item_id == "closing")
        assert closing.status == "passed"
        assert ordered_segments(session, pk)[5].role == "agent"
        row = session.scalar(select(TranscriptCorrection))
        assert (row.role_before, row.role_after) == ("customer", "agent")
    assert outcome.score_before == 0  # still fatal: only the speaker changed


def test_verdicts_on_unchanged_items_are_carried_the_others_invalidated(sessions, scored) -> None:
    pk, rescore = scored
    with sessions.begin() as session:
        result = current_result(session, pk)
        submit_review(
            session,
            _qa(session),
            result,
            CARD,
            {"forbidden_phrase": Verdict.CONFIRM, "closing": Verdict.OVERTURN},
            {"closing": "结束语其实说了"},
            [],
        )
    with sessions.begin() as session:
        outcome = correct_segment(
            session, _qa(session), pk, SegmentEdit(4, RIGHT, "agent"), CARD, rescore
        )
    assert (outcome.carried, outcome.invalidated) == (1, 1)
    with sessions() as session:
        row = session.scalar(select(TranscriptCorrection))
        assert [i["item_id"] for i in row.invalidated] == ["forbidden_phrase"]
        assert [c["item_id"] for c in row.carried] == ["closing"]
        result = current_result(session, pk)
        state = reviewed_state(session, result, CARD)
        closing = next(i for i in state.items if i.item_id == "closing")
        assert closing.status == "passed"  # the reviewer's overturn still stands
        assert result.final_score == state.score == outcome.score_after
        # a verdict no longer applies: the call needs a reviewer again
        assert result.review_status == "unreviewed"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (SegmentEdit(99, "好的。", "agent"), "segment"),
        (SegmentEdit(-1, "好的。", "agent"), "segment"),
        (SegmentEdit(4, "   ", "agent"), "text"),
        (SegmentEdit(4, "这不归我管。", "agent"), "text"),
        (SegmentEdit(4, "好的。", "robot"), "role"),
        (SegmentEdit(4, "好的。", "agent", expected_start_s=3.0), "segment"),
        (SegmentEdit(4, "好的。", "agent", "x" * 501), "comment"),
    ],
)
def test_bad_corrections_name_the_field(sessions, scored, edit, field) -> None:
    pk, rescore = scored
    with sessions.begin() as session, pytest.raises(CorrectionError) as caught:
        correct_segment(session, _qa(session), pk, edit, CARD, rescore)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_a_locked_call_cannot_be_corrected(sessions, scored) -> None:
    pk, rescore = scored
    with sessions.begin() as session:
        current_result(session, pk).locked = True
    with sessions.begin() as session, pytest.raises(CorrectionError, match="final judgement"):
        correct_segment(session, _qa(session), pk, SegmentEdit(4, RIGHT, "agent"), CARD, rescore)


def test_an_appeal_on_an_item_a_correction_passed_cannot_be_accepted(sessions, scored) -> None:
    """Accepting it would overturn the new verdict: the passed item would fail again."""
    from datetime import timedelta

    from inspector.review.rounds import decide_appeal, file_appeal
    from inspector.store.models import User
    from scoring.review import ReviewError

    pk, rescore = scored
    with sessions.begin() as session:
        add_user(session, "a1", "agent", "correct horse 1", agent_id="A1")
        add_user(session, "lead", "qa_lead", "correct horse 1")
        agent = session.scalar(select(User).where(User.username == "a1"))
        appeal = file_appeal(
            session,
            agent,
            current_result(session, pk),
            CARD,
            "forbidden_phrase",
            "我没说这句话",
            timedelta(days=7),
        )
        appeal_id = appeal.id
        correct_segment(
            session, _qa(session), pk, SegmentEdit(4, RIGHT, "agent", ""), CARD, rescore
        )
    with sessions.begin() as session:
        from inspector.store.models import Appeal

        lead = session.scalar(select(User).where(User.username == "lead"))
        with pytest.raises(ReviewError, match="no longer failed"):
            decide_appeal(session, lead, session.get(Appeal, appeal_id), CARD, True, "成立", False)
        assert (
            decide_appeal(
                session, lead, session.get(Appeal, appeal_id), CARD, False, "已更正", False
            )
            > 50
        )
