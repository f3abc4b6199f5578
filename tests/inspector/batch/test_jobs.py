from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector.batch import jobs
from inspector.batch.ingest import ingest
from inspector.batch.pipeline import CallWork
from inspector.batch.results import write_results
from inspector.store.models import CallMetrics, Job, JobStatus
from scoring.types import Metrics
from tests.factories import make_wav


@pytest.fixture
def queued(settings, sessions, tmp_path: Path) -> int:
    for i in range(3):
        make_wav(tmp_path / "rec" / f"c{i}.wav", seed=i)
    return len(ingest(sessions, settings, tmp_path / "rec").added)


def _metrics_writer(claim: jobs.Claim):
    work = CallWork(call=claim.call, metrics=Metrics(1.0, 0.5, 0.5, roles={}))
    return lambda session: write_results(session, work)


def test_claims_are_exclusive_and_ordered(sessions, queued: int) -> None:
    claims = [jobs.claim(sessions, f"w{i}", 30, 3) for i in range(4)]
    assert [c is not None for c in claims] == [True, True, True, False]
    assert len({c.job_id for c in claims if c}) == 3
    assert all(c.attempts == 1 for c in claims if c)


def test_complete_writes_results_once(sessions, queued: int) -> None:
    c = jobs.claim(sessions, "w", 30, 3)
    jobs.complete(sessions, c, _metrics_writer(c))
    with sessions() as session:
        assert session.get(Job, c.job_id).status == JobStatus.DONE
        assert session.scalar(select(func.count()).select_from(CallMetrics)) == 1
    with pytest.raises(jobs.LeaseLost):
        jobs.complete(sessions, c, _metrics_writer(c))  # a second completion is refused


def test_expired_lease_is_taken_over_and_the_stale_worker_cannot_write(
    sessions, queued: int
) -> None:
    stale = jobs.claim(sessions, "slow", 0.2, 3)
    time.sleep(0.3)
    fresh = None
    while fresh is None or fresh.job_id != stale.job_id:
        fresh = jobs.claim(sessions, "fresh", 30, 3)
    assert fresh.attempts == 2
    assert not jobs.renew(sessions, stale, 30)
    with pytest.raises(jobs.LeaseLost):
        jobs.complete(sessions, stale, _metrics_writer(stale))
    jobs.complete(sessions, fresh, _metrics_writer(fresh))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CallMetrics)) == 1


def test_failure_retries_then_stays_failed(settings, sessions, tmp_path: Path) -> None:
    make_wav(tmp_path / "one" / "only.wav", seed=99)
    ingest(sessions, settings, tmp_path / "one")
    first = jobs.claim(sessions, "w", 30, 2)
    assert jobs.fail(sessions, first, "boom", permanent=False, max_attempts=2) == JobStatus.QUEUED
    second = jobs.claim(sessions, "w", 30, 2)
    assert (second.job_id, second.attempts) == (first.job_id, 2)
    assert jobs.fail(sessions, second, "boom", permanent=False, max_attempts=2) == JobStatus.FAILED
    assert jobs.claim(sessions, "w", 30, 2) is None
    with sessions() as session:
        job = session.get(Job, first.job_id)
        assert (job.status, job.error, job.attempts) == (JobStatus.FAILED, "boom", 2)
    with sessions.begin() as session:
        assert jobs.retry(session) == 1
    with sessions() as session:
        job = session.get(Job, first.job_id)
        assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)


def test_permanent_failure_is_not_retried(sessions, queued: int) -> None:
    c = jobs.claim(sessions, "w", 30, 3)
    assert jobs.fail(sessions, c, "bad audio", permanent=True, max_attempts=3) == JobStatus.FAILED


def test_a_call_that_keeps_killing_workers_is_abandoned(settings, sessions, tmp_path: Path) -> None:
    make_wav(tmp_path / "one" / "only.wav", seed=98)
    ingest(sessions, settings, tmp_path / "one")
    first = jobs.claim(sessions, "w", 0.05, 2)
    time.sleep(0.1)
    assert jobs.claim(sessions, "w", 0.05, 2).attempts == 2  # the lost worker's call, again
    time.sleep(0.1)
    assert jobs.claim(sessions, "w", 0.05, 2) is None  # third loss: abandoned, not claimed
    with sessions() as session:
        job = session.get(Job, first.job_id)
        assert (
            job.status == JobStatus.FAILED and "worker processing it was lost 2 times" in job.error
        )


def test_counts_and_failures(sessions, queued: int) -> None:
    c = jobs.claim(sessions, "w", 30, 3)
    jobs.fail(sessions, c, "decode: bad", permanent=True, max_attempts=3)
    with sessions() as session:
        assert jobs.counts(session) == {"queued": 2, "running": 0, "done": 0, "failed": 1}
        (failure,) = jobs.failures(session)
        assert failure[3] == "decode: bad"
