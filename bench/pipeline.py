"""Benchmark the pipeline spine: ingest and `work --burst` over N calls whose stages do nothing.

Usage: python bench/pipeline.py [--calls 200] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from inspector.batch.ingest import ingest
from inspector.batch.worker import run_workers
from inspector.settings import load_settings
from inspector.store.database import make_engine, make_session_factory, upgrade


def _recordings(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    t = np.arange(4000) / 8000
    for i in range(n):
        tone = 0.1 * np.sin(2 * np.pi * (100 + i) * t)
        sf.write(
            str(folder / f"call{i:05d}.wav"), np.stack([tone, tone[::-1]], 1), 8000, subtype="ULAW"
        )


def run(calls: int, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _recordings(root / "rec", calls)
        settings = load_settings(
            None,
            {},
            data_dir=root / "var",
            secret_key="bench",
            customer_hash_salt="bench",
            pipeline="noop",
            log_level="WARNING",
        )
        engine = make_engine(settings.database)
        upgrade(engine)
        sessions = make_session_factory(engine)
        t0 = time.perf_counter()
        report = ingest(sessions, settings, root / "rec")
        ingest_s = time.perf_counter() - t0
        assert len(report.added) == calls, report.summary()
        t0 = time.perf_counter()
        progress = run_workers(settings, workers=workers, burst=True, interactive=False)
        work_s = time.perf_counter() - t0
        assert progress.finished == calls
        engine.dispose()
    return {"ingest_s": ingest_s, "work_s": work_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(
        f"{'workers':>7} {'calls':>6} {'ingest s':>9} {'ingest/s':>9} {'work s':>7} {'calls/s':>8}"
    )
    for workers in args.workers:
        r = run(args.calls, workers)
        ingest_rate, work_rate = args.calls / r["ingest_s"], args.calls / r["work_s"]
        print(
            f"{workers:>7} {args.calls:>6} {r['ingest_s']:>9.2f} {ingest_rate:>9.1f} "
            f"{r['work_s']:>7.2f} {work_rate:>8.1f}"
        )


if __name__ == "__main__":
    main()
