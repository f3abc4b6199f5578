"""Review rounds, appeals and the audit trail in the database (rules in scoring/review.py).

Helpers take the session and never commit: the web views open `session_factory.begin()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.review.priority import update_priority
from inspector.store.models import (
    Appeal,
    AuditEntry,
    ItemResultRow,
    Review,
    ScoreResult,
    User,
    utcnow,
)
from scoring.review import (
    AppealStatus,
    ItemState,
    ManualItem,
    ReviewError,
    Verdict,
    apply_verdicts,
    check_can_appeal,
    check_can_decide,
    final_score,
    validate_manual,
)
from scoring.scorecard import Scorecard


def audit(
    session: Session,
    user: User | None,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict | None = None,
    after: dict | None = None,
    comment: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            user_id=user.id if user else None,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            comment=comment,
        )
    )


def call_trail(session: Session, call_pk: int, action: str) -> list[tuple[AuditEntry, str]]:
    """Every audit entry of one action on a call, oldest first, with who made it."""
    return list(
        session.execute(
            select(AuditEntry, User.username)
            .join(User, User.id == AuditEntry.user_id)
            .where(
                AuditEntry.action == action,
                AuditEntry.entity == "call",
                AuditEntry.entity_id == str(call_pk),
            )
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def current_result(session: Session, call_pk: int) -> ScoreResult | None:
    return session.scalars(
        select(ScoreResult).where(ScoreResult.call_pk == call_pk).order_by(ScoreResult.id.desc())
    ).first()


@dataclass(frozen=True)
class ReviewedState:
    items: list[ItemState]
    manual: list[ManualItem]
    rounds: int
    score: float


def reviewed_state(session: Session, result: ScoreResult, scorecard: Scorecard) -> ReviewedState:
    """The machine's items with every stored round replayed on them, and the manual items."""
    points = {i.id: i.points for i in scorecard.items}
    rows = session.scalars(
        select(ItemResultRow).where(ItemResultRow.result_id == result.id).order_by(ItemResultRow.id)
    ).all()
    items = [
        ItemState(r.item_id, r.status, r.deduction, points.get(r.item_id, r.deduction), r.fatal)
        for r in rows
    ]
    reviews = session.scalars(
        select(Review)
        .where(Review.call_pk == result.call_pk, Review.created_at >= result.created_at)
        .order_by(Review.round, Review.id)
    ).all()
    manual: list[ManualItem] = []
    for review in reviews:
        if review.verdict == "manual":
            manual.append(ManualItem(review.item_id or "", review.deduction, review.comment or ""))
        elif review.verdict in (Verdict.OVERTURN, Verdict.CONFIRM) and review.item_id:
            items = apply_verdicts(items, {review.item_id: Verdict(review.verdict)})
    rounds = max((r.round for r in reviews), default=0)
    return ReviewedState(items, manual, rounds, final_score(items, manual, scorecard.base))


def submit_review(
    session: Session,
    user: User,
    result: ScoreResult,
    scorecard: Scorecard,
    verdicts: dict[str, Verdict],
    comments: dict[str, str],
    manual: list[ManualItem],
) -> float:
    """Store one review round (one row per decision) and the new final score; returns it."""
    if result.locked:
        raise ReviewError("this call has a final judgement and can no longer be reviewed")
    manual = validate_manual(manual)
    if not verdicts and not manual:
        raise ReviewError("nothing to record: confirm or overturn an item, or add a deduction")
    state = reviewed_state(session, result, scorecard)
    items_after = apply_verdicts(state.items, verdicts)
    score_after = final_score(items_after, state.manual + manual, scorecard.base)
    round_no = state.rounds + 1
    by_item = {
        r.item_id: r.id
        for r in session.scalars(select(ItemResultRow).where(ItemResultRow.result_id == result.id))
    }
    for item_id, verdict in verdicts.items():
        session.add(
            Review(
                call_pk=result.call_pk,
                item_result_id=by_item.get(item_id),
                round=round_no,
                reviewer_id=user.id,
                verdict=str(verdict),
                item_id=item_id,
                comment=comments.get(item_id) or None,
                score_before=state.score,
                score_after=score_after,
            )
        )
    for m in manual:
        session.add(
            Review(
                call_pk=result.call_pk,
                round=round_no,
                reviewer_id=user.id,
                verdict="manual",
                item_id=m.title,
                deduction=m.deduction,
                comment=m.comment or None,
                score_before=state.score,
                score_after=score_after,
            )
        )
    before = {"final_score": result.final_score, "review_status": result.review_status}
    result.final_score = score_after
    result.review_status = "reviewed"
    session.flush()
    update_priority(session, [result.call_pk])
    audit(
        session,
        user,
        "review",
        "call",
        result.call_pk,
        before,
        {
            "final_score": score_after,
            "round": round_no,
            "verdicts": {k: str(v) for k, v in verdicts.items()},
            "manual": [{"title": m.title, "deduction": m.deduction} for m in manual],
        },
        "; ".join(f"{k}: {v}" for k, v in comments.items() if v) or None,
    )
    return score_after


