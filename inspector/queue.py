"""The review queue: flagged calls first, filters, sorting, pagination and QA sampling."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from inspector.models import Call, CallFlag, ItemResultRow, Job, ScoreResult, SurveyResponse

SORTS = {
    "priority": "flagged first (fatal, review needed, risk flags), newest first",
    "newest": "newest first",
    "oldest": "oldest first",
    "score": "lowest score first",
}
REVIEW_STATUSES = ("unreviewed", "reviewed", "appeal_accepted")


@dataclass(frozen=True)
class QueueFilter:
    start: datetime | None = None
    end: datetime | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    item: str | None = None  # a failed scorecard item
    flag: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    survey: str | None = None  # satisfied | basic | dissatisfied | none
    review: str | None = None  # unreviewed | reviewed | appeal_accepted
    status: str | None = None  # job status
    sort: str = "priority"


@dataclass(frozen=True)
class QueueRow:
    pk: int
    call_id: str
    started_at: datetime | None
    agent: str | None
    team: str | None
    queue: str | None
    status: str
    error: str | None
    score: float | None
    fatal: bool
    needs_review: bool
    review_status: str | None
    flags: list[str] = field(default_factory=list)


def _latest_result() -> Any:
    return (
        select(func.max(ScoreResult.id))
        .where(ScoreResult.call_pk == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )


def queue_query(f: QueueFilter, scope: Any = None) -> Any:
    """Current calls with their job and latest QA result, filtered and sorted."""
    flagged = exists().where(CallFlag.call_pk == Call.id)
    query = (
        select(Call.id, Call.call_id, Call.started_at, Call.agent_id, Call.team, Call.skill_queue)
        .add_columns(Job.status, Job.error, ScoreResult.final_score, ScoreResult.fatal)
        .add_columns(ScoreResult.needs_review, ScoreResult.review_status)
        .join(Job, Job.call_pk == Call.id)
        .outerjoin(ScoreResult, ScoreResult.id == _latest_result())
        .where(Call.is_current.is_(True))
    )
    if scope is not None:
        query = scope(query)
    conditions = []
    if f.start is not None:
        conditions.append(Call.started_at >= f.start)
    if f.end is not None:
        conditions.append(Call.started_at < f.end)
    for column, value in (
        (Call.agent_id, f.agent),
        (Call.team, f.team),
        (Call.skill_queue, f.queue),
    ):
        if value:
            conditions.append(column == value)
    if f.status:
        conditions.append(Job.status == f.status)
    if f.item:
        conditions.append(
            exists().where(
                ItemResultRow.result_id == ScoreResult.id,
                ItemResultRow.item_id == f.item,
                ItemResultRow.status == "failed",
            )
        )
    if f.flag:
        conditions.append(exists().where(CallFlag.call_pk == Call.id, CallFlag.flag == f.flag))
    if f.score_min is not None:
        conditions.append(ScoreResult.final_score >= f.score_min)
    if f.score_max is not None:
        conditions.append(ScoreResult.final_score <= f.score_max)
    if f.survey == "none":
        conditions.append(~exists().where(SurveyResponse.call_pk == Call.id))
    elif f.survey:
        conditions.append(
            exists().where(SurveyResponse.call_pk == Call.id, SurveyResponse.level == f.survey)
        )
    if f.review:
        conditions.append(ScoreResult.review_status == f.review)
    if conditions:
        query = query.where(and_(*conditions))
    newest = (Call.started_at.desc().nulls_last(), Call.id.desc())
    if f.sort == "newest":
        return query.order_by(*newest)
    if f.sort == "oldest":
        return query.order_by(Call.started_at.asc().nulls_last(), Call.id)
    if f.sort == "score":
        return query.order_by(ScoreResult.final_score.asc().nulls_last(), *newest)
    priority = case(
        (ScoreResult.fatal.is_(True), 0),
        (ScoreResult.needs_review.is_(True), 1),
        (flagged, 2),
        else_=3,
    )
    return query.order_by(priority, *newest)


def _rows(session: Session, query: Any) -> list[QueueRow]:
    rows = session.execute(query).all()
    flags: dict[int, list[str]] = {}
    pks = [r[0] for r in rows]
    if pks:
        for pk, flag in session.execute(
            select(CallFlag.call_pk, CallFlag.flag).where(CallFlag.call_pk.in_(pks))
        ):
            flags.setdefault(pk, []).append(flag)
    return [QueueRow(*r, flags=sorted(set(flags.get(r[0], [])))) for r in rows]


def page(
    session: Session, f: QueueFilter, number: int, size: int, scope: Any = None
) -> tuple[list[QueueRow], int]:
    """One page of the queue and the total count."""
    query = queue_query(f, scope)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return _rows(session, query.offset((number - 1) * size).limit(size)), int(total)


def sample(
    session: Session, f: QueueFilter, per_agent: str, seed: int, scope: Any = None
) -> list[QueueRow]:
    """Routine QA: N calls (\"5\") or N percent (\"10%\") per agent, drawn reproducibly."""
    text = per_agent.strip()
    percent = text.endswith("%")
    try:
        amount = float(text.rstrip("%"))
    except ValueError:
        raise ValueError(f"sample {per_agent!r}: use a count (5) or a percentage (10%)") from None
    if amount <= 0 or (percent and amount > 100):
        raise ValueError(f"sample {per_agent!r} is out of range")
    ids = session.execute(
        queue_query(f, scope).with_only_columns(Call.id, Call.agent_id).order_by(Call.id)
    ).all()
    by_agent: dict[str | None, list[int]] = {}
    for pk, agent in ids:
        by_agent.setdefault(agent, []).append(pk)
    rng = random.Random(seed)
    chosen: list[int] = []
    for agent in sorted(by_agent, key=lambda a: a or ""):
        pks = by_agent[agent]
        n = round(len(pks) * amount / 100) if percent else int(amount)
        chosen += rng.sample(pks, min(max(n, 1 if percent else 0), len(pks)))
    if not chosen:
        return []
    query = queue_query(f, scope).where(Call.id.in_(chosen))
    return _rows(session, query)
