"""Sentiment throughput: turns per second on this machine, model loaded once, batched.

python bench/sentiment.py [--turns 2000] [--threads 2]

Turns are the dialogue set and the fixture transcripts (real call-centre lengths), repeated.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring.embeddings import Encoder  # noqa: E402
from scoring.sentiment import SentimentHead, SentimentModel, load_dialogue  # noqa: E402


def corpus() -> list[tuple[str, str]]:
    turns = [(r.text, r.role) for r in load_dialogue()]
    for line in (REPO / "fixtures/transcripts/labelled.jsonl").read_text("utf-8").splitlines():
        turns += [(s["text"], s["role"]) for s in json.loads(line)["segments"]]
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    model = SentimentModel(SentimentHead.load(), Encoder(threads=args.threads))
    load_s = time.perf_counter() - t0
    base = corpus()
    turns = [base[i % len(base)] for i in range(args.turns)]
    chars = sum(len(t) for t, _ in turns) / len(turns)
    print(f"{'case':<28} {'turns':>6} {'wall s':>7} {'turns/s':>8}")
    print(f"{'model load':<28} {'':>6} {load_s:>7.2f} {'':>8}")
    for label, size in (("one call (25 turns)", 25), (f"batch of {args.turns}", args.turns)):
        t0 = time.perf_counter()
        done = 0
        while done < args.turns:
            chunk = turns[done : done + size]
            model.predict([t for t, _ in chunk], [r for _, r in chunk])
            done += len(chunk)
        wall = time.perf_counter() - t0
        print(f"{label:<28} {done:>6} {wall:>7.2f} {done / wall:>8.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mean turn length {chars:.1f} characters; peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
