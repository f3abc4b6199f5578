"""Batch workers: claim a call, run the stages under a heartbeat lease, record the outcome."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from asr.serialize import transcript_from_dict, transcript_to_dict
from core.errors import InspectorError
from core.machine import limit_threads, peak_rss_bytes, settle_heap
from inspector.batch import jobs
from inspector.batch.pipeline import Pipeline, build_pipeline, prepare_models
from inspector.batch.results import write_results
from inspector.batch.sizing import record_peak, size_batch
from inspector.settings import Count, Settings
from inspector.store.database import make_engine, make_session_factory
from inspector.store.models import Call, Job, JobStatus, utcnow

log = logging.getLogger(__name__)


@dataclass
class WorkerStats:
    done: int = 0
    failed: int = 0
    retried: int = 0
    lost: int = 0
    handed_over: int = 0


class _Heartbeat(threading.Thread):
    """Keeps a claim's lease alive while a long stage (ASR) runs."""

    def __init__(
        self, session_factory: sessionmaker[Session], claim: jobs.Claim, settings: Settings
    ):
        super().__init__(daemon=True, name=f"heartbeat-{claim.job_id}")
        self.session_factory = session_factory
        self.claim = claim
        self.settings = settings
        self.stage: str | None = None
        self.lost = threading.Event()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.settings.heartbeat_s):
            try:
                if not jobs.renew(
                    self.session_factory, self.claim, self.settings.lease_s, self.stage
                ):
                    self.lost.set()
                    return
            except Exception:  # a missed beat is retried at the next tick
                log.exception("heartbeat failed for call %s", self.claim.call.call_id)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def process_claim(
    session_factory: sessionmaker[Session],
    pipeline: Pipeline,
    claim: jobs.Claim,
    settings: Settings,
    stats: WorkerStats,
    *,
    split: bool = False,
    split_sends: bool = False,
) -> str:
    """Run one claimed call; the batch boundary: any error fails this call alone. With `split`
    an ASR claim stops after transcription and queues the call for analysis. Returns done,
    handed_over, retry, failed or lost."""
    beat = _Heartbeat(session_factory, claim, settings)
    beat.start()

    def on_stage(stage: str) -> None:
        beat.stage = stage
        jobs.renew(session_factory, claim, settings.lease_s, stage)

    try:
        if claim.phase == "analysis" and claim.transcript is not None:
            # the ASR phase ran elsewhere (a Celery ASR worker): analyse its transcript
            work = pipeline.process(
                claim.call,
                on_stage,
                phase="analysis",
                transcript=transcript_from_dict(claim.transcript),
            )
        elif split:
            work = pipeline.process(claim.call, on_stage, phase="asr")
            assert work.transcript is not None
            jobs.hand_over(
                session_factory, claim, transcript_to_dict(work.transcript), sent=split_sends
            )
            stats.handed_over += 1
            log.info("transcribed %s (attempt %d)", claim.call.call_id, claim.attempts)
            return "handed_over"
        else:
            work = pipeline.process(claim.call, on_stage)
        jobs.complete(
            session_factory, claim, lambda session: write_results(session, work, settings)
        )
        stats.done += 1
        log.info("done %s (attempt %d)", claim.call.call_id, claim.attempts)
        return "done"
    except jobs.LeaseLost as exc:
        stats.lost += 1
        log.warning("%s", exc)
        return "lost"
    except KeyboardInterrupt:
        jobs.release(session_factory, claim)
        raise
    except Exception as exc:
        permanent = isinstance(exc, InspectorError) and exc.permanent
        reason = f"{beat.stage or 'pipeline'}: {type(exc).__name__}: {exc}"
        status = jobs.fail(
            session_factory, claim, reason, permanent=permanent, max_attempts=settings.max_attempts
        )
        if not isinstance(exc, InspectorError):
            log.debug("%s", traceback.format_exc())
        if status == JobStatus.FAILED:
            stats.failed += 1
            log.error("failed %s: %s", claim.call.call_id, reason)
            return "failed"
        stats.retried += 1
        log.warning("will retry %s: %s", claim.call.call_id, reason)
        return "retry"
    finally:
        beat.stop()


def worker_name(index: int = 0) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{index}"


PipelineFactory = Callable[[Settings], Pipeline]


