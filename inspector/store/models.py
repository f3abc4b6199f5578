"""Typed SQLAlchemy models: calls, pipeline jobs, results, surveys, review and training."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# Enums are stored as plain strings so adding a member needs no schema change.
class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    QA_LEAD = "qa_lead"
    QA = "qa"
    TRAINER = "trainer"
    MANAGER = "manager"
    AGENT = "agent"


class Call(Base):
    """One version of one recording with its metadata."""

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("call_id", "version", name="uq_calls_call_id_version"),
        Index("ix_calls_started_at", "started_at"),
        Index("ix_calls_agent", "agent_id"),
        Index("ix_calls_team_queue", "team", "skill_queue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(128))
    #: review queue order, kept by inspector/review/priority.py: 0 fatal, 1 needs review, 2 flagged,
    #: 3 scored, 4 reviewed, 5 no QA result yet
    queue_priority: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    agent_id: Mapped[str | None] = mapped_column(String(64))
    agent_name: Mapped[str | None] = mapped_column(String(128))
    team: Mapped[str | None] = mapped_column(String(64))
    skill_queue: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime | None]
    duration_s: Mapped[float | None] = mapped_column(Float)
    customer_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(Text)
    audio_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    audio_format: Mapped[str | None] = mapped_column(String(32))
    channel_layout: Mapped[str | None] = mapped_column(String(16))
    channels: Mapped[int | None] = mapped_column(Integer)
    sample_rate_hz: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)

    def metadata_dict(self) -> dict[str, Any]:
        """The call's metadata as scoring and exports see it (manifest extras included)."""
        return {
            "agent_id": self.agent_id,
            "agent_name": self.agent_name,
            "team": self.team,
            "skill_queue": self.skill_queue,
            "direction": self.direction,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "duration_s": self.duration_s,
            **(self.extra or {}),
        }

    job: Mapped[Job] = relationship(back_populates="call", uselist=False, passive_deletes=True)
    segments: Mapped[list[TranscriptSegment]] = relationship(
        order_by="TranscriptSegment.start_s", passive_deletes=True
    )
    metrics: Mapped[CallMetrics | None] = relationship(uselist=False, passive_deletes=True)
    score_results: Mapped[list[ScoreResult]] = relationship(passive_deletes=True)
    flags: Mapped[list[CallFlag]] = relationship(passive_deletes=True)


# the review queue's order: priority, newest first (migration 0010)
Index(
    "ix_calls_queue_order",
    Call.is_current,
    Call.queue_priority,
    Call.started_at.desc(),
    Call.id.desc(),
)


