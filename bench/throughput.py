"""Batch throughput end to end: the fixture corpus through `inspector work --burst`.

    python bench/throughput.py [--calls 32] [--configs 1x2 2x1 auto]

Each configuration (PROCESSES x ASR THREADS, or auto: the default sizing) gets a fresh data
directory and database, ingests the same calls and runs the real command in a subprocess: decode,
Whisper base (faster-whisper int8, beam 5), sentiment, measures, scoring. The wall time includes
starting the workers and loading their models. Printed per configuration: audio hours per wall
hour, per core-hour (wall time x the cores of this machine) and per CPU-hour the processes
actually used, the largest worker's peak resident memory (as `inspector work` reports it), and
the ratio to the old default (1 process x all cores' threads).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scale import copy_recordings  # noqa: E402
from core.machine import usable_cores  # noqa: E402

INSPECTOR = Path(sys.executable).parent / "inspector"
SUMMARY = re.compile(
    r"processed (\d+) calls, ([\d.]+) h of audio in ([\d.]+) s: .*\((\d+) workers x (\d+) ASR "
    r"threads?(?:, peak ([\d.]+) GB)?\)"
)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(root: Path, rec: Path, models: Path, config: str) -> dict[str, float]:
    """One configuration in its own data directory; the figures of its `inspector work`."""
    env = dict(os.environ) | {
        "INSPECTOR_DATA_DIR": str(root / "var"),
        "INSPECTOR_MODEL_CACHE": str(models),
        "INSPECTOR_FIXTURE_DIR": str(rec),
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    if config != "auto":
        processes, threads = (int(x) for x in config.split("x"))
        env |= {"INSPECTOR_WORKERS": str(processes), "INSPECTOR_ASR_CPU_THREADS": str(threads)}
    else:
        env |= {"INSPECTOR_WORKERS": "auto"}
    ingest = [str(INSPECTOR), "ingest", str(rec / "manifest.csv")]
    subprocess.run(ingest, env=env, check=True, capture_output=True)
    cpu0, t0 = _cpu_s(), time.perf_counter()
    done = subprocess.run(
        [str(INSPECTOR), "work", "--burst"], env=env, capture_output=True, text=True, check=True
    )
    wall_s, cpu_s = time.perf_counter() - t0, _cpu_s() - cpu0
    found = SUMMARY.search(done.stdout)
    if not found:
        raise SystemExit(f"no summary line from inspector work:\n{done.stdout}\n{done.stderr}")
    calls, audio_h, _, workers, threads, peak = found.groups()
    return {
        "calls": int(calls),
        "audio_h": float(audio_h),
        "workers": int(workers),
        "threads": int(threads),
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "peak_gb": float(peak or "nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=32, help="fixture calls (32: all of them)")
    parser.add_argument("--configs", nargs="+", default=["1x2", "2x1", "auto"])
    args = parser.parse_args()
    cores = usable_cores()
    print(f"{cores} cores; load before: {os.getloadavg()[0]:.2f}")
    header = (
        f"{'config':>6} {'proc x thr':>10} {'calls':>5} {'audio h':>7} {'wall s':>7} "
        f"{'h/wall h':>8} {'h/core-h':>8} {'h/CPU-h':>8} {'peak GB':>7} {'vs 1x2':>6} {'load':>5}"
    )
    print(header)
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rec = copy_recordings(root, args.calls)
        models = root / "models"
        for config in args.configs:
            r = run(root / config, rec, models, config)
            per_wall = r["audio_h"] / (r["wall_s"] / 3600)
            base = per_wall if config == "1x2" else base
            print(
                f"{config:>6} {r['workers']:>4} x {r['threads']:<3} {r['calls']:>5} "
                f"{r['audio_h']:>7.3f} {r['wall_s']:>7.1f} {per_wall:>8.2f} "
                f"{per_wall / cores:>8.2f} {r['audio_h'] / (r['cpu_s'] / 3600):>8.2f} "
                f"{r['peak_gb']:>7.2f} "
                f"{(per_wall / base if base else float('nan')):>6.2f} {os.getloadavg()[0]:>5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
