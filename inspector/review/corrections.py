"""Transcript correction: a reviewer fixes one sentence (its text or its speaker), the call is
re-scored at once from the corrected transcript, and the trail keeps both versions.

The re-score writes a new QA result the way a pipeline re-run does (the old one is replaced, and
`reviewed_state` replays only the reviews made after a result was written). Reviewers' verdicts
are then carried onto the new result where the machine's verdict of their item did not change
(same status, deduction and fatality), and manual deductions always; a verdict whose item changed
is invalidated: not carried, listed in the correction's `invalidated` and shown in the trail, and
the call goes back to "unreviewed" so that someone looks at it again.

The re-score itself (the pipeline's analysis stages) lives in inspector/batch/rescore.py and is
handed in as a `Rescorer`: the review layer does not import the batch layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from asr.types import Role, Segment, Transcript, Word
from inspector.review.priority import update_priority
from inspector.review.rounds import audit, current_result, reviewed_state
from inspector.store.correction_models import TranscriptCorrection
from inspector.store.models import (
    Call,
    CallFlag,
    Review,
    ScoreResult,
    TranscriptSegment,
    User,
)
from scoring.review import ItemState, ManualItem, ReviewError, Verdict, apply_verdicts, final_score
from scoring.scorecard import Scorecard

#: the speakers a reviewer may give a sentence
ROLES = (Role.AGENT, Role.CUSTOMER)
MAX_TEXT = 2000
MAX_COMMENT = 500
ACTION = "transcript_corrected"


#: why a correction is refused: code -> (the form field at fault, the message)
REFUSALS = {
    "no_call": ("call", "no such call"),
    "processing": ("call", "the call is still being processed"),
    "locked": ("call", "this call has a final judgement and can no longer change"),
    "no_segment": ("segment", "no such sentence in this call"),
    "stale": ("segment", "the transcript changed since the page was loaded"),
    "empty": ("text", "must not be empty"),
    "too_long": ("text", f"longer than {MAX_TEXT} characters"),
    "unchanged": ("text", "nothing changed"),
    "bad_role": ("role", f"must be one of {', '.join(ROLES)}"),
    "long_comment": ("comment", f"longer than {MAX_COMMENT} characters"),
}


class CorrectionError(ReviewError):
    """A correction the rules refuse: `code` says why, `field` names the form field at fault."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.field, reason = REFUSALS[code]
        super().__init__(f"{self.field}: {reason}")


@dataclass(frozen=True)
class SegmentEdit:
    """What the reviewer typed: the sentence (by its index in time order) and its new version."""

    index: int
    text: str
    role: str
    comment: str = ""
    #: the sentence's start as the page showed it: a stale page is refused, not misapplied
    expected_start_s: float | None = None


@dataclass(frozen=True)
class CorrectionOutcome:
    correction_id: int
    score_before: float | None
    score_after: float | None
    carried: int
    invalidated: int

    @property
    def delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 2)


class Rescorer(Protocol):
    """Re-scores a call from a transcript and writes its results (segments, metrics, flags, QA
    result) as the batch does; inspector.batch.rescore.PipelineRescorer is the real one."""

    def __call__(self, session: Session, call: Call, transcript: Transcript) -> None: ...


def ordered_segments(session: Session, call_pk: int) -> list[TranscriptSegment]:
    """The call's sentences in time order: the index a correction names (as the call page)."""
    return list(
        session.scalars(
            select(TranscriptSegment)
            .where(TranscriptSegment.call_pk == call_pk)
            .order_by(TranscriptSegment.start_s, TranscriptSegment.idx)
        )
    )


def stored_transcript(
    rows: Sequence[TranscriptSegment], dropped: tuple[tuple[float, float], ...] = ()
) -> Transcript:
    """The transcript the pipeline scored, rebuilt from the stored sentences."""
    return Transcript(
        segments=tuple(
            Segment(
                start_s=r.start_s,
                end_s=r.end_s,
                role=Role(r.role),
                text=r.text,
                confidence=r.confidence if r.confidence is not None else 1.0,
                channel=r.channel,
                avg_logprob=r.avg_logprob,
                no_speech_prob=r.no_speech_prob,
                words=tuple(Word(**w) for w in r.words or ()),
                sentiment=r.sentiment,
                anger=r.anger,
            )
            for r in rows
        ),
        engine="corrected",
        dropped=dropped,
    )


