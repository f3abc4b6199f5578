"""Reviewers' decisions on the machine's risk flags. A flag is routed by its confidence as an
item verdict is (scoring.engine): a final flag stands as raised; a sampled or review one is
unsure until a reviewer confirms or dismisses it. A dismissed flag no longer counts anywhere
(queue chips and filter, queue order, dashboards, exports); the decision outlives a re-run of
the call and every decision stays in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector.review.priority import update_priority
from inspector.review.rounds import audit, call_trail, current_result
from inspector.store.models import AuditEntry, CallFlag, User, utcnow
from inspector.store.worklist_models import FlagDecision, decidable

ACTION = "flag_decided"
DECISIONS = ("confirmed", "dismissed")


class FlagDecisionError(ValueError):
    """A decision on a flag the call does not carry, or an unknown decision."""


@dataclass(frozen=True)
class ShownDecision:
    decision: str
    who: str
    at: datetime
    comment: str


def decisions(session: Session, call_pk: int) -> dict[str, ShownDecision]:
    """The call's flag decisions by flag, with who made them."""
    rows = session.execute(
        select(FlagDecision, User.display_name, User.username)
        .outerjoin(User, User.id == FlagDecision.decided_by)
        .where(FlagDecision.call_pk == call_pk)
    )
    return {
        d.flag: ShownDecision(d.decision, name or username or "?", d.decided_at, d.comment or "")
        for d, name, username in rows
    }


def decide_flag(
    session: Session, user: User, call_pk: int, flag: str, decision: str, comment: str = ""
) -> FlagDecision:
    """Confirm or dismiss a flag the machine raised on the call; deciding again replaces the
    decision (both stay in the call's audit trail). The call's queue order follows. Refused for
    a measurement and on a call whose result is locked (a final judgement)."""
    if decision not in DECISIONS:
        raise FlagDecisionError(f"decision {decision!r}: must be one of {', '.join(DECISIONS)}")
    raised = session.execute(
        select(CallFlag.id, CallFlag.basis)
        .where(CallFlag.call_pk == call_pk, CallFlag.flag == flag)
        .limit(1)
    ).first()
    if raised is None:
        raise FlagDecisionError(f"flag {flag!r}: the call does not carry it")
    if not decidable(raised.basis):
        raise FlagDecisionError(f"flag {flag!r}: a measurement, not a judgement to decide")
    result = current_result(session, call_pk)
    if result is not None and result.locked:
        raise FlagDecisionError("the call's result is locked (a final judgement)")
    mine = select(FlagDecision).where(FlagDecision.call_pk == call_pk, FlagDecision.flag == flag)
    row = session.scalar(mine)
    if row is None:
        try:
            with session.begin_nested():  # a second reviewer deciding at the same moment
                row = FlagDecision(call_pk=call_pk, flag=flag, decision=decision)
                session.add(row)
        except IntegrityError:
            row = session.scalars(mine).one()
        before = None
    else:
        before = row.decision
    row.decision, row.decided_by, row.decided_at = decision, user.id, utcnow()
    row.comment = comment or None
    audit(
        session,
        user,
        ACTION,
        "call",
        call_pk,
        {"flag": flag, "decision": before},
        {"flag": flag, "decision": decision},
        comment or None,
    )
    session.flush()
    update_priority(session, [call_pk])
    return row


def decision_trail(session: Session, call_pk: int) -> list[tuple[AuditEntry, str]]:
    """Every decision on the call's flags, oldest first, with who made it."""
    return call_trail(session, call_pk, ACTION)
