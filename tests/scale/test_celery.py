"""The scale-out engine for real: PostgreSQL, Redis and two Celery worker processes, one of them
killed with SIGKILL in the middle of a call. Every call must end done exactly once, with the
same results as the embedded engine (SQLite, local worker) gives for the same calls.

Needs SCALE_DATABASE_URL (a PostgreSQL server database we may create databases from) and
SCALE_BROKER_URL (Redis); .ci/services starts both on loopback for .ci/run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.batch.ingest import ingest
from inspector.batch.tasks import dispatch, make_celery, sender
from inspector.batch.worker import run_worker
from inspector.store.database import make_engine, make_session_factory, upgrade
from inspector.store.models import Call, CallFlag, CallMetrics, Job, ScoreResult, TranscriptSegment
from tests.factories import fixture_subset, make_settings

pytestmark = pytest.mark.slow
DATABASE = os.environ.get("SCALE_DATABASE_URL")
BROKER = os.environ.get("SCALE_BROKER_URL")
if not (DATABASE and BROKER):
    if os.environ.get("REQUIRE_SCALE_TESTS"):
        raise RuntimeError("SCALE_DATABASE_URL and SCALE_BROKER_URL must be set (.ci/services)")
    pytest.skip(
        "no PostgreSQL/Redis for the scale-out test (.ci/services)", allow_module_level=True
    )

CALLS = [
    "c01_compliant_billing",
    "c05_wei_greeting",
    "c11_agent_interrupts",
    "c17_empathy_after_anger",
    "c21_score_solicitation",
    "c22_privacy_leak",
    "c26_angry_ends_worse",
    "c32_complaint_soothed",
    "edge_empty",
]


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    return fixture_subset(tmp_path / "rec", CALLS)


@pytest.fixture
def postgres_url():
    """A database of its own on the server, dropped afterwards."""
    import psycopg

    name = f"inspector_t_{uuid.uuid4().hex[:10]}"
    admin = DATABASE.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield DATABASE.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def broker_url():
    import redis

    url = BROKER.rsplit("/", 1)[0] + "/7"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def _facts(sessions) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Per call id: job state and every stored result, in a comparable form."""
    out = {}
    with sessions() as session:
        for call in session.scalars(select(Call).order_by(Call.call_id)):
            job = session.scalar(select(Job).where(Job.call_pk == call.id))
            results = session.scalars(
                select(ScoreResult).where(ScoreResult.call_pk == call.id)
            ).all()
            segments = session.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.call_pk == call.id)
                .order_by(TranscriptSegment.idx)
            ).all()
            metrics = session.scalar(select(CallMetrics).where(CallMetrics.call_pk == call.id))
            flags = session.scalars(select(CallFlag.flag).where(CallFlag.call_pk == call.id)).all()
            out[call.call_id] = {
                "status": job.status,
                "results": len(results),
                "score": [(r.score, r.fatal, r.needs_review) for r in results],
                "items": sorted(
                    (i.item_id, i.status, i.deduction) for r in results for i in r.items
                ),
                "segments": [
                    (s.idx, s.role, s.start_s, s.end_s, s.text, round(s.sentiment or 0, 4))
                    for s in segments
                ],
                "metrics": None
                if metrics is None
                else (
                    round(metrics.talk_s, 3),
                    round(metrics.longest_silence_s, 3),
                    metrics.overlap_count,
                    round(metrics.agent_talk_ratio or 0, 4),
                ),
                "flags": sorted(flags),
            }
    return out


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    inspector = Path(sys.executable).parent / "inspector"
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(inspector), "worker", "--queues", "all", "--concurrency", "1", "--name", name],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes the pool child too
        )


def test_two_celery_workers_one_killed_mid_call(
    tmp_path: Path, recordings: Path, postgres_url: str, broker_url: str
) -> None:
    # the embedded engine on the same calls: what the results must equal
    local = make_settings(tmp_path / "local", asr_engine="fixture", fixture_dir=recordings)
    local_engine = make_engine(local.database)
    upgrade(local_engine)
    local_sessions = make_session_factory(local_engine)
    ingest(local_sessions, local, recordings / "manifest.csv")
    run_worker(local, burst=True)
    expected = _facts(local_sessions)
    local_engine.dispose()

    settings = make_settings(
        tmp_path / "scale",
        database_url=postgres_url,
        broker_url=broker_url,
        engine="celery",
        asr_engine="fixture",
        fixture_dir=recordings,
        lease_s=6.0,
        celery_visibility_timeout_s=8.0,
        dispatch_stale_s=600.0,  # redelivery must come from the broker, not a re-send
    )
    engine = make_engine(settings.database)
    upgrade(engine)  # migrations on PostgreSQL
    sessions = make_session_factory(engine)
    ingest(sessions, settings, recordings / "manifest.csv")
    assert dispatch(sessions, settings, sender(make_celery(settings))) == len(CALLS) - 1

    env = dict(os.environ) | {
        "INSPECTOR_DATA_DIR": str(settings.data_dir),
        "INSPECTOR_DATABASE_URL": postgres_url,
        "INSPECTOR_BROKER_URL": broker_url,
        "INSPECTOR_ENGINE": "celery",
        "INSPECTOR_ASR_ENGINE": "fixture",
        "INSPECTOR_FIXTURE_DIR": str(recordings),
        "INSPECTOR_SECRET_KEY": settings.secret_key,
        "INSPECTOR_CUSTOMER_HASH_SALT": settings.customer_hash_salt,
        "INSPECTOR_MODEL_CACHE": settings.model_cache,
        "INSPECTOR_LEASE_S": "6",
        "INSPECTOR_CELERY_VISIBILITY_TIMEOUT_S": "8",
        "INSPECTOR_DISPATCH_STALE_S": "600",
        "INSPECTOR_LOG_LEVEL": "INFO",
        # each call's ASR takes 2 s, like a real one, so a worker can be caught holding one
        "INSPECTOR_FIXTURE_DELAY_S": "2",
    }
    workers = {
        name: _worker(env, f"{name}@test", tmp_path / f"{name}.log") for name in ("w1", "w2")
    }
    killed_call = None
    try:
        deadline = time.monotonic() + 180
        while killed_call is None and time.monotonic() < deadline:
            with sessions() as session:
                killed_call = session.scalar(
                    select(Job.call_pk).where(
                        Job.status == "running", Job.phase == "asr", Job.worker.like("w1@%")
                    )
                )
            time.sleep(0.1)
        assert killed_call is not None, (tmp_path / "w1.log").read_text(errors="replace")[-3000:]
        os.killpg(workers["w1"].pid, signal.SIGKILL)  # mid-call: no chance to clean up
        workers["w1"].wait(timeout=10)

        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with sessions() as session:
                unfinished = session.scalar(
                    select(func.count()).where(Job.status.in_(("queued", "running")))
                )
            if unfinished == 0:
                break
            time.sleep(0.5)
        assert unfinished == 0, (tmp_path / "w2.log").read_text(errors="replace")[-3000:]
    finally:
        for process in workers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        got = _facts(sessions)
        with sessions() as session:
            taken_over = session.scalar(select(Job).where(Job.call_pk == killed_call))
        engine.dispose()
    # the killed worker's call was finished by the other worker, once
    assert taken_over.status == "done" and taken_over.worker.startswith("w2@")
    assert set(got) == set(expected)
    for call_id, facts in got.items():
        want = expected[call_id]
        assert facts["status"] == want["status"], call_id
        assert facts["results"] == want["results"] <= 1, call_id  # exactly once
        assert facts == want, call_id