def _dropped_spans(session: Session, call_pk: int) -> tuple[tuple[float, float], ...]:
    """Speech the ASR guard dropped (not stored as such: the evidence of the flags that name it
    keeps the spans), so that the re-score sees it as the first score did."""
    spans = set()
    for evidence in session.scalars(select(CallFlag.evidence).where(CallFlag.call_pk == call_pk)):
        for e in evidence or []:
            if e.get("match") == "dropped":
                spans.add((float(e["start"]), float(e["end"])))
    return tuple(sorted(spans))


def validate(edit: SegmentEdit, rows: Sequence[TranscriptSegment]) -> tuple[str, str]:
    """The clean text and role of an edit, or a CorrectionError naming the field."""
    if not 0 <= edit.index < len(rows):
        raise CorrectionError("no_segment")
    row = rows[edit.index]
    if edit.expected_start_s is not None and abs(row.start_s - edit.expected_start_s) > 0.01:
        raise CorrectionError("stale")
    text = " ".join(edit.text.split())
    if not text:
        raise CorrectionError("empty")
    if len(text) > MAX_TEXT:
        raise CorrectionError("too_long")
    if edit.role not in ROLES:
        raise CorrectionError("bad_role")
    if len(edit.comment) > MAX_COMMENT:
        raise CorrectionError("long_comment")
    if text == row.text and edit.role == row.role:
        raise CorrectionError("unchanged")
    return text, edit.role


def correct_segment(
    session: Session,
    user: User,
    call_pk: int,
    edit: SegmentEdit,
    scorecard: Scorecard,
    rescore: Rescorer,
) -> CorrectionOutcome:
    """Correct one sentence, re-score the call and keep the trail; never commits."""
    call = session.get(Call, call_pk)
    if call is None:
        raise CorrectionError("no_call")
    if call.job is not None and call.job.status != "done":
        raise CorrectionError("processing")
    old = current_result(session, call_pk)
    if old is not None and old.locked:
        raise CorrectionError("locked")
    rows = ordered_segments(session, call_pk)
    text, role = validate(edit, rows)
    row = rows[edit.index]
    before = {"text": row.text, "role": row.role, "start_s": row.start_s, "end_s": row.end_s}

    old_state = reviewed_state(session, old, scorecard) if old is not None else None
    old_machine = _machine(old)
    old_status = old.review_status if old is not None else "unreviewed"
    machine_before = old.score if old is not None else None
    old_reviews = _epoch_reviews(session, old)

    transcript = stored_transcript(rows, _dropped_spans(session, call_pk))
    fixed = replace(
        transcript.segments[edit.index],
        text=text,
        role=Role(role),
        # a reviewer's sentence is certain; its words' timings were of the text heard
        confidence=1.0,
        words=(),
    )
    segments = list(transcript.segments)
    segments[edit.index] = fixed
    if old is not None:
        # the rescore replaces the result (its items go with it in the database): forget them
        for item in old.items:
            session.expunge(item)
        session.expunge(old)
    rescore(session, call, replace(transcript, segments=tuple(segments)))
    session.flush()

    new = current_result(session, call_pk)
    carried, invalidated = _carry_reviews(
        session, new, scorecard, old_reviews, old_machine, _machine(new)
    )
    if new is not None:
        state = reviewed_state(session, new, scorecard)
        new.final_score = state.score
        reviewed = carried and not invalidated and old_status != "unreviewed"
        new.review_status = old_status if reviewed else "unreviewed"
        session.flush()
        update_priority(session, [call_pk])

    correction = TranscriptCorrection(
        call_pk=call_pk,
        segment_idx=edit.index,
        start_s=before["start_s"],
        end_s=before["end_s"],
        text_before=before["text"],
        text_after=text,
        role_before=before["role"],
        role_after=role,
        user_id=user.id,
        comment=edit.comment.strip() or None,
        score_before=old_state.score if old_state else None,
        score_after=new.final_score if new is not None else None,
        machine_before=machine_before,
        machine_after=new.score if new is not None else None,
        carried=carried,
        invalidated=invalidated,
    )
    session.add(correction)
    session.flush()
    audit(
        session,
        user,
        ACTION,
        "call",
        call_pk,
        before,
        {"text": text, "role": role, "score": correction.score_after},
        correction.comment,
    )
    return CorrectionOutcome(
        correction.id,
        correction.score_before,
        correction.score_after,
        len(carried),
        len(invalidated),
    )