def run_worker(
    settings: Settings,
    *,
    burst: bool,
    index: int = 0,
    pipeline_factory: PipelineFactory = build_pipeline,
) -> WorkerStats:
    """One worker loop in this process; with burst it exits when nothing is left to claim."""
    engine = make_engine(settings.database)
    session_factory = make_session_factory(engine)
    pipeline = pipeline_factory(settings)  # loads models once per process
    name = worker_name(index)
    stats = WorkerStats()
    try:
        while True:
            claim = jobs.claim(session_factory, name, settings.lease_s, settings.max_attempts)
            if claim is None:
                if burst:
                    break
                time.sleep(settings.poll_interval_s)
                continue
            if process_claim(session_factory, pipeline, claim, settings, stats) == "done":
                settle_heap(after="the first call")  # every stage's models are loaded now
    except KeyboardInterrupt:
        log.info("worker %s interrupted", name)
        # the call in hand goes back to the queue now, not when its lease runs out
        jobs.release_dead_worker(session_factory, name, "the worker was stopped")
    finally:
        engine.dispose()
    return stats


def _watch_parent(parent_pid: int, grace_s: float = 30.0) -> None:
    """A worker child stops when its parent is gone (killed, even with SIGKILL): it never
    works on alone. The main thread gets SIGINT (the claim goes back to the queue); if it is
    stuck in native code, the process exits after a grace period."""
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    log.warning("parent process %s is gone: stopping", parent_pid)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(grace_s)
    os._exit(1)


def _child_main(
    settings: Settings,
    burst: bool,
    index: int,
    pipeline_factory: PipelineFactory,
    parent_pid: int | None = None,
) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(processName)s %(levelname)s %(message)s"
    )
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    # SIGINT is how the parent (and the parent watch) asks a child to hand its call back and
    # stop: a child started from a background job inherits SIGINT ignored (a shell's `cmd &`),
    # and would then keep running until its parent gives up waiting and terminates it
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if settings.asr_cpu_threads:
        # torch and numpy's BLAS keep to the worker's thread budget too: with one process per
        # core, every library's own "all cores" would oversubscribe them
        limit_threads(settings.asr_cpu_threads)
    if parent_pid is not None:
        threading.Thread(
            target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch"
        ).start()
    run_worker(settings, burst=burst, index=index, pipeline_factory=pipeline_factory)


@dataclass(frozen=True)
class Progress:
    finished: int
    total: int
    audio_s: float
    elapsed_s: float
    #: worker processes that died (killed, crashed), each with the calls it held
    died: tuple[str, ...] = ()
    #: worker processes and ASR threads each
    workers: int = 0
    threads: int = 0
    #: the largest peak resident memory of a worker process (0 where it cannot be read)
    peak_rss_bytes: int = 0

    @property
    def audio_h_per_h(self) -> float:
        """Audio hours processed per wall-clock hour."""
        return self.audio_s / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def summary(self) -> str:
        """The closing line of a batch."""
        memory = f", peak {self.peak_rss_bytes / 2**30:.2f} GB" if self.peak_rss_bytes else ""
        return (
            f"processed {self.finished} calls, {self.audio_s / 3600:.2f} h of audio in "
            f"{self.elapsed_s:.1f} s: {self.audio_h_per_h:.2f} audio h per wall h "
            f"({self.workers} workers x {self.threads} ASR thread{'s' if self.threads != 1 else ''}"
            f"{memory})"
        )

    @property
    def eta_s(self) -> float | None:
        if self.finished == 0:
            return None
        return (self.total - self.finished) * self.elapsed_s / self.finished


def _progress(
    session_factory: sessionmaker[Session], since: datetime, total: int, t0: float
) -> Progress:
    with session_factory() as session:
        finished, audio = session.execute(
            select(func.count(), func.coalesce(func.sum(Call.duration_s), 0.0))
            .select_from(Job)
            .join(Call, Call.id == Job.call_pk)
            .where(Job.status.in_([JobStatus.DONE, JobStatus.FAILED]), Job.finished_at >= since)
        ).one()
    return Progress(int(finished), total, float(audio), time.monotonic() - t0)


