"""The call-reason rows (kept apart from models.py, which holds the rest of the schema)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspector.store.models import Base, utcnow


class CallReason(Base):
    """Why the customer called: one reason of a call, from the model or a reviewer's correction
    (the machine's rows stay, inactive, when a reviewer corrects them)."""

    __tablename__ = "call_reasons"
    __table_args__ = (
        Index("ix_call_reasons_reason", "reason", "active", "call_pk"),
        Index("ix_call_reasons_call", "call_pk", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(64))
    probability: Mapped[float] = mapped_column(Float)
    #: the customer's sentence that shows it (segment index, text, start)
    segment_idx: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    start_s: Mapped[float | None] = mapped_column(Float)
    #: the MIIT complaint class (network / billing / service), on a complaint's row only
    complaint_class: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="model")  # model | review
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CallKeyword(Base):
    """A telling word of the customer's turns (jieba keywords): emerging phrases are counted
    from these."""

    __tablename__ = "call_keywords"
    __table_args__ = (
        Index("ix_call_keywords_call", "call_pk"),
        Index("ix_call_keywords_keyword", "keyword"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(32))
