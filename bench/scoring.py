"""Scoring throughput with the default scorecard on the labelled fixture transcripts (one core).

python bench/scoring.py [--calls 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.io import parse_line  # noqa: E402
from scoring.matching import normalize, spell  # noqa: E402
from scoring.metrics import measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    lines = (REPO / "fixtures/transcripts/labelled.jsonl").read_text("utf-8").splitlines()
    parsed = [parse_line(line, "labelled") for line in lines]
    card = load_scorecard("telecom_hotline")
    segments = sum(len(p.transcript.segments) for p in parsed) / len(parsed)
    rows = []
    for label, with_measure in (("evaluate only", False), ("measure + evaluate", True)):
        metrics = [measure(p.transcript, p.duration_s) for p in parsed]
        t0 = time.perf_counter()
        for i in range(args.calls):
            p = parsed[i % len(parsed)]
            m = measure(p.transcript, p.duration_s) if with_measure else metrics[i % len(parsed)]
            spell.cache_clear()  # every real call is new text: no warm caches
            normalize.cache_clear()
            evaluate(p.transcript, m, card, p.metadata)
        wall = time.perf_counter() - t0
        rows.append((label, args.calls, wall, args.calls / wall))
    print(
        f"scorecard {card.name} ({len(card.items)} items, {len(card.flags)} flags), "
        f"{segments:.1f} segments per call, one process"
    )
    print(f"{'what':<20} {'calls':>6} {'wall s':>7} {'calls/s':>8}")
    for label, n, wall, rate in rows:
        print(f"{label:<20} {n:>6} {wall:>7.2f} {rate:>8.0f}")


if __name__ == "__main__":
    main()
