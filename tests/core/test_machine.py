"""Cores and available memory, container limits included, from /proc and cgroup files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.machine import available_memory_bytes, peak_rss_bytes, usable_cores

MEMINFO = "MemTotal:       24000000 kB\nMemFree:  1000 kB\nMemAvailable:   20000000 kB\n"


def _files(root: Path, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text)
    return root


@pytest.mark.parametrize(
    ("cgroup", "expected"),
    [
        ({}, 20000000 * 1024),  # no cgroup files: MemAvailable
        ({"memory_max": "max\n", "memory_current": "100\n"}, 20000000 * 1024),
        # a 4 GiB container with 1 GiB in use leaves 3 GiB
        ({"memory_max": f"{4 * 2**30}\n", "memory_current": f"{2**30}\n"}, 3 * 2**30),
        ({"memory_max": "100\n", "memory_current": "400\n"}, 0),  # over its limit
    ],
)
def test_available_memory(tmp_path: Path, cgroup: dict[str, str], expected: int) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(MEMINFO)
    assert available_memory_bytes(meminfo, _files(tmp_path / "cg", **cgroup)) == expected


def test_available_memory_unknown(tmp_path: Path) -> None:
    assert available_memory_bytes(tmp_path / "none", tmp_path / "none") is None


@pytest.mark.parametrize(
    ("cpu_max", "cap"),
    [(None, None), ("max 100000\n", None), ("150000 100000\n", 2), ("50000 100000\n", 1)],
)
def test_usable_cores_with_a_cpu_quota(tmp_path: Path, cpu_max: str | None, cap) -> None:
    files = {"cpu_max": cpu_max} if cpu_max else {}
    affinity = len(os.sched_getaffinity(0))
    assert usable_cores(_files(tmp_path / "cg", **files)) == min(affinity, cap or affinity)


def test_peak_rss_of_this_process() -> None:
    peak = peak_rss_bytes(os.getpid())
    assert peak is not None and peak > 10 * 2**20
    assert peak_rss_bytes(2**22 + 12345) is None  # no such process


def test_settle_heap_freezes_the_loaded_objects_once_per_occasion() -> None:
    # in a fresh interpreter: freezing is for the process's lifetime
    code = """
import gc, json
from core.machine import settle_heap
model = [{"weights": [i]} for i in range(50000)]  # what a loaded model leaves behind
first = settle_heap(after="the first call")
frozen = gc.get_freeze_count()
again = settle_heap(after="the first call")
other = settle_heap(after="the first analysis call")
cycle = []
cycle.append(cycle)  # garbage a call makes after the freeze is still collected
del cycle
print(json.dumps([first, frozen, again, other, gc.collect()]))
"""
    first, frozen, again, other, collected = json.loads(_in_a_fresh_python(code))
    assert (first, again, other) == (True, False, True)
    assert frozen >= 100000
    assert collected >= 1


def test_limit_threads_keeps_numpys_blas_to_the_budget() -> None:
    """A worker of one thread: numpy's BLAS (OpenBLAS starts one thread per core) keeps to it."""
    code = (
        "import numpy, threadpoolctl; from core.machine import limit_threads; limit_threads(1); "
        "print(max(p['num_threads'] for p in threadpoolctl.threadpool_info() "
        "if p['user_api'] == 'blas'))"
    )
    assert _in_a_fresh_python(code, OPENBLAS_NUM_THREADS="2").strip() == "1"


def _in_a_fresh_python(code: str, **env: str) -> str:
    """What `code` prints in a new interpreter (thread pools and the frozen heap are per
    process)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **env},
    ).stdout