def _pending(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        counts = jobs.counts(session)
    return counts[JobStatus.QUEUED] + counts[JobStatus.RUNNING]


def run_workers(
    settings: Settings,
    *,
    workers: Count | None = None,
    burst: bool,
    interactive: bool | None = None,
    pipeline_factory: PipelineFactory = build_pipeline,
) -> Progress:
    """Start worker processes (`workers`, default the setting: "auto" sizes them from the cores
    and memory), show progress until they exit (burst) or are interrupted."""
    plan = size_batch(settings, workers)
    workers = plan.processes
    settings = dataclasses.replace(settings, asr_cpu_threads=plan.threads)
    prepare_models(settings)  # once, before the workers start, so they never race on it
    engine = make_engine(settings.database)
    session_factory = make_session_factory(engine)
    since, t0 = utcnow(), time.monotonic()
    total = _pending(session_factory)
    interactive = sys.stderr.isatty() if interactive is None else interactive
    context = multiprocessing.get_context("spawn")
    parent = os.getpid()

    def start(index: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(
            target=_child_main,
            args=(settings, burst, index, pipeline_factory, parent),
            name=f"worker-{index}",
        )
        process.start()
        return process

    # a parent started as a shell's background job (`inspector work &`) has SIGINT ignored, and
    # children inherit that while they start: one still starting when the parent stops them
    # would miss the stop request, then claim the call another child just handed back
    main = threading.current_thread() is threading.main_thread()
    ignored = main and signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    processes = [start(i) for i in range(workers)]
    peaks: dict[int, int] = {}  # pid -> peak resident memory, read while each one lives
    died: list[str] = []
    restarts = 0
    bar = None
    if interactive:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="call", desc="calls", dynamic_ncols=True)
    last_log = 0.0
    progress = _progress(session_factory, since, total, t0)
    # `kill` of the parent stops the children too (signals go to the main thread only)
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        # a lone child killed after this round's check must not end the loop unnoticed (its call
        # left claimed): the loop ends only when every child has ended cleanly
        while True:
            time.sleep(0.5)
            for process in processes:
                if process.pid and (peak := peak_rss_bytes(process.pid)):
                    peaks[process.pid] = max(peak, peaks.get(process.pid, 0))
            for k, process in enumerate(processes):
                if process.is_alive() or process.exitcode in (0, None):
                    continue
                # a child died (SIGKILL, out of memory, a crash): its calls go back at once
                reason = _death(process)
                held = jobs.release_dead_worker(
                    session_factory, f"{socket.gethostname()}:{process.pid}:", reason
                )
                died.append(
                    f"{process.name} (pid {process.pid}) {reason}: "
                    + (f"released {', '.join(held)}" if held else "held no call")
                )
                log.error(died[-1])
                if restarts < workers * 3:  # the queue still drains; a call that keeps
                    restarts += 1  # killing workers fails after max_attempts
                    processes[k] = start(k)
                else:
                    processes[k] = _Finished(process.name)
            progress = _progress(session_factory, since, max(total, 1), t0)
            if bar is not None:
                bar.total = max(total, progress.finished)
                bar.n = progress.finished
                bar.set_postfix_str(f"audio {progress.audio_s / 3600:.2f} h")
                bar.refresh()
            elif time.monotonic() - last_log >= 10:
                last_log = time.monotonic()
                log.info(_line(progress))
            if not any(p.is_alive() or p.exitcode not in (0, None) for p in processes):
                break  # every child ended cleanly (one that died since is read next round)
    except KeyboardInterrupt:
        log.info("interrupted: stopping workers (claimed calls go back to the queue)")
        _stop(processes)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process in processes:
            process.join()
        if bar is not None:
            bar.close()
        progress = dataclasses.replace(
            _progress(session_factory, since, total, t0),
            died=tuple(died),
            workers=workers,
            threads=plan.threads,
            peak_rss_bytes=max(peaks.values(), default=0),
        )
        engine.dispose()
    if progress.finished and progress.peak_rss_bytes:
        record_peak(settings, progress.peak_rss_bytes)  # what `auto` sizes the next batch by
    log.info(_line(progress))
    return progress


class _Finished:
    """Stands in for a child that died and was not restarted."""

    exitcode = 0

    def __init__(self, name: str) -> None:
        self.name = name

    def is_alive(self) -> bool:
        return False

    def join(self, timeout: float | None = None) -> None:
        return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _death(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode or 0
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _stop(processes: list) -> None:  # type: ignore[type-arg]
    """Ask every child to stop (they hand their calls back), then make sure they have."""
    for process in processes:
        if process.is_alive() and process.pid:
            os.kill(process.pid, signal.SIGINT)
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()


def _line(p: Progress) -> str:
    eta = f", ETA {p.eta_s:.0f} s" if p.eta_s is not None and p.finished < p.total else ""
    return (
        f"{p.finished}/{p.total} calls, {p.audio_s / 3600:.3f} h audio, "
        f"{p.elapsed_s:.1f} s elapsed{eta}"
    )
