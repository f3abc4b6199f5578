"""Scoring throughput with the default scorecard on the labelled fixture transcripts (one core),
turn vectors computed first (as the sentiment stage does for a worker; bench/verdicts.py reports
the encoding cost apart).

python bench/scoring.py [--calls 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.machine import limit_threads  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.io import parse_line  # noqa: E402
from scoring.matching import forget_texts  # noqa: E402
from scoring.metrics import measure  # noqa: E402
from scoring.scorecard import parse_scorecard  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    lines = (REPO / "fixtures/transcripts/labelled.jsonl").read_text("utf-8").splitlines()
    parsed = [parse_line(line, "labelled") for line in lines]
    model = shared_model()
    transcripts = [model.annotate(p.transcript) for p in parsed]  # the sentiment stage's vectors
    card = load_scorecard("telecom_hotline")
    limit_threads(1)  # one core, as a worker of one thread
    # the heads and jieba's dictionary load on the first call, once per worker
    first = transcripts[0]
    evaluate(first, measure(first, parsed[0].duration_s), card, parsed[0].metadata)
    segments = sum(len(p.transcript.segments) for p in parsed) / len(parsed)
    rows = []
    for label, with_measure in (("evaluate only", False), ("measure + evaluate", True)):
        metrics = [measure(t, p.duration_s) for t, p in zip(transcripts, parsed, strict=True)]
        t0 = time.perf_counter()
        for i in range(args.calls):
            p, t = parsed[i % len(parsed)], transcripts[i % len(parsed)]
            m = measure(t, p.duration_s) if with_measure else metrics[i % len(parsed)]
            forget_texts()  # every real call is new text: no warm caches
            evaluate(t, m, card, p.metadata)
        wall = time.perf_counter() - t0
        rows.append((label, args.calls, wall, args.calls / wall))
    # similar-to-examples is reported apart: it runs the m3e-small encoder on every agent turn
    similar_card = parse_scorecard(
        {
            "name": "similar",
            "sections": [
                {
                    "items": [
                        {
                            "id": "transfer",
                            "points": 5,
                            "fail_when": {
                                "similar": {
                                    "examples": ["我现在为您转接专席", "我帮您转到相关部门处理"],
                                    "role": "agent",
                                }
                            },
                        }
                    ]
                }
            ],
        },
        "bench",
    )
    n_similar = min(args.calls, 320)
    evaluate(parsed[0].transcript, metrics[0], similar_card, {})  # load the encoder first
    t0 = time.perf_counter()
    for i in range(n_similar):
        p = parsed[i % len(parsed)]
        evaluate(p.transcript, metrics[i % len(parsed)], similar_card, p.metadata)
    wall = time.perf_counter() - t0
    rows.append(("similar-to-examples", n_similar, wall, n_similar / wall))
    print(
        f"scorecard {card.name} ({len(card.items)} items, {len(card.flags)} flags), "
        f"{segments:.1f} segments per call, one process"
    )
    print(f"{'what':<20} {'calls':>6} {'wall s':>7} {'calls/s':>8}")
    for label, n, wall, rate in rows:
        print(f"{label:<20} {n:>6} {wall:>7.2f} {rate:>8.0f}")


if __name__ == "__main__":
    main()
