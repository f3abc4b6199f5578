"""How many worker processes a batch gets, and how many ASR threads each: `workers = "auto"`
is one single-threaded process per core (two single-threaded processes transcribe twice as fast
as one with two threads), never more than the available memory holds."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from core.machine import GIB, Machine, this_machine
from inspector.settings import Count, Settings

log = logging.getLogger(__name__)

#: a worker's peak resident memory by ASR engine, with and without the sentiment model, as
#: bench/throughput.py measured it (docs/benchmarks.md); used until this data directory has a
#: measurement of its own (MEASURED_FILE)
PEAK_ESTIMATE_BYTES = {
    ("faster-whisper", True): int(1.45 * GIB),  # 1.41-1.50 GB on 2026-12-01 (batch of 8)
    ("faster-whisper", False): int(1.0 * GIB),  # 0.95 GB (bench/asr.py)
    ("openai-whisper", True): int(1.85 * GIB),
    ("openai-whisper", False): int(1.4 * GIB),  # 1.38 GB (bench/asr.py)
}
#: the fixture and none engines load no Whisper model
SMALL_PEAK_BYTES = {True: int(0.8 * GIB), False: int(0.3 * GIB)}
#: each worker is counted at its peak plus this share, for allocator slack and a longer call
MARGIN = 0.10
#: where `inspector work` keeps the largest worker peak it measured, per engine
MEASURED_FILE = "worker-memory.json"


@dataclass(frozen=True)
class WorkerPlan:
    """Processes and ASR threads per process for a batch, and why."""

    processes: int
    threads: int
    reason: str
    #: memory for fewer processes than were asked for or than one: said as a warning
    short_of_memory: bool = False


def _gb(n: int) -> str:
    return f"{n / GIB:.1f} GB"


def plan_workers(
    requested: Count, machine: Machine, per_worker_bytes: int, threads: int = 0
) -> WorkerPlan:
    """Processes and threads for `requested` ("auto" or a number) on `machine`.

    auto: one process per core, as many as `available_bytes` holds at `per_worker_bytes` each
    (at least one). A number is honoured, with a warning when memory holds fewer. ASR threads:
    `threads` when set, else the cores shared out among the processes.
    """
    fits = machine.available_bytes // max(per_worker_bytes, 1)
    memory = f"{_gb(machine.available_bytes)} available, {_gb(per_worker_bytes)} per worker"
    if requested == "auto":
        processes = max(min(machine.cores, fits), 1)
        if fits < 1:
            reason = f"auto: 1 worker process, although {memory} holds none"
        elif fits < machine.cores:
            reason = f"auto: {processes} worker processes for {machine.cores} cores ({memory})"
        else:
            reason = f"auto: {processes} worker processes, one per core ({memory})"
        short = fits < machine.cores
    else:
        processes = requested
        short = fits < processes
        reason = f"workers = {processes}" + (
            f", more than memory holds ({memory}: {fits})" if short else ""
        )
    per_process = threads or max(machine.cores // processes, 1)
    threads_each = f"{per_process} ASR thread{'s' if per_process != 1 else ''} each"
    return WorkerPlan(processes, per_process, f"{reason}; {threads_each}", short)


def size_batch(settings: Settings, requested: Count | None = None) -> WorkerPlan:
    """The plan for this machine now (`requested` defaults to the workers setting), logged."""
    plan = plan_workers(
        settings.workers if requested is None else requested,
        this_machine(),
        peak_estimate(settings),
        settings.asr_cpu_threads,
    )
    (log.warning if plan.short_of_memory else log.info)("%s", plan.reason)
    return plan


def peak_estimate(settings: Settings) -> int:
    """A worker's expected peak memory: measured here before, else the engine's estimate."""
    key = _key(settings)
    measured = _read_measured(settings).get(key)
    if isinstance(measured, int) and measured > 0:
        return int(measured * (1 + MARGIN))
    if settings.pipeline == "noop":
        base = SMALL_PEAK_BYTES[False]
    else:
        base = PEAK_ESTIMATE_BYTES.get(
            (settings.asr_engine, settings.sentiment), SMALL_PEAK_BYTES[settings.sentiment]
        )
    return int(base * (1 + MARGIN))


def record_peak(settings: Settings, peak_bytes: int) -> None:
    """Keep the largest peak a worker of these settings reached (read by `peak_estimate`)."""
    if peak_bytes <= 0:
        return
    measured = _read_measured(settings)
    key = _key(settings)
    measured[key] = max(peak_bytes, int(measured.get(key) or 0))
    path = settings.data_dir / MEASURED_FILE
    try:
        path.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:  # sizing falls back to the estimate; the batch itself is done
        log.warning("could not record worker memory in %s: %s", path, exc)


def _key(settings: Settings) -> str:
    model = settings.asr_model_path or "packaged"
    return f"{settings.pipeline}/{settings.asr_engine}/{model}/sentiment={settings.sentiment}"


def _read_measured(settings: Settings) -> dict[str, int]:
    path: Path = settings.data_dir / MEASURED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
