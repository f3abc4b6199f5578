"""Survey queries the other concerns read: surveys sent in a range, and answered surveys joined
to their call's QA result (for the insights and the QA/survey mismatch flag)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.store.models import Call, ItemResultRow, ScoreResult, SurveyResponse
from surveys.insights import ScoredSurvey
from surveys.report import to_100


def sent_between(query: Any, start: datetime | None, end: datetime | None) -> Any:
    """The query limited to surveys sent in [start, end)."""
    if start is not None:
        query = query.where(SurveyResponse.sent_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.sent_at < end)
    return query


def load_scored_surveys(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    call_pks: list[int] | None = None,
) -> list[ScoredSurvey]:
    """Answered surveys joined to a call that has a QA result (the reviewed score if any), of
    every call or only of those given."""
    query = sent_between(
        select(
            SurveyResponse.call_pk,
            Call.call_id,
            Call.agent_id,
            ScoreResult.id,
            ScoreResult.score,
            ScoreResult.final_score,
            ScoreResult.fatal,
            SurveyResponse.level,
            SurveyResponse.scale,
            SurveyResponse.score,
            SurveyResponse.response_key,
        )
        .join(Call, Call.id == SurveyResponse.call_pk)
        .join(ScoreResult, ScoreResult.call_pk == SurveyResponse.call_pk)
        .where(SurveyResponse.responded.is_(True), SurveyResponse.level.is_not(None)),
        start,
        end,
    )
    if call_pks is not None:
        query = query.where(SurveyResponse.call_pk.in_(call_pks))
    rows = session.execute(query).all()
    items: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    result_ids = sorted({r[3] for r in rows})
    for chunk in range(0, len(result_ids), 5000):
        ids = result_ids[chunk : chunk + 5000]
        for result_id, item_id, status in session.execute(
            select(ItemResultRow.result_id, ItemResultRow.item_id, ItemResultRow.status).where(
                ItemResultRow.result_id.in_(ids)
            )
        ):
            failed, applicable = items[result_id]
            if status != "not_applicable":
                applicable.add(item_id)
            if status == "failed":
                failed.add(item_id)
    out = []
    for call_pk, call_id, agent, result_id, score, final, fatal, level, scale, answer, key in rows:
        failed, applicable = items[result_id]
        out.append(
            ScoredSurvey(
                call_pk=call_pk,
                call_id=call_id,
                agent=agent,
                qa_score=float(final if final is not None else score),
                fatal=bool(fatal),
                level=level,
                satisfaction=to_100(scale, answer) if scale and answer is not None else 50.0,
                failed_items=frozenset(failed),
                applicable_items=frozenset(applicable),
                response_key=key,
            )
        )
    return out
