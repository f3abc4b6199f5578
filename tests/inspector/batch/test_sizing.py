"""Worker sizing: processes and ASR threads from cores, available memory and a worker's peak."""

from __future__ import annotations

import dataclasses
import json

import pytest

from core.machine import GIB, Machine
from inspector.batch.sizing import (
    MARGIN,
    MEASURED_FILE,
    PEAK_ESTIMATE_BYTES,
    peak_estimate,
    plan_workers,
    record_peak,
)


@pytest.mark.parametrize(
    ("requested", "cores", "available_gb", "worker_gb", "threads", "expected", "reason", "short"),
    [
        # auto: one single-threaded process per core while memory holds them
        ("auto", 2, 20.0, 1.0, 0, (2, 1), "one per core", False),
        ("auto", 8, 64.0, 1.3, 0, (8, 1), "one per core", False),
        ("auto", 1, 4.0, 1.0, 0, (1, 1), "one per core", False),
        # memory caps the count; the cores left over become ASR threads
        ("auto", 8, 3.5, 1.0, 0, (3, 2), "3 worker processes for 8 cores", True),
        ("auto", 4, 2.0, 1.0, 0, (2, 2), "2 worker processes for 4 cores", True),
        # memory for none: one anyway (the batch must move), said as a warning
        ("auto", 4, 0.5, 1.0, 0, (1, 4), "although 0.5 GB available", True),
        # an explicit thread count is kept
        ("auto", 4, 20.0, 1.0, 2, (4, 2), "one per core", False),
        # a number is honoured, with a warning when memory holds fewer
        (1, 2, 20.0, 1.0, 0, (1, 2), "workers = 1", False),
        (3, 2, 20.0, 1.0, 0, (3, 1), "workers = 3", False),
        (4, 8, 2.0, 1.0, 0, (4, 2), "more than memory holds", True),
    ],
)
def test_plan_workers(
    requested, cores, available_gb, worker_gb, threads, expected, reason, short
) -> None:
    plan = plan_workers(
        requested, Machine(cores, int(available_gb * GIB)), int(worker_gb * GIB), threads
    )
    assert (plan.processes, plan.threads) == expected
    assert reason in plan.reason
    assert f"{plan.threads} ASR thread" in plan.reason and plan.reason.endswith(" each")
    assert plan.short_of_memory is short


def test_the_estimate_follows_the_engine_and_a_measurement_replaces_it(settings) -> None:
    whisper = dataclasses.replace(settings, asr_engine="faster-whisper", sentiment=True)
    estimate = PEAK_ESTIMATE_BYTES[("faster-whisper", True)] * (1 + MARGIN)
    assert peak_estimate(whisper) == int(estimate)
    assert peak_estimate(dataclasses.replace(whisper, sentiment=False)) < estimate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    record_peak(whisper, 2 * GIB)
    record_peak(whisper, 1 * GIB)  # the largest peak is kept
    assert peak_estimate(whisper) == int(2 * GIB * (1 + MARGIN))
    # another engine's measurement does not apply
    other = dataclasses.replace(whisper, asr_engine="openai-whisper")
    assert peak_estimate(other) == int(PEAK_ESTIMATE_BYTES[("openai-whisper", True)] * 1.1)
    assert len(json.loads((settings.data_dir / MEASURED_FILE).read_text())) == 1


def test_a_broken_measurement_file_falls_back_to_the_estimate(settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / MEASURED_FILE).write_text("{not json")
    whisper = dataclasses.replace(settings, asr_engine="faster-whisper", sentiment=True)
    assert peak_estimate(whisper) == int(PEAK_ESTIMATE_BYTES[("faster-whisper", True)] * 1.1)
