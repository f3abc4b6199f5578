"""The appeals list: each appeal with its call, agent, dates and the end of the appeal window
it was filed in; open ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from inspector.store.models import Appeal, Call, Review, ScoreResult, User

APPEAL_STATUSES = ("open", "accepted", "rejected")


@dataclass(frozen=True)
class AppealRow:
    id: int
    call_pk: int
    call_id: str
    agent_id: str | None
    agent_name: str | None
    item_id: str
    reason: str
    status: str
    final: bool
    decision_reason: str | None
    filed_at: datetime
    #: the end of the appeal window the appeal was filed in (the verdict's publication + window)
    deadline: datetime
    decided_at: datetime | None
    decided_by: str | None


@dataclass(frozen=True)
class AppealPage:
    rows: list[AppealRow]
    total: int
    #: appeals by status, among those the user may see
    counts: dict[str, int]


def appeal_page(
    session: Session,
    window: timedelta,
    agent_user_id: int | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> AppealPage:
    """One page of appeals (an agent's own when `agent_user_id`), open first, newest first."""
    mine = [Appeal.agent_user_id == agent_user_id] if agent_user_id is not None else []
    counts = {s: 0 for s in APPEAL_STATUSES}
    for value, n in session.execute(
        select(Appeal.status, func.count()).where(*mine).group_by(Appeal.status)
    ):
        counts[str(value)] = int(n)
    where = [*mine, *([Appeal.status == status] if status else [])]
    decider = aliased(User)
    rows = session.execute(
        select(Appeal, Call.call_id, Call.agent_id, Call.agent_name)
        .add_columns(decider.display_name, decider.username)
        .join(Call, Call.id == Appeal.call_pk)
        .outerjoin(decider, decider.id == Appeal.decided_by)
        .where(*where)
        .order_by(Appeal.status != "open", Appeal.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    published = _published(session, [(r[0].call_pk, _utc(r[0].created_at)) for r in rows])
    out = [
        AppealRow(
            id=a.id,
            call_pk=a.call_pk,
            call_id=call_id,
            agent_id=agent_id,
            agent_name=agent_name,
            item_id=a.item_id,
            reason=a.reason,
            status=a.status,
            final=a.final,
            decision_reason=a.decision_reason,
            filed_at=_utc(a.created_at),
            deadline=published[(a.call_pk, _utc(a.created_at))] + window,
            decided_at=_utc(a.decided_at) if a.decided_at else None,
            decided_by=(name or username) if username else None,
        )
        for a, call_id, agent_id, agent_name, name, username in rows
    ]
    total = sum(counts.values()) if not status else counts.get(status, 0)
    return AppealPage(out, total, counts)


def _published(
    session: Session, filed: list[tuple[int, datetime]]
) -> dict[tuple[int, datetime], datetime]:
    """When the verdict each appeal answers was published (as `rounds.published_at` saw it when
    the appeal was filed): the last review round before the filing, else the scoring. Two IN
    queries over the page's calls."""
    pks = sorted({pk for pk, _ in filed})
    results: dict[int, list[datetime]] = {}
    reviews: dict[int, list[datetime]] = {}
    if pks:
        for pk, at in session.execute(
            select(ScoreResult.call_pk, ScoreResult.created_at).where(ScoreResult.call_pk.in_(pks))
        ):
            results.setdefault(pk, []).append(_utc(at))
        for pk, at in session.execute(
            select(Review.call_pk, Review.created_at).where(Review.call_pk.in_(pks))
        ):
            reviews.setdefault(pk, []).append(_utc(at))
    out = {}
    for pk, at in filed:
        scored = results.get(pk) or [at]
        result_at = max((t for t in scored if t <= at), default=min(scored))
        rounds = [t for t in reviews.get(pk, []) if result_at <= t <= at]
        out[(pk, at)] = max(rounds, default=result_at)
    return out


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