def published_at(session: Session, result: ScoreResult) -> datetime:
    """When the verdict the agent sees was published: the last review round, else scoring."""
    last = session.scalar(
        select(func.max(Review.created_at)).where(
            Review.call_pk == result.call_pk, Review.created_at >= result.created_at
        )
    )
    when = last or result.created_at
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def file_appeal(
    session: Session,
    agent: User,
    result: ScoreResult,
    scorecard: Scorecard,
    item_id: str,
    reason: str,
    window: timedelta,
    now: datetime | None = None,
) -> Appeal:
    if not reason.strip():
        raise ReviewError("an appeal needs a reason")
    state = reviewed_state(session, result, scorecard)
    status = next((i.status for i in state.items if i.item_id == item_id), None)
    open_items = set(
        session.scalars(
            select(Appeal.item_id).where(
                Appeal.call_pk == result.call_pk, Appeal.status == AppealStatus.OPEN
            )
        )
    )
    check_can_appeal(
        locked=result.locked,
        open_items=open_items,
        item_id=item_id,
        item_status=status,
        published_at=published_at(session, result),
        now=now or utcnow(),
        window=window,
    )
    appeal = Appeal(call_pk=result.call_pk, item_id=item_id, agent_user_id=agent.id, reason=reason)
    session.add(appeal)
    session.flush()
    audit(session, agent, "appeal", "appeal", appeal.id, None, {"item_id": item_id}, reason)
    return appeal


def decide_appeal(
    session: Session,
    lead: User,
    appeal: Appeal,
    scorecard: Scorecard,
    accept: bool,
    reason: str,
    final: bool,
) -> float:
    """Accept (the item is overturned, the score adjusted) or reject; `final` locks the call."""
    result = current_result(session, appeal.call_pk)
    if result is None:
        raise ReviewError("the call has no QA result")
    check_can_decide(appeal.status, result.locked)
    if not reason.strip():
        raise ReviewError("a decision needs a reason")
    before = {"status": appeal.status, "final_score": result.final_score}
    state = reviewed_state(session, result, scorecard)
    score = state.score
    if accept:
        appealed = next((i for i in state.items if i.item_id == appeal.item_id), None)
        if appealed is None or appealed.status != "failed":
            # the verdict changed since the appeal was filed (a transcript correction re-scored
            # the call): overturning it now would fail an item the agent had passed
            raise ReviewError(
                f"item {appeal.item_id} is no longer failed on the current result:"
                " reject the appeal with that reason"
            )
        items_after = apply_verdicts(state.items, {appeal.item_id: Verdict.OVERTURN})
        score = final_score(items_after, state.manual, scorecard.base)
        session.add(
            Review(
                call_pk=result.call_pk,
                round=state.rounds + 1,
                reviewer_id=lead.id,
                verdict=str(Verdict.OVERTURN),
                item_id=appeal.item_id,
                comment=f"申诉成立: {reason}",
                score_before=state.score,
                score_after=score,
            )
        )
        result.final_score = score
        result.review_status = "appeal_accepted"
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decided_by = lead.id
    appeal.decision_reason = reason
    appeal.decided_at = utcnow()
    appeal.final = final
    if final:
        result.locked = True
    session.flush()
    update_priority(session, [result.call_pk])
    audit(
        session,
        lead,
        "appeal_decision",
        "appeal",
        appeal.id,
        before,
        {"status": appeal.status, "final_score": result.final_score, "final": final},
        reason,
    )
    return score
