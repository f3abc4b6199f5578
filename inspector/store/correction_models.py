"""Reviewers' transcript corrections (kept apart from models.py, which holds the rest of the
schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspector.store.models import Base, utcnow


class TranscriptCorrection(Base):
    """A reviewer's correction of one transcript sentence (text or speaker) and the re-score it
    caused: the trail keeps the sentence before and after, who, when and the score delta."""

    __tablename__ = "transcript_corrections"
    __table_args__ = (
        Index("ix_transcript_corrections_call", "call_pk", "segment_idx"),
        Index("ix_transcript_corrections_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    #: the sentence's place in the call's transcript (time order)
    segment_idx: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    text_before: Mapped[str] = mapped_column(Text)
    text_after: Mapped[str] = mapped_column(Text)
    role_before: Mapped[str] = mapped_column(String(16))
    role_after: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    #: the final (reviewed) score before and after the re-score, and the machine's
    score_before: Mapped[float | None] = mapped_column(Float)
    score_after: Mapped[float | None] = mapped_column(Float)
    machine_before: Mapped[float | None] = mapped_column(Float)
    machine_after: Mapped[float | None] = mapped_column(Float)
    #: reviewers' verdicts carried onto the new result, and those the re-score invalidated
    #: (their item's machine verdict changed): [{"review_id", "item_id", "verdict", ...}]
    carried: Mapped[list[Any]] = mapped_column(JSON, default=list)
    invalidated: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