class Job(Base):
    """Pipeline state of one call: the unit a worker claims under a lease."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_claim", "status", "lease_expires_at"),
        Index("ix_jobs_dispatch", "status", "dispatched_at"),
        Index("ix_jobs_finished", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    stage: Mapped[str | None] = mapped_column(String(32))
    #: asr (decode + transcribe), then analysis (sentiment, metrics, score); the local engine
    #: runs both in one go, the Celery engine on separate queues
    phase: Mapped[str] = mapped_column(String(16), default="asr", server_default="asr")
    #: the ASR output handed to the analysis phase (cleared when the call is done)
    transcript: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: when a Celery task was last sent for this job (None: not sent; the local engine)
    dispatched_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(128))
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    call: Mapped[Call] = relationship(back_populates="job")


class TranscriptSegment(Base):
    __tablename__ = "transcript_segments"
    __table_args__ = (Index("ix_segments_call", "call_pk", "start_s"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    channel: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    avg_logprob: Mapped[float | None] = mapped_column(Float)
    no_speech_prob: Mapped[float | None] = mapped_column(Float)
    words: Mapped[list[Any] | None] = mapped_column(JSON)
    sentiment: Mapped[float | None] = mapped_column(Float)
    anger: Mapped[float | None] = mapped_column(Float)


class CallMetrics(Base):
    __tablename__ = "call_metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    duration_s: Mapped[float] = mapped_column(Float)
    talk_s: Mapped[float] = mapped_column(Float)
    non_talk_s: Mapped[float] = mapped_column(Float)
    agent_talk_ratio: Mapped[float | None] = mapped_column(Float)
    customer_talk_ratio: Mapped[float | None] = mapped_column(Float)
    longest_silence_s: Mapped[float] = mapped_column(Float, default=0.0)
    overlap_count: Mapped[int] = mapped_column(Integer, default=0)
    overlap_s: Mapped[float] = mapped_column(Float, default=0.0)
    agent_rate_cpm: Mapped[float | None] = mapped_column(Float)
    customer_rate_cpm: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ScoreResult(Base):
    __tablename__ = "score_results"
    __table_args__ = (Index("ix_score_results_call", "call_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    scorecard: Mapped[str] = mapped_column(String(64))
    scorecard_version: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    final_score: Mapped[float | None] = mapped_column(Float)
    review_status: Mapped[str] = mapped_column(String(16), default="unreviewed")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[ItemResultRow]] = relationship(passive_deletes=True)


class ItemResultRow(Base):
    __tablename__ = "item_results"
    __table_args__ = (
        Index("ix_item_results_item", "item_id", "status"),
        Index("ix_item_results_result", "result_id", "item_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("score_results.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256), default="")
    status: Mapped[str] = mapped_column(String(16))
    deduction: Mapped[float] = mapped_column(Float, default=0.0)
    fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: how likely the machine verdict is right (0 .. 1), what it rests on (exact, pinyin, intent,
    #: metric ..., comma-separated) and where it was routed (final, sampled, review) and why
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    basis: Mapped[str] = mapped_column(String(64), default="", server_default="")
    route: Mapped[str] = mapped_column(String(16), default="final", server_default="final")
    review_reason: Mapped[str] = mapped_column(String(128), default="", server_default="")


class CallFlag(Base):
    """A risk flag (complaint, churn, anger, low ASR confidence) with its evidence."""

    __tablename__ = "call_flags"
    __table_args__ = (
        Index("ix_call_flags_flag", "flag"),
        Index("ix_call_flags_call", "call_pk", "flag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: how likely the flag is right (0 .. 1) and what it rests on (exact, intent, metric ...,
    #: comma-separated), as for an item; NULL: not known (a row written before they were kept)
    confidence: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str | None] = mapped_column(String(64))
    #: where it went by its confidence (final, sampled, review): an unsure flag waits for a
    #: reviewer's decision (inspector.store.worklist_models.FlagDecision)
    route: Mapped[str] = mapped_column(String(16), default="final", server_default="final")


class SurveyResponse(Base):
    """A survey invitation and, when the customer answered, the answer."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        # with the level: the review queue's survey filter probes the index alone
        Index("ix_survey_call_level", "call_pk", "level"),
        Index("ix_survey_sent", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_key: Mapped[str] = mapped_column(String(128), unique=True)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_row: Mapped[int | None] = mapped_column(Integer)
    call_ref: Mapped[str | None] = mapped_column(String(128))
    call_pk: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    join_method: Mapped[str] = mapped_column(String(16), default="unmatched")
    customer_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    responded: Mapped[bool] = mapped_column(Boolean, default=False)
    scale: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(16))
    #: likelihood to recommend, 0-10, when the survey asks it
    nps: Mapped[float | None] = mapped_column(Float)
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: dimension -> its scale (csat5, ten_point ...), so the composite index can normalise
    dimension_scales: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    comment_sentiment: Mapped[float | None] = mapped_column(Float)
    comment_category: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: part of every session cookie; a new one (sign-out, new password or role, disabling)
    #: ends all of the user's sessions
    session_token: Mapped[str] = mapped_column(
        String(64), default=new_session_token, server_default=""
    )


class SignInFailure(Base):
    """Failed sign-ins in a row under one user name (known or not): the per-account throttle."""

    __tablename__ = "sign_in_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class Review(Base):
    """One reviewer's verdict on one machine item result, in one review round."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    item_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_results.id", ondelete="SET NULL")
    )
    round: Mapped[int] = mapped_column(Integer, default=1)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))  # confirm | overturn | manual
    item_id: Mapped[str | None] = mapped_column(String(64))
    deduction: Mapped[float] = mapped_column(Float, default=0.0)
    comment: Mapped[str | None] = mapped_column(Text)
    score_before: Mapped[float | None] = mapped_column(Float)
    score_after: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appeal(Base):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    agent_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|accepted|rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Clip(Base):
    """A span of a call saved for training, with its tags."""

    __tablename__ = "clips"
    __table_args__ = (Index("ix_clips_item", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    kind: Mapped[str | None] = mapped_column(String(16))  # good | bad
    item_id: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class Playlist(Base):
    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (
        UniqueConstraint("playlist_id", "position", name="uq_playlist_position"),
        Index("ix_playlist_items_clip", "clip_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


# registered with Base.metadata here, so that every user of the models (Alembic, create_all) has it
from inspector.store.correction_models import TranscriptCorrection  # noqa: E402, F401
from inspector.store.reason_models import CallKeyword, CallReason  # noqa: E402, F401
from inspector.store.worklist_models import (  # noqa: E402, F401
    Assignment,
    FlagDecision,
    SavedFilter,
)