def _machine(result: ScoreResult | None) -> dict[str, tuple[str, float, bool]]:
    """Each item's machine verdict: what a reviewer's verdict was given on."""
    if result is None:
        return {}
    return {i.item_id: (i.status, round(i.deduction, 4), i.fatal) for i in result.items}


def _epoch_reviews(session: Session, result: ScoreResult | None) -> list[Review]:
    """The reviews replayed on a result (those made after it was written), oldest first."""
    if result is None:
        return []
    return list(
        session.scalars(
            select(Review)
            .where(Review.call_pk == result.call_pk, Review.created_at >= result.created_at)
            .order_by(Review.round, Review.id)
        )
    )


def _carry_reviews(
    session: Session,
    new: ScoreResult | None,
    scorecard: Scorecard,
    reviews: list[Review],
    old_machine: dict[str, tuple[str, float, bool]],
    new_machine: dict[str, tuple[str, float, bool]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Record again, on the new result, the verdicts that still apply; list the rest."""
    carried: list[dict[str, Any]] = []
    invalidated: list[dict[str, Any]] = []
    if new is None:
        return carried, [_summary(r, old_machine) for r in reviews]
    points = {i.id: i.points for i in scorecard.items}
    item_rows = {i.item_id: i for i in new.items}
    items = [
        ItemState(r.item_id, r.status, r.deduction, points.get(r.item_id, r.deduction), r.fatal)
        for r in sorted(new.items, key=lambda r: r.id)
    ]
    manual: list[ManualItem] = []
    by_round: dict[int, list[Review]] = {}
    for review in reviews:
        by_round.setdefault(review.round, []).append(review)
    for round_no in sorted(by_round):
        kept: list[Review] = []
        for review in by_round[round_no]:
            same = review.item_id in new_machine and old_machine.get(
                review.item_id or ""
            ) == new_machine.get(review.item_id or "")
            if review.verdict == "manual" or (
                review.verdict in (Verdict.CONFIRM, Verdict.OVERTURN) and same
            ):
                kept.append(review)
            else:
                invalidated.append(_summary(review, old_machine))
        if not kept:
            continue
        score_before = final_score(items, manual, scorecard.base)
        verdicts = {
            r.item_id: Verdict(r.verdict) for r in kept if r.verdict != "manual" and r.item_id
        }
        items = apply_verdicts(items, verdicts)
        manual += [
            ManualItem(r.item_id or "", r.deduction, r.comment or "")
            for r in kept
            if r.verdict == "manual"
        ]
        score_after = final_score(items, manual, scorecard.base)
        for review in kept:
            row = item_rows.get(review.item_id or "") if review.verdict != "manual" else None
            copy = Review(
                call_pk=review.call_pk,
                item_result_id=row.id if row is not None else None,
                round=review.round,
                reviewer_id=review.reviewer_id,
                verdict=review.verdict,
                item_id=review.item_id,
                deduction=review.deduction,
                comment=review.comment,
                score_before=score_before,
                score_after=score_after,
            )
            session.add(copy)
            session.flush()
            carried.append(_summary(review, old_machine) | {"carried_as": copy.id})
    return carried, invalidated


def _summary(review: Review, machine: dict[str, tuple[str, float, bool]]) -> dict[str, Any]:
    was = machine.get(review.item_id or "")
    return {
        "review_id": review.id,
        "round": review.round,
        "reviewer_id": review.reviewer_id,
        "verdict": review.verdict,
        "item_id": review.item_id,
        "machine_status": was[0] if was else None,
    }
