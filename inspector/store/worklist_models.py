"""The reviewers' worklists: calls a QA lead assigned, queue filters people saved, and the
reviewers' decisions on the machine's risk flags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, exists
from sqlalchemy.orm import Mapped, mapped_column

from inspector.store.models import Base, CallFlag, utcnow


class Assignment(Base):
    """A call a QA lead gave to one reviewer (one reviewer per call: assigning again moves it)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_assignee", "assignee_id", "call_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedFilter(Base):
    """A queue filter a user saved under a name: the query string it was saved from."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlagDecision(Base):
    """A reviewer's decision on a risk flag the machine raised on a call: confirmed or dismissed.
    One per call and flag (deciding again replaces it; the audit log keeps each); it outlives a
    re-run of the call, as a reviewer's correction of the call reasons does."""

    __tablename__ = "flag_decisions"
    __table_args__ = (UniqueConstraint("call_pk", "flag", name="uq_flag_decisions_call_flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))  # confirmed | dismissed
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)


def dismissed(flag_table: Any = CallFlag) -> Any:
    """SQL: the flag row was dismissed by a reviewer (`~dismissed()`: the flag is in force)."""
    return exists().where(
        FlagDecision.call_pk == flag_table.call_pk,
        FlagDecision.flag == flag_table.flag,
        FlagDecision.decision == "dismissed",
    )


#: a flag on this basis alone is a measurement (no speech, low ASR confidence), no judgement a
#: reviewer confirms or dismisses
MEASUREMENT = "metric"


def decidable(basis: str | None) -> bool:
    """A measurement (no speech, low ASR confidence: basis `metric` alone) is no judgement a
    reviewer confirms or dismisses; every other flag is."""
    return basis != MEASUREMENT


def waiting(route: str | None, decision: str | None, basis: str | None = None) -> bool:
    """A flag waits for a reviewer: routed to one (review or sampled), decidable and nobody has
    decided it yet. `unsure()` is the same rule in SQL, for the queue and the dashboards."""
    return (route or "final") != "final" and decidable(basis) and decision is None


def unsure(flag_table: Any = CallFlag) -> Any:
    """SQL: the flag was routed to a reviewer (review or sampled), is no measurement and nobody
    has decided it (`waiting` in Python)."""
    return and_(
        flag_table.route != "final",
        flag_table.basis.is_distinct_from(MEASUREMENT),
        ~exists().where(
            FlagDecision.call_pk == flag_table.call_pk, FlagDecision.flag == flag_table.flag
        ),
    )
