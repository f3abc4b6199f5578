"""Reviewers' decisions on the machine's risk flags. A flag is routed by its confidence as an
item verdict is (scoring.engine): a final flag stands as raised; a sampled or review one is
unsure until a reviewer confirms or dismisses it. A dismissed flag no longer counts anywhere
(queue chips and filter, queue order, dashboards, exports); the decision outlives a re-run of
the call and every decision stays in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.review.priority import update_priority
from inspector.review.rounds import audit
from inspector.store.models import CallFlag, User, utcnow
from inspector.store.worklist_models import FlagDecision

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
    decision (both stay in the audit log). The call's queue order follows."""
    if decision not in DECISIONS:
        raise FlagDecisionError(f"decision {decision!r}: must be one of {', '.join(DECISIONS)}")
    raised = session.scalar(
        select(CallFlag.id).where(CallFlag.call_pk == call_pk, CallFlag.flag == flag).limit(1)
    )
    if raised is None:
        raise FlagDecisionError(f"flag {flag!r}: the call does not carry it")
    row = session.scalar(
        select(FlagDecision).where(FlagDecision.call_pk == call_pk, FlagDecision.flag == flag)
    )
    before = {"decision": row.decision} if row else {"decision": None}
    if row is None:
        row = FlagDecision(call_pk=call_pk, flag=flag)
        session.add(row)
    row.decision, row.decided_by, row.decided_at = decision, user.id, utcnow()
    row.comment = comment or None
    after = {"decision": decision}
    audit(session, user, ACTION, "call_flag", f"{call_pk}:{flag}", before, after, comment or None)
    session.flush()
    update_priority(session, [call_pk])
    return row
