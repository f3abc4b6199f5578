"""What this machine offers a process: usable CPU cores and available memory, container limits
included (cgroup v2), read when a command sizes its workers."""

from __future__ import annotations

import gc
import math
import os
from dataclasses import dataclass
from pathlib import Path

GIB = 1024**3


@dataclass(frozen=True)
class Machine:
    """Cores this process may run on and memory that can be taken without swapping."""

    cores: int
    available_bytes: int


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """Cores in this process's CPU affinity, lowered by a cgroup CPU quota when there is one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(math.ceil(int(quota) / int(period)), 1))
    except (OSError, ValueError):
        pass
    return max(cores, 1)


def available_memory_bytes(
    meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """MemAvailable (free plus reclaimable cache), lowered by a cgroup memory limit's headroom;
    None where neither can be read (not Linux)."""
    available = None
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max":
            used = int((cgroup / "memory.current").read_text().strip())
            headroom = max(int(limit) - used, 0)
            available = headroom if available is None else min(available, headroom)
    except (OSError, ValueError):
        pass
    return available


def this_machine() -> Machine:
    """Cores and available memory now; memory counts as unlimited where it cannot be read."""
    available = available_memory_bytes()
    return Machine(usable_cores(), available if available is not None else 2**62)


def peak_rss_bytes(pid: int) -> int | None:
    """A live process's peak resident memory so far (VmHWM), None where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


_settled: set[str] = set()


def settle_heap(after: str) -> bool:
    """Once per process and `after` (the first call of a phase, when its models have loaded):
    collect, then move every object left into the garbage collector's permanent generation.
    A loaded model (torch, transformers, Whisper, jieba, the scorecard's heads) is hundreds of
    thousands of tracked objects that live as long as the process: left in the oldest
    generation, every full collection walks them again (about 0.3 s with the analysis models
    loaded, which is a hundred calls' scoring); frozen, a collection sees only what calls
    create. Returns whether it settled now."""
    if after in _settled:
        return False
    _settled.add(after)
    gc.collect()
    gc.freeze()
    return True


def limit_threads(threads: int) -> None:
    """Keep every thread pool of this process to `threads`: torch's, OpenMP's and the BLAS
    that numpy links (OpenBLAS starts one thread per core and spins them after each product,
    however small: with one worker process per core they would take each other's cores, and
    a call's scoring, a few small products, spends a fifth of its CPU time in them)."""
    import sys

    from threadpoolctl import threadpool_limits

    os.environ["OMP_NUM_THREADS"] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    threadpool_limits(limits=threads)
