"""Assignment: a QA lead gives calls to a reviewer (qa or qa_lead); each reviewer's "我的待办"
is the queue filtered to the calls assigned to them and not yet reviewed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.review.rounds import audit
from inspector.store.models import Assignment, Call, User, UserRole, utcnow

#: who can be given calls to review
REVIEWER_ROLES = (UserRole.QA, UserRole.QA_LEAD)
#: the most calls one assignment takes (selected rows or the filter's first N)
MAX_CALLS = 500


@dataclass(frozen=True)
class Reviewer:
    id: int
    username: str
    display_name: str | None
    role: str

    @property
    def name(self) -> str:
        return self.display_name or self.username


def reviewers(session: Session) -> list[Reviewer]:
    """The active users calls can be assigned to, by name."""
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([str(r) for r in REVIEWER_ROLES]))
        .order_by(User.username)
    )
    return [Reviewer(u.id, u.username, u.display_name, u.role) for u in users]


def reviewer(session: Session, user_id: int) -> User | None:
    """The user by id when calls can be assigned to them, else None."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.role not in [str(r) for r in REVIEWER_ROLES]:
        return None
    return user


def assign(session: Session, lead: User, pks: Sequence[int], assignee: User | None) -> int:
    """Give these current calls to `assignee` (None: take them back from whoever has them);
    a call has one assignee, so assigning again moves it. Returns how many calls it covered."""
    wanted = sorted(set(pks))[:MAX_CALLS]
    found = list(
        session.scalars(select(Call.id).where(Call.id.in_(wanted), Call.is_current.is_(True)))
    )
    if not found:
        return 0
    session.execute(delete(Assignment).where(Assignment.call_pk.in_(found)))
    if assignee is not None:
        now = utcnow()
        session.add_all(
            Assignment(call_pk=pk, assignee_id=assignee.id, assigned_by=lead.id, assigned_at=now)
            for pk in found
        )
    session.flush()
    audit(
        session,
        lead,
        "assign" if assignee is not None else "unassign",
        "assignment",
        assignee.id if assignee is not None else "",
        None,
        {"calls": found},
    )
    return len(found)
