"""The parent of the worker processes: a killed child is noticed at once (its call released,
retried, counted and reported, the batch exits non-zero), and stopping or killing the parent
stops its children (issue 18, item 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from inspector.batch import worker as worker_module
from inspector.batch.worker import Progress, run_workers
from inspector.store.models import Call, Job, JobStatus
from tests.factories import REPO
from tests.inspector.batch.test_worker import _marks, _queue, marking_pipeline

pytestmark = pytest.mark.slow


def _holder(sessions, call_id: str, timeout_s: float = 90.0) -> int:  # type: ignore[no-untyped-def]
    """The pid of the worker process running the call's slow stage."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with sessions() as session:
            job = session.scalar(
                select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == call_id)
            )
            if job.status == JobStatus.RUNNING and job.stage == "mark" and job.worker:
                return int(job.worker.split(":")[1])
        time.sleep(0.1)
    pytest.fail(f"no worker started {call_id}")


def _gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").exists() and " Z " in Path(f"/proc/{pid}/stat").read_text():
            return True  # a zombie: exited, not yet reaped
        time.sleep(0.2)
    return False


def test_a_killed_child_is_noticed_its_call_retried_and_reported(
    settings, sessions, tmp_path
) -> None:
    _queue(settings, sessions, tmp_path, 3)
    (settings.data_dir / "slow").write_text("c000")
    result: list[Progress] = []
    parent = threading.Thread(
        target=lambda: result.append(
            run_workers(
                settings,
                workers=1,
                burst=True,
                interactive=False,
                pipeline_factory=marking_pipeline,
            )
        )
    )
    parent.start()
    victim = _holder(sessions, "c000")
    (settings.data_dir / "slow").unlink()  # the call is fine; the process was the problem
    os.kill(victim, signal.SIGKILL)
    parent.join(timeout=180)
    assert not parent.is_alive()
    (progress,) = result
    assert progress.finished == 3
    assert len(progress.died) == 1 and "SIGKILL" in progress.died[0]
    assert "released c000" in progress.died[0]
    with sessions() as session:
        job = session.scalar(
            select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == "c000")
        )
        assert job.status == JobStatus.DONE and job.attempts == 2 and job.error is None
    assert _marks(settings)["c000"] == 2  # started twice, written once


def test_a_lone_child_killed_just_after_the_parents_check_is_still_noticed(
    settings, sessions, tmp_path, monkeypatch
) -> None:
    """The kill lands while the parent reads progress, after it looked for dead children: the
    parent must not take "no child alive" for "all done" (CI once saw finished 0, died ())."""
    _queue(settings, sessions, tmp_path, 3)
    (settings.data_dir / "slow").write_text("c000")
    read_progress = worker_module._progress
    killed: list[int] = []

    def progress_then_kill(*args, **kwargs):  # type: ignore[no-untyped-def]
        with sessions() as session:
            job = session.scalar(
                select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == "c000")
            )
            running = job.status == JobStatus.RUNNING and job.stage == "mark" and job.worker
        if running and not killed:
            (settings.data_dir / "slow").unlink()
            killed.append(int(job.worker.split(":")[1]))
            os.kill(killed[0], signal.SIGKILL)
            # until the parent's next look would see it dead (waits, leaves the status unread)
            os.waitid(os.P_PID, killed[0], os.WEXITED | os.WNOWAIT)
        return read_progress(*args, **kwargs)

    monkeypatch.setattr(worker_module, "_progress", progress_then_kill)
    progress = run_workers(
        settings, workers=1, burst=True, interactive=False, pipeline_factory=marking_pipeline
    )
    assert killed
    assert progress.finished == 3
    assert len(progress.died) == 1 and "released c000" in progress.died[0]


def test_the_work_command_exits_non_zero_when_a_worker_died(monkeypatch, tmp_path) -> None:
    from inspector.cli import main

    died = Progress(2, 2, 1.0, 1.0, died=("worker-0 (pid 1) was killed by SIGKILL: released x",))
    monkeypatch.setattr(worker_module, "run_workers", lambda *a, **k: died)
    monkeypatch.setenv("INSPECTOR_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["work", "--burst"])
    assert result.exit_code == 1
    assert "error: worker worker-0 (pid 1) was killed by SIGKILL" in result.output


PARENT = """
import sys
from inspector.batch.worker import run_workers
from inspector.settings import load_settings
from tests.inspector.batch.test_worker import marking_pipeline
settings = load_settings(None, {{}}, data_dir=sys.argv[1])
run_workers(settings, workers=2, burst=False, interactive=False,
            pipeline_factory=marking_pipeline)
"""


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("sig", "started_in_background"),
    # in the background (a shell's `inspector work &`), processes start with SIGINT ignored
    [(signal.SIGKILL, False), (signal.SIGTERM, False), (signal.SIGTERM, True)],
)
def test_stopping_or_killing_the_parent_stops_its_children(
    settings, sessions, tmp_path, sig, started_in_background
) -> None:
    _queue(settings, sessions, tmp_path, 3)
    (settings.data_dir / "slow").write_text("c000")
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(), str(settings.data_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=_ignore_sigint if started_in_background else None,
    )
    try:
        child = _holder(sessions, "c000")
        os.kill(parent.pid, sig)
        parent.wait(timeout=60)
        assert _gone(child, 40), "a worker child kept running without its parent"
        with sessions() as session:
            job = session.scalar(
                select(Job).join(Call, Call.id == Job.call_pk).where(Call.call_id == "c000")
            )
            # handed back by the stopping child, not left running until its lease ends
            assert job.status == JobStatus.QUEUED
    finally:
        if parent.poll() is None:
            parent.kill()
