"""Real worker processes on one SQLite file: exclusive claims, crash recovery, exactly-once."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from asr.types import Role, Segment, Transcript
from inspector.batch.ingest import ingest
from inspector.batch.pipeline import CallWork, MeasureStage, Pipeline
from inspector.batch.worker import run_worker, run_workers
from inspector.settings import Settings
from inspector.store.models import Call, CallMetrics, Job, JobStatus, TranscriptSegment
from tests.factories import make_wav

pytestmark = pytest.mark.slow


@dataclasses.dataclass
class MarkStage:
    """Records each processing of a call as a file and sleeps, so workers overlap."""

    marks: Path
    delay_s: float
    slow_call: str = ""
    name: str = "mark"

    def run(self, work: CallWork) -> None:
        (self.marks / f"{work.call.call_id}.{os.getpid()}.{time.monotonic_ns()}").touch()
        time.sleep(60 if work.call.call_id == self.slow_call else self.delay_s)
        work.transcript = Transcript(
            segments=(Segment(0.0, 1.0, Role.AGENT, f"您好 {work.call.call_id}"),)
        )


def marking_pipeline(settings: Settings) -> Pipeline:
    marks = settings.data_dir / "marks"
    slow = (settings.data_dir / "slow").read_text() if (settings.data_dir / "slow").exists() else ""
    return Pipeline([MarkStage(marks, 0.05, slow), MeasureStage()])


def _queue(settings: Settings, sessions, tmp_path: Path, n: int) -> None:
    for i in range(n):
        make_wav(tmp_path / "rec" / f"c{i:03d}.wav", seed=i, seconds=0.5)
    assert len(ingest(sessions, settings, tmp_path / "rec").added) == n
    (settings.data_dir / "marks").mkdir(parents=True, exist_ok=True)


def _marks(settings: Settings) -> dict[str, int]:
    out: dict[str, int] = {}
    for mark in (settings.data_dir / "marks").iterdir():
        out[mark.name.split(".")[0]] = out.get(mark.name.split(".")[0], 0) + 1
    return out


def test_concurrent_workers_process_every_call_exactly_once(settings, sessions, tmp_path) -> None:
    _queue(settings, sessions, tmp_path, 30)
    progress = run_workers(
        settings, workers=3, burst=True, interactive=False, pipeline_factory=marking_pipeline
    )
    assert progress.finished == 30
    marks = _marks(settings)
    assert len(marks) == 30 and set(marks.values()) == {1}
    pids = {m.name.split(".")[1] for m in (settings.data_dir / "marks").iterdir()}
    assert len(pids) >= 2, "the calls should have been shared between processes"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TranscriptSegment)) == 30
        assert session.scalar(select(func.count()).select_from(CallMetrics)) == 30
        statuses = session.scalars(select(Job.status)).all()
        assert set(statuses) == {JobStatus.DONE}


def test_killed_worker_call_is_taken_up_again_and_written_once(
    settings, sessions, tmp_path
) -> None:
    _queue(settings, sessions, tmp_path, 3)
    (settings.data_dir / "slow").write_text("c000")
    short = dataclasses.replace(settings, lease_s=1.0)
    context = multiprocessing.get_context("spawn")
    victim = context.Process(
        target=run_worker,
        kwargs={"settings": short, "burst": True, "pipeline_factory": marking_pipeline},
    )
    victim.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sessions() as session:
            job = session.scalar(
                select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == "c000")
            )
            if job.status == JobStatus.RUNNING and job.stage == "mark":
                break
        time.sleep(0.1)
    else:
        pytest.fail("the victim never started the slow call")
    os.kill(victim.pid, signal.SIGKILL)
    victim.join()
    (settings.data_dir / "slow").unlink()  # the call is fine; the worker was the problem
    time.sleep(1.2)  # let the lease expire
    stats = run_worker(short, burst=True, pipeline_factory=marking_pipeline)
    assert stats.done >= 1
    with sessions() as session:
        job = session.scalar(
            select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == "c000")
        )
        assert job.status == JobStatus.DONE and job.attempts == 2
        segs = session.scalars(
            select(TranscriptSegment).join(Call).where(Call.call_id == "c000")
        ).all()
        assert [s.text for s in segs] == ["您好 c000"]
        assert session.scalar(select(func.count()).select_from(CallMetrics)) == 3
    assert _marks(settings)["c000"] == 2  # started twice, written once


def test_failing_call_does_not_stop_the_batch(settings, sessions, tmp_path) -> None:
    _queue(settings, sessions, tmp_path, 4)
    # corrupt one stored recording after ingest: its decode fails, the others go on
    with sessions() as session:
        broken = session.scalar(select(Call).where(Call.call_id == "c002"))
        Path(broken.audio_path).write_bytes(b"garbage")
    settings = dataclasses.replace(settings, asr_engine="none")
    stats = run_worker(settings, burst=True)
    assert (stats.done, stats.failed) == (3, 1)
    with sessions() as session:
        job = session.scalar(select(Job).join(Call).where(Call.call_id == "c002"))
        assert job.status == JobStatus.FAILED
        assert job.error.startswith("decode: AudioDecodeError:") and broken.audio_path in job.error
        assert job.attempts == 1  # a decode error is permanent: no pointless retries
