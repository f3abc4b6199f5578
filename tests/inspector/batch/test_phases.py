"""The scale-out engine's moving parts without a broker: transcripts handed between phases,
a split run equal to a whole one, the drip-feed dispatcher, per-stage status."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from asr.serialize import transcript_from_dict, transcript_to_dict
from asr.types import Role, Segment, Transcript, Word
from inspector.batch import jobs
from inspector.batch.ingest import ingest
from inspector.batch.pipeline import build_pipeline
from inspector.batch.tasks import dispatch, worker_argv
from inspector.batch.worker import WorkerStats, process_claim, run_worker
from inspector.store.models import Job, JobStatus, ScoreResult, TranscriptSegment, utcnow
from tests.factories import fixture_subset

CALLS = ("c01_compliant_billing", "c14_forbidden_impatient", "c29_mono_archive")


def test_transcripts_survive_the_round_trip() -> None:
    original = Transcript(
        segments=(
            Segment(0.5, 2.0, Role.AGENT, "您好", 0.9, 0, -0.2, 0.01, (Word(0.5, 1.0, "您", 0.8),)),
            Segment(2.5, 3.0, Role.CUSTOMER, "嗯", sentiment=0.1, anger=0.2),
        ),
        engine="faster-whisper",
        role_method="content",
        role_confidence=0.7,
        notes=("swapped",),
        dropped=((4.0, 5.0),),
    )
    import json

    assert transcript_from_dict(json.loads(json.dumps(transcript_to_dict(original)))) == original


@pytest.fixture
def queued(settings, sessions, tmp_path: Path):  # type: ignore[no-untyped-def]
    rec = fixture_subset(tmp_path / "rec", CALLS)
    fixture = dataclasses.replace(settings, asr_engine="fixture", fixture_dir=rec)
    ingest(sessions, fixture, rec / "manifest.csv")
    return fixture


def _stored(sessions) -> dict:  # type: ignore[no-untyped-def]
    with sessions() as session:
        results = {
            r.call_pk: (r.score, sorted((i.item_id, i.status) for i in r.items))
            for r in session.scalars(select(ScoreResult))
        }
        segments = session.execute(
            select(
                TranscriptSegment.call_pk, TranscriptSegment.text, TranscriptSegment.sentiment
            ).order_by(TranscriptSegment.call_pk, TranscriptSegment.idx)
        ).all()
    return {"results": results, "segments": [tuple(s) for s in segments]}


def test_split_phases_give_the_same_results_as_one_run(queued, sessions) -> None:
    settings = queued
    pipeline = build_pipeline(settings)
    stats = WorkerStats()
    # ASR phase only, as an ASR queue worker does: the transcript goes into the job
    while claim := jobs.claim(sessions, "asr-1", settings.lease_s, 3, phase="asr"):
        assert process_claim(sessions, pipeline, claim, settings, stats, split=True) == (
            "handed_over"
        )
    with sessions() as session:
        handed = session.scalars(select(Job)).all()
        assert {(j.status, j.phase, j.stage) for j in handed} == {
            (JobStatus.QUEUED, "analysis", "transcribed")
        }
        assert all(j.transcript["segments"] for j in handed)
        assert session.scalar(select(ScoreResult.id)) is None  # nothing written yet
    # the analysis phase on another worker (here the local loop, which takes either phase)
    run_worker(settings, burst=True)
    split = _stored(sessions)
    with sessions() as session:
        assert {(j.status, j.transcript) for j in session.scalars(select(Job))} == {
            (JobStatus.DONE, None)
        }
        assert jobs.retry(session, include_done=True) == len(CALLS)
        session.commit()
        again = session.scalars(select(Job)).all()
        assert {(j.phase, j.dispatched_at) for j in again} == {("asr", None)}
    run_worker(settings, burst=True)  # whole calls in one go
    assert _stored(sessions) == split
    assert len(split["results"]) == len(CALLS)


def test_dispatch_drips_and_resends_what_looks_lost(queued, sessions) -> None:
    settings = dataclasses.replace(queued, dispatch_max_in_flight=2, dispatch_stale_s=60)
    sent: list[tuple[int, str]] = []

    def send(call_pk: int, phase: str) -> None:
        sent.append((call_pk, phase))

    assert dispatch(sessions, settings, send) == 2  # no more than two in flight
    assert dispatch(sessions, settings, send) == 0
    with sessions.begin() as session:  # one finishes: room for the third
        session.execute(update(Job).where(Job.call_pk == sent[0][0]).values(status="done"))
    assert dispatch(sessions, settings, send) == 1
    assert [phase for _, phase in sent] == ["asr"] * 3 and len({pk for pk, _ in sent}) == 3
    # a message lost long ago (still queued), and a call whose worker vanished mid-task
    lost, vanished = sent[1][0], sent[2][0]
    long_ago = utcnow() - timedelta(seconds=120)
    with sessions.begin() as session:
        session.execute(update(Job).where(Job.call_pk == lost).values(dispatched_at=long_ago))
        session.execute(
            update(Job)
            .where(Job.call_pk == vanished)
            .values(
                status="running",
                phase="analysis",
                dispatched_at=long_ago,
                lease_expires_at=utcnow() - timedelta(seconds=5),
            )
        )
    sent.clear()
    assert dispatch(sessions, settings, send) == 2
    assert sorted(sent) == sorted([(lost, "asr"), (vanished, "analysis")])


def test_status_shows_stages_and_throughput(queued, sessions, tmp_path: Path) -> None:
    from inspector.cli import main

    run_worker(dataclasses.replace(queued), burst=True)
    with sessions.begin() as session:
        session.execute(
            update(Job)
            .where(Job.id == 1)
            .values(status="queued", phase="analysis", stage="transcribed")
        )
    env = {
        "INSPECTOR_DATA_DIR": str(queued.data_dir),
        "INSPECTOR_SECRET_KEY": queued.secret_key,
        "INSPECTOR_CUSTOMER_HASH_SALT": queued.customer_hash_salt,
    }
    result = CliRunner().invoke(main, ["status"], env=env)
    assert result.exit_code == 0, result.output
    assert "in progress: analysis/queued/transcribed: 1" in result.output
    assert f"last 10 min: {len(CALLS) - 1} calls finished" in result.output


def test_worker_arguments() -> None:
    argv = worker_argv("asr", 2, "asr1@%h", "INFO")
    assert "--queues=asr" in argv and "--concurrency=2" in argv
    assert "--prefetch-multiplier=1" in argv and "--hostname=asr1@%h" in argv
    assert "--queues=asr,analysis" in worker_argv("all", 1, None, "INFO")


def test_a_celery_worker_process_keeps_its_thread_budget(monkeypatch) -> None:
    """A Celery pool process keeps every thread pool (torch, OpenMP, numpy's BLAS) to the
    worker's thread budget, as a local worker does, when it builds its runtime."""
    from types import SimpleNamespace

    from inspector.batch import tasks
    from inspector.settings import Settings

    limited: list[int] = []
    monkeypatch.setattr(tasks, "limit_threads", limited.append)
    monkeypatch.setattr(tasks, "make_engine", lambda database: None)
    monkeypatch.setattr(tasks, "make_session_factory", lambda engine: None)
    monkeypatch.setattr(tasks, "build_pipeline", lambda settings: None)
    monkeypatch.setattr(tasks, "_runtime", {})
    for threads in (0, 1):
        tasks._runtime.clear()
        app = SimpleNamespace(
            conf=SimpleNamespace(inspector_settings=Settings(asr_cpu_threads=threads))
        )
        assert tasks._current(SimpleNamespace(app=app)).settings.asr_cpu_threads == threads
    assert limited == [1]
