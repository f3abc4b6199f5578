"""Two scorecards' scoring speed side by side, in one process, their passes interleaved.

Calls per CPU second on one core (vectors computed first, as bench/verdicts.py times them), each
pass a first pass (the caches of sentences already read emptied before it), the two scorecards
alternately (A B, B A, ...), so that a noisy neighbour or a slower moment of a shared core falls
on both alike. Across processes the same code moved by 10-20 % from run to run on a shared
two-core machine (docs/benchmarks.md, session 45); here the two runs share everything but the
scorecard. The intent heads are the process's own (one set for both).

python bench/scorecard_ab.py A.yaml B.yaml [--sets dev] [--passes 10]
(a scorecard by path, or a built-in one by name; git show REV:scoring/scorecards/X.yaml > A.yaml
gives an earlier version)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# bench/verdicts.py's sets, looked up after the packages (bench/scoring.py is a script, not them)
sys.path.append(str(REPO / "bench"))

import verdicts  # noqa: E402

from core.machine import limit_threads, settle_heap  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.io import parse_line  # noqa: E402
from scoring.matching import forget_texts  # noqa: E402
from scoring.metrics import measure  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", help="the first scorecard (a path or a built-in name)")
    parser.add_argument("b", help="the second scorecard")
    parser.add_argument("--sets", nargs="+", default=["dev"], choices=list(verdicts.SETS))
    parser.add_argument("--passes", type=int, default=10, help="first passes of each scorecard")
    args = parser.parse_args()
    cards = [load_scorecard(args.a), load_scorecard(args.b)]
    cases = [case for name in args.sets for case in verdicts.SETS[name]()]
    if not cases:
        sys.exit(f"no calls in {', '.join(args.sets)}")
    parsed = [parse_line(c.line, c.call_id) for c in cases]
    model = shared_model()
    calls = []
    for p in parsed:
        transcript = model.annotate(p.transcript)
        calls.append((transcript, measure(transcript, p.duration_s), p.metadata))
    for card in cards:  # the heads, jieba and every pattern loaded and compiled once
        for transcript, metrics, metadata in calls:
            evaluate(transcript, metrics, card, metadata)
    settle_heap(after="the first call")
    limit_threads(1)
    seconds: list[list[float]] = [[], []]
    for k in range(args.passes):
        for which in (0, 1) if k % 2 == 0 else (1, 0):
            forget_texts()
            t0 = time.process_time()
            for transcript, metrics, metadata in calls:
                evaluate(transcript, metrics, cards[which], metadata)
            seconds[which].append(time.process_time() - t0)
    n = len(calls)
    print(f"{n} calls ({', '.join(args.sets)}), {args.passes} first passes each, interleaved")
    print(f"{'scorecard':<40} {'best calls/s':>13} {'median':>8}")
    for name, times in zip((args.a, args.b), seconds, strict=True):
        print(f"{name[-40:]:<40} {n / min(times):>13.0f} {n / statistics.median(times):>8.0f}")


if __name__ == "__main__":
    main()
