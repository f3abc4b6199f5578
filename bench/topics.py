"""How well the call-reason heads find why customers call, on a set we did not write.

Sets: fixtures/reasons/dev.jsonl (130 calls, for development) and --set
fixtures/reasons/holdout.jsonl (80 calls by another writer, scored only for reports), written and
labelled blind to the training bank (scoring/reason_data/) and to the training calls
(fixtures/reasons/train.jsonl) from the reason definitions alone; a test keeps the sets, the bank
and the training calls sharing no sentence. Each call runs through what the worker runs: the
sentiment stage encodes every sentence once, the reason heads read the customer's vectors and the
call model decides which reasons the call keeps (--rule: the fixed threshold rule instead).

Prints per-reason precision, recall and F1 (multi-label, per call), macro-F1 over the reasons,
and the MIIT complaint-class accuracy on the calls the judge labelled as complaints.

Usage: python bench/topics.py [--set PATH] [--rule] [--errors]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring.reasons.calls import load_calls  # noqa: E402
from scoring.reasons.detect import CallReasons, shared_reason_model  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402

DEV = REPO / "fixtures" / "reasons" / "dev.jsonl"


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if tp else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEV)
    parser.add_argument("--rule", action="store_true", help="the fixed rule, no call model")
    parser.add_argument("--errors", action="store_true", help="list the calls missed")
    args = parser.parse_args()
    cases = load_calls(args.set)
    sentiment, model = shared_model(), shared_reason_model()
    if args.rule:
        model = dataclasses.replace(model, calls=None)
    started = time.perf_counter()
    found: list[CallReasons] = [model.detect(sentiment.annotate(c.transcript)) for c in cases]
    elapsed = time.perf_counter() - started
    counts: dict[str, Counter[str]] = {code: Counter() for code in model.taxonomy.codes}
    for case, got in zip(cases, found, strict=True):
        for code in model.taxonomy.codes:
            truth, said = code in case.reasons, code in got.codes
            counts[code]["tp" if truth and said else "fp" if said else "fn" if truth else "tn"] += 1
    per_call_ms = elapsed / len(cases) * 1000
    how = "the fixed rule" if args.rule else "the call model"
    print(f"{args.set.name}: {len(cases)} calls, {per_call_ms:.0f} ms/call (sentiment + reasons),"
          f" {how}")  # fmt: skip
    print(f"{'reason':<18}{'label':<16}{'n':>5}{'P':>7}{'R':>7}{'F1':>7}")
    scores = []
    for code, c in counts.items():
        p, r, f = f1(c["tp"], c["fp"], c["fn"])
        scores.append(f)
        label = model.taxonomy.label(code)
        print(f"{code:<18}{label:<{16 - sum(ord(ch) > 0x2E80 for ch in label)}}"
              f"{c['tp'] + c['fn']:>5}{p:>7.3f}{r:>7.3f}{f:>7.3f}")  # fmt: skip
    print(f"macro-F1 over {len(scores)} reasons: {sum(scores) / len(scores):.3f}; "
          f"lowest {min(scores):.3f}")  # fmt: skip
    complaints = [(c, g) for c, g in zip(cases, found, strict=True) if c.complaint_class]
    right = sum(g.complaint_class == c.complaint_class for c, g in complaints)
    print(f"complaint class (网络质量/资费/服务): {right}/{len(complaints)} right")
    exact = sum(set(g.codes) == set(c.reasons) for c, g in zip(cases, found, strict=True))
    print(f"calls with exactly the judge's reasons: {exact}/{len(cases)}")
    if args.errors:
        for case, got in zip(cases, found, strict=True):
            if set(got.codes) != set(case.reasons) or (
                case.complaint_class and got.complaint_class != case.complaint_class
            ):
                print(f"  {case.call_id}: judge {sorted(case.reasons)} {case.complaint_class or ''}"
                      f" / model {list(got.codes)} {got.complaint_class or ''}")  # fmt: skip


if __name__ == "__main__":
    main()
