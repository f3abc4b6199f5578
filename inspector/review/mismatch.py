"""The QA/survey mismatch flag: QA passed the call but the customer was dissatisfied, or the
reverse. Kept current by the batch (one call at a time) and after survey imports (all calls)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.review.priority import update_priority
from inspector.settings import Settings
from inspector.store.models import CallFlag
from inspector.surveys.queries import load_scored_surveys
from surveys.insights import ScoredSurvey, mismatch

MISMATCH_FLAG = "qa_survey_mismatch"
LEVEL_LABEL = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def _mismatch_flag(s: ScoredSurvey, settings: Settings) -> CallFlag | None:
    kind = mismatch(
        s.qa_score,
        s.fatal,
        s.level,
        settings.survey_mismatch_qa_high,
        settings.survey_mismatch_qa_low,
    )
    if kind is None:
        return None
    text = f"客户评价「{LEVEL_LABEL.get(s.level, s.level)}」，质检得分 {s.qa_score:.0f}"
    return CallFlag(
        call_pk=s.call_pk,
        flag=MISMATCH_FLAG,
        evidence=[
            {
                "start": 0.0,
                "end": 0.0,
                "role": "customer",
                "text": text + ("（致命项）" if s.fatal else ""),
                "match": kind,
                "response_key": s.response_key,
            }
        ],
    )


def refresh_mismatch_flags(
    session: Session, settings: Settings, call_pks: list[int] | None = None
) -> int:
    """Recompute the QA/survey mismatch flags (all calls, or those given); returns how many."""
    query = delete(CallFlag).where(CallFlag.flag == MISMATCH_FLAG)
    if call_pks is not None:
        query = query.where(CallFlag.call_pk.in_(call_pks))
        before: set[int] = set()
    else:
        before = set(
            session.scalars(select(CallFlag.call_pk).where(CallFlag.flag == MISMATCH_FLAG))
        )
    session.execute(query)
    # only the calls asked about: a worker finishing one call must not read every survey
    surveys = load_scored_surveys(session, call_pks=call_pks)
    flags = [f for s in surveys if (f := _mismatch_flag(s, settings))]
    flagged: set[int] = set()
    for flag in flags:  # one flag per call even when several surveys disagree
        if flag.call_pk not in flagged:
            flagged.add(flag.call_pk)
            session.add(flag)
    session.flush()
    touched = set(call_pks) if call_pks is not None else flagged | before
    update_priority(session, touched)
    return len(flagged)
