"""Write a processed call's results to the database, replacing any earlier ones."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.batch.pipeline import CallWork
from inspector.review.mismatch import refresh_mismatch_flags
from inspector.review.priority import update_priority
from inspector.settings import Settings
from inspector.store.models import (
    CallFlag,
    CallMetrics,
    ItemResultRow,
    ScoreResult,
    TranscriptSegment,
)
from inspector.store.reason_models import CallKeyword, CallReason
from scoring.io import evidence_json, metrics_json
from scoring.trajectory import call_trajectories
from scoring.types import CallResult

#: the flag of a call with no recognised speech (silence, noise, music): not scored
NO_SPEECH = "no_speech"


def clear_results(session: Session, call_pk: int) -> None:
    """Remove every stored result of a call (a re-run writes them afresh, never twice)."""
    for model in (TranscriptSegment, CallMetrics, ScoreResult, CallFlag, CallKeyword):
        session.execute(delete(model).where(model.call_pk == call_pk))
    # a reviewer's correction of the reasons outlives a re-run; the machine's are replaced
    session.execute(
        delete(CallReason).where(CallReason.call_pk == call_pk, CallReason.source == "model")
    )


def write_results(session: Session, work: CallWork, settings: Settings | None = None) -> None:
    call_pk = work.call.pk
    clear_results(session, call_pk)
    if work.transcript is not None:
        session.add_all(
            TranscriptSegment(
                call_pk=call_pk,
                idx=i,
                role=str(seg.role),
                channel=seg.channel,
                start_s=round(seg.start_s, 3),
                end_s=round(seg.end_s, 3),
                text=seg.text,
                confidence=seg.confidence,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
                words=[dataclasses.asdict(w) for w in seg.words] or None,
                sentiment=seg.sentiment,
                anger=seg.anger,
            )
            for i, seg in enumerate(work.transcript.segments)
        )
    if work.metrics is not None:
        m = work.metrics
        session.add(
            CallMetrics(
                call_pk=call_pk,
                duration_s=m.duration_s,
                talk_s=m.talk_s,
                non_talk_s=m.non_talk_s,
                agent_talk_ratio=m.roles["agent"].talk_ratio if "agent" in m.roles else None,
                customer_talk_ratio=(
                    m.roles["customer"].talk_ratio if "customer" in m.roles else None
                ),
                longest_silence_s=m.longest_silence_s,
                overlap_count=len(m.overlaps),
                overlap_s=round(m.overlap_s, 3),
                agent_rate_cpm=m.roles["agent"].speech_rate_cpm if "agent" in m.roles else None,
                customer_rate_cpm=(
                    m.roles["customer"].speech_rate_cpm if "customer" in m.roles else None
                ),
                data=metrics_json(m) | {"sentiment": _trajectories(work)},
            )
        )
    if work.reasons is not None:
        _write_reasons(session, work)
    if work.result is not None and work.result.no_speech:
        # nothing to judge: no QA result (so no QA statistics count it), the queue lists it
        # a count of recognised characters under the scorecard's minimum: a measurement
        session.add(
            CallFlag(call_pk=call_pk, flag=NO_SPEECH, evidence=[], confidence=1.0, basis="metric")
        )
    elif work.result is not None:
        _write_score(session, call_pk, work.result)
        if settings is not None:
            # a survey already joined to this call: does the new QA result disagree with it?
            session.flush()
            refresh_mismatch_flags(session, settings, [call_pk])
    session.flush()
    update_priority(session, [call_pk])


def _write_reasons(session: Session, work: CallWork) -> None:
    assert work.reasons is not None
    corrected = session.scalar(
        select(CallReason.id)
        .where(CallReason.call_pk == work.call.pk, CallReason.source == "review")
        .limit(1)
    )
    session.add_all(
        CallReason(
            call_pk=work.call.pk,
            reason=hit.code,
            probability=hit.probability,
            segment_idx=hit.segment_idx,
            evidence=hit.sentence,
            start_s=hit.start_s,
            complaint_class=hit.complaint_class,
            source="model",
            active=corrected is None,
        )
        for hit in work.reasons.reasons
    )
    session.add_all(CallKeyword(call_pk=work.call.pk, keyword=k) for k in work.reasons.keywords)


def _trajectories(work: CallWork) -> dict:
    if work.transcript is None or work.metrics is None:
        return {}
    found = call_trajectories(work.transcript, work.metrics.duration_s)
    return {role: t.as_json() for role, t in found.items()}


def _write_score(session: Session, call_pk: int, result: CallResult) -> None:
    row = ScoreResult(
        call_pk=call_pk,
        scorecard=result.scorecard,
        scorecard_version=result.scorecard_version,
        score=result.score,
        fatal=result.fatal,
        needs_review=result.needs_review,
        final_score=result.score,
    )
    row.items = [
        ItemResultRow(
            item_id=item.id,
            title=item.title,
            status=str(item.status),
            deduction=item.deduction,
            fatal=item.fatal,
            needs_review=item.needs_review,
            evidence=evidence_json(item.evidence),
            confidence=item.confidence,
            basis=",".join(item.basis),
            route=item.route,
            review_reason=item.review_reason,
        )
        for item in result.items
    ]
    session.add(row)
    session.add_all(
        CallFlag(
            call_pk=call_pk,
            flag=flag.id,
            evidence=evidence_json(flag.evidence),
            confidence=flag.confidence,
            basis=",".join(flag.basis) or None,
            route=flag.route,
        )
        for flag in result.flags
    )
