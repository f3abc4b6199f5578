"""The job queue in the database: atomic claims under a lease, heartbeats, completion, retry."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from inspector.store.models import Call, Job, JobStatus, utcnow


class LeaseLost(Exception):
    """Another worker took the call over (our lease expired); our results must not be written."""


@dataclass(frozen=True)
class CallInfo:
    """What a worker needs to know about the call it claimed."""

    pk: int
    call_id: str
    version: int
    audio_path: str | None
    audio_sha256: str
    channels: int | None
    sample_rate_hz: int | None
    duration_s: float | None
    agent_channel: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    worker: str
    attempts: int
    call: CallInfo
    #: asr (from the recording) or analysis (from the transcript the ASR phase handed over)
    phase: str = "asr"
    transcript: dict[str, Any] | None = None


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        Job.status == JobStatus.QUEUED,
        and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now),
    )


def call_info(call: Call) -> CallInfo:
    """What the stages know of a call (as a worker's claim gives it)."""
    return CallInfo(
        pk=call.id,
        call_id=call.call_id,
        version=call.version,
        audio_path=call.audio_path,
        audio_sha256=call.audio_sha256,
        channels=call.channels,
        sample_rate_hz=call.sample_rate_hz,
        duration_s=call.duration_s,
        agent_channel=(call.extra or {}).get("agent_channel"),
        metadata=call.metadata_dict(),
    )


def claim(
    session_factory: sessionmaker[Session],
    worker: str,
    lease_s: float,
    max_attempts: int,
    *,
    call_pk: int | None = None,
    phase: str | None = None,
) -> Claim | None:
    """Atomically take the next queued call (or one whose lease expired), or that call in that
    phase (a Celery task); None when there is none to take."""
    while True:
        now = utcnow()
        with session_factory.begin() as session:
            candidate = select(Job.id).where(_claimable(now)).order_by(Job.id).limit(1)
            if call_pk is not None:
                candidate = candidate.where(Job.call_pk == call_pk)
            if phase is not None:
                candidate = candidate.where(Job.phase == phase)
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                candidate = candidate.with_for_update(skip_locked=True)
            job_id = session.scalar(candidate)
            if job_id is None:
                return None
            token = uuid.uuid4().hex
            taken = session.execute(
                update(Job)
                .where(Job.id == job_id, _claimable(now))
                .values(
                    status=JobStatus.RUNNING,
                    worker=worker,
                    lease_token=token,
                    lease_expires_at=now + timedelta(seconds=lease_s),
                    attempts=Job.attempts + 1,
                    stage="claimed",
                    started_at=now,
                    updated_at=now,
                )
            )
            if taken.rowcount != 1:
                continue  # someone else won the race; look again
            job = session.get_one(Job, job_id)
            session.refresh(job)
            if job.attempts > max_attempts:
                # Claimed again after its lease ran out each time: the call kills workers.
                job.status = JobStatus.FAILED
                job.error = (
                    f"abandoned: the worker processing it was lost {job.attempts - 1} times "
                    f"(last stage: {job.stage})"
                )
                job.lease_token = job.lease_expires_at = None
                job.finished_at = now
                continue
            return Claim(
                job.id,
                token,
                worker,
                job.attempts,
                call_info(job.call),
                job.phase,
                job.transcript,
            )


def renew(
    session_factory: sessionmaker[Session], c: Claim, lease_s: float, stage: str | None = None
) -> bool:
    """Extend the lease (and record the stage); False when the lease was lost."""
    now = utcnow()
    values: dict[str, Any] = {
        "lease_expires_at": now + timedelta(seconds=lease_s),
        "updated_at": now,
    }
    if stage is not None:
        values["stage"] = stage
    with session_factory.begin() as session:
        done = session.execute(
            update(Job)
            .where(Job.id == c.job_id, Job.lease_token == c.token, Job.status == JobStatus.RUNNING)
            .values(**values)
        )
        return done.rowcount == 1


def release_dead_worker(
    session_factory: sessionmaker[Session], worker_prefix: str, reason: str
) -> list[str]:
    """Queue again the calls a dead worker process held (its name starts with the prefix), at
    once rather than when their leases run out; returns their call ids. The attempt it used is
    counted, so a call that keeps killing workers still ends as failed."""
    now = utcnow()
    with session_factory.begin() as session:
        held = session.execute(
            select(Job.id, Call.call_id, Job.stage)
            .join(Call, Call.id == Job.call_pk)
            .where(Job.status == JobStatus.RUNNING, Job.worker.startswith(worker_prefix))
        ).all()
        for job_id, _, stage in held:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
                .values(
                    status=JobStatus.QUEUED,
                    lease_token=None,
                    lease_expires_at=None,
                    error=f"{reason} during {stage}; queued again",
                    updated_at=now,
                )
            )
    return [call_id for _, call_id, _ in held]


