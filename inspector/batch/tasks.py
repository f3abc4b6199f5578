"""The scale-out engine: the same pipeline as Celery tasks on Redis queues.

Two queues so they scale apart: `asr` (decode + transcribe: heavy, one process per core or GPU)
and `analysis` (sentiment, metrics, score: light). Tasks carry a call's pk and nothing else; the
database stays the record of what is done. A task claims its call under the same lease as a
local worker, so a redelivered task never writes results twice: it finds the call done (and
stops), taken by a live worker (and checks again when that lease would have run out), or free
(and runs). Messages are acknowledged after the task (acks late, prefetch 1); a worker lost
mid-task leaves its message unacknowledged, and Redis delivers it again after the visibility
timeout. The dispatcher sends at most `dispatch_max_in_flight` calls to the queues at a time
and tops up as tasks finish, so a large backfill drips in rather than floods.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.machine import limit_threads, settle_heap
from inspector.batch import jobs
from inspector.batch.pipeline import Pipeline, build_pipeline
from inspector.batch.worker import WorkerStats, process_claim
from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory
from inspector.store.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)

QUEUES = {"asr": "inspector.transcribe", "analysis": "inspector.analyse"}


def make_celery(settings: Settings) -> Celery:
    """A Celery app bound to the settings' broker (no result backend: results are in the
    database)."""
    app = Celery("inspector", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_routes={name: {"queue": queue} for queue, name in QUEUES.items()},
        task_default_queue="analysis",
        broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout_s},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    app.conf.inspector_settings = settings

    @app.task(name=QUEUES["asr"], bind=True, max_retries=None)
    def transcribe(task: Any, call_pk: int) -> str:
        return run_task(task, call_pk, "asr")

    @app.task(name=QUEUES["analysis"], bind=True, max_retries=None)
    def analyse(task: Any, call_pk: int) -> str:
        return run_task(task, call_pk, "analysis")

    return app


@dataclass
class _Runtime:
    """What a worker process keeps between tasks: models load once per process."""

    settings: Settings
    sessions: sessionmaker[Session]
    pipeline: Pipeline
    app: Celery
    stats: WorkerStats


_runtime: dict[int, _Runtime] = {}  # by process id: a forked pool child builds its own


def _current(task: Any) -> _Runtime:
    pid = os.getpid()
    if pid not in _runtime:
        settings: Settings = task.app.conf.inspector_settings
        if settings.asr_cpu_threads:  # one budget for every thread pool, as a local worker's
            limit_threads(settings.asr_cpu_threads)
        _runtime[pid] = _Runtime(
            settings=settings,
            sessions=make_session_factory(make_engine(settings.database)),
            pipeline=build_pipeline(settings),
            app=task.app,
            stats=WorkerStats(),
        )
    return _runtime[pid]


def sender(app: Celery) -> Callable[[int, str], None]:
    """Send a call's task to the queue of its phase."""

    def send(call_pk: int, phase: str) -> None:
        app.send_task(QUEUES[phase], args=[call_pk], queue=phase)

    return send


def run_task(task: Any, call_pk: int, phase: str) -> str:
    """One call, one phase; safe to run any number of times for the same call."""
    rt = _current(task)
    settings = rt.settings
    with rt.sessions() as session:
        job = session.scalar(select(Job).where(Job.call_pk == call_pk))
        state = (job.status, job.phase) if job is not None else None
    if state is None:
        return "missing"
    if state[0] in (JobStatus.DONE, JobStatus.FAILED) or state[1] != phase:
        return "already"  # a redelivery after the work was done (or moved on)
    worker = f"{task.request.hostname or 'celery'}:{os.getpid()}"
    claim = jobs.claim(
        rt.sessions, worker, settings.lease_s, settings.max_attempts, call_pk=call_pk, phase=phase
    )
    if claim is None:
        # another worker holds it: look again once its lease could have run out, so a lost
        # worker's call is taken over rather than stuck
        raise task.retry(countdown=settings.lease_s + 1)
    outcome = process_claim(
        rt.sessions, rt.pipeline, claim, settings, rt.stats, split=True, split_sends=True
    )
    if outcome in ("done", "handed_over"):
        settle_heap(after=f"the first {phase} call")  # the phase's models are loaded now
    send = sender(rt.app)
    if outcome == "handed_over":
        send(call_pk, "analysis")
    elif outcome == "retry":
        raise task.retry(countdown=min(30 * claim.attempts, 300))
    dispatch(rt.sessions, settings, send)
    return outcome


def dispatch(
    session_factory: sessionmaker[Session], settings: Settings, send: Callable[[int, str], None]
) -> int:
    """Send queued calls to their phase's queue, keeping at most dispatch_max_in_flight sent and
    unfinished; send again those whose message looks lost (queued long after sending, or whose
    lease ran out). Returns how many were sent."""
    now = utcnow()
    stale = now - timedelta(seconds=settings.dispatch_stale_s)
    unfinished = Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
    with session_factory.begin() as session:
        in_flight = session.scalar(
            select(func.count()).where(unfinished, Job.dispatched_at.is_not(None))
        )
        lost = session.execute(
            select(Job.id, Job.call_pk, Job.phase).where(
                Job.dispatched_at < stale,
                or_(
                    Job.status == JobStatus.QUEUED,
                    and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now),
                ),
            )
        ).all()
        room = max(settings.dispatch_max_in_flight - int(in_flight or 0), 0)
        fresh = session.execute(
            select(Job.id, Job.call_pk, Job.phase)
            .where(Job.status == JobStatus.QUEUED, Job.dispatched_at.is_(None))
            .order_by(Job.id)
            .limit(room)
        ).all()
        chosen = [*lost, *fresh]
        if chosen:
            session.execute(
                Job.__table__.update()
                .where(Job.id.in_([row[0] for row in chosen]))
                .values(dispatched_at=now)
            )
    for _, call_pk, phase in chosen:
        send(call_pk, phase)
    if chosen:
        log.info("sent %d calls to the queues (%d again)", len(chosen), len(lost))
    return len(chosen)


def worker_argv(queues: str, concurrency: int, name: str | None, log_level: str) -> list[str]:
    """The `celery worker` arguments for `inspector worker`."""
    chosen = ["asr", "analysis"] if queues == "all" else [queues]
    argv = [
        "worker",
        f"--queues={','.join(chosen)}",
        f"--concurrency={concurrency}",
        "--prefetch-multiplier=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--loglevel={log_level}",
    ]
    if name:
        argv.append(f"--hostname={name}")
    return argv