def _release_held(session: Session, c: Claim, what: str, **values: Any) -> None:
    """Update the job only if we still hold its lease (else LeaseLost): the lease ends."""
    now = utcnow()
    done = session.execute(
        update(Job)
        .where(Job.id == c.job_id, Job.lease_token == c.token, Job.status == JobStatus.RUNNING)
        .values(lease_token=None, lease_expires_at=None, updated_at=now, **values)
    )
    if done.rowcount != 1:
        raise LeaseLost(f"call {c.call.call_id}: lease lost before {what}")


def complete(
    session_factory: sessionmaker[Session], c: Claim, write: Callable[[Session], None]
) -> None:
    """Mark the job done and write its results in one transaction, only if we hold the lease."""
    with session_factory.begin() as session:
        _release_held(
            session,
            c,
            "results were written",
            status=JobStatus.DONE,
            stage="done",
            transcript=None,
            error=None,
            finished_at=utcnow(),
        )
        write(session)


def hand_over(
    session_factory: sessionmaker[Session], c: Claim, transcript: dict[str, Any], sent: bool
) -> None:
    """The ASR phase is done: store its transcript and queue the call for analysis (attempts
    count afresh), only if we still hold the lease."""
    with session_factory.begin() as session:
        _release_held(
            session,
            c,
            "the transcript was stored",
            status=JobStatus.QUEUED,
            phase="analysis",
            stage="transcribed",
            transcript=transcript,
            attempts=0,
            dispatched_at=utcnow() if sent else None,
        )


def fail(
    session_factory: sessionmaker[Session],
    c: Claim,
    error: str,
    *,
    permanent: bool,
    max_attempts: int,
) -> JobStatus:
    """Record a failure: back to the queue while attempts remain, else failed for good."""
    now = utcnow()
    final = permanent or c.attempts >= max_attempts
    status = JobStatus.FAILED if final else JobStatus.QUEUED
    with session_factory.begin() as session:
        session.execute(
            update(Job)
            .where(Job.id == c.job_id, Job.lease_token == c.token)
            .values(
                status=status,
                error=error,
                lease_token=None,
                lease_expires_at=None,
                finished_at=now if final else None,
                updated_at=now,
            )
        )
    return status


def release(session_factory: sessionmaker[Session], c: Claim) -> None:
    """Give a claimed call back untouched (worker shutting down); the attempt does not count."""
    with session_factory.begin() as session:
        session.execute(
            update(Job)
            .where(Job.id == c.job_id, Job.lease_token == c.token)
            .values(
                status=JobStatus.QUEUED,
                attempts=Job.attempts - 1,
                lease_token=None,
                lease_expires_at=None,
                stage=None,
                updated_at=utcnow(),
            )
        )


def retry(session: Session, call_ids: list[str] | None = None, include_done: bool = False) -> int:
    """Queue failed calls again (all, or those named), and with `include_done` finished ones
    too (after a scorecard or model change); returns how many."""
    states = [JobStatus.FAILED, JobStatus.DONE] if include_done else [JobStatus.FAILED]
    query = update(Job).where(Job.status.in_(states))
    if call_ids:
        pks = select(Call.id).where(Call.call_id.in_(call_ids), Call.is_current.is_(True))
        query = query.where(Job.call_pk.in_(pks))
    result = session.execute(
        query.values(
            status=JobStatus.QUEUED,
            attempts=0,
            stage=None,
            phase="asr",
            transcript=None,
            dispatched_at=None,
            finished_at=None,
            updated_at=utcnow(),
        )
    )
    return int(result.rowcount)


def counts(session: Session) -> dict[str, int]:
    """Jobs by status (every status present, zero when none)."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    out = {str(status): 0 for status in JobStatus}
    out.update({str(status): int(n) for status, n in rows})
    return out


def failures(session: Session, limit: int = 50) -> list[tuple[str, int, str | None, str | None]]:
    """Failed calls: (call id, version, stage, reason), newest first."""
    rows = session.execute(
        select(Call.call_id, Call.version, Job.stage, Job.error)
        .join(Job, Job.call_pk == Call.id)
        .where(Job.status == JobStatus.FAILED)
        .order_by(Job.updated_at.desc(), Call.id.desc())
        .limit(limit)
    ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def stage_counts(session: Session) -> list[tuple[tuple[str, str, str], int]]:
    """Unfinished calls by (phase, status, stage): where the pipeline's backlog sits."""
    rows = session.execute(
        select(Job.phase, Job.status, Job.stage, func.count())
        .where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
        .group_by(Job.phase, Job.status, Job.stage)
        .order_by(Job.phase, Job.status)
    ).all()
    return [((str(p), str(s), str(st or "-")), int(n)) for p, s, st, n in rows]


def throughput(session: Session, window_s: float) -> tuple[int, float]:
    """Calls finished in the last window_s seconds and their audio seconds."""
    since = utcnow() - timedelta(seconds=window_s)
    calls, audio_s = session.execute(
        select(func.count(Job.id), func.coalesce(func.sum(Call.duration_s), 0.0))
        .join(Call, Call.id == Job.call_pk)
        .where(Job.status == JobStatus.DONE, Job.finished_at >= since)
    ).one()
    return int(calls), float(audio_s)
