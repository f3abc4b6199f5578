"""The context heads on writers they were not trained on: each writer of the flag turns
(scoring/intent_data/guards/flag_turns/, one file a writer) left out of the heads' training in
turn, and their turns scored by the default scorecard with those heads.

The flag turns are single customer turns written and labelled for complaint_risk and churn_risk
by helper sessions that saw only the flags' definitions (docs/verdict-items.md), never the
rules: probe12 .. probe19 (session 33) and probe20 .. probe22 (session 34). They teach the
complaint look-alike head (complaint_aside; scoring.intents.FLAG_TURN_ACTS), which decides
whether a raised complaint flag stands alone (final) or waits for a reviewer: a flag whose every
sentence it reads as a look-alike is doubted. So a better head moves look-alikes from final to
review and should move no real threat there; it raises or drops no flag.

For each writer: the flags that stand final, right and wrong, with heads trained without any
flag turn (the bank and the guards' rows only: what the product had before) and with heads
trained on every other writer's turns. A writer's own turns never train the heads that score
them, so the second column is what a new writer's wording gets.

Usage: python bench/context_heads.py [--writers probe20 probe21] [--errors]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from takebacks import call  # noqa: E402  (bench/, this script's folder)

import scoring.intents as intents  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.embeddings import shared_encoder  # noqa: E402
from scoring.intents import (  # noqa: E402
    FLAG_TURNS_DIR,
    GUARD_ACTS,
    IntentHeads,
    Utterance,
    fit_heads,
    load_bank,
)
from scoring.intents_train import C, flag_turn_labels, guard_rows  # noqa: E402

#: the flags whose look-alike heads the flag turns teach, and the act that marks a real threat
FLAGS = {"complaint_risk": "complaint_threat"}


def writers(names: list[str] | None) -> dict[str, list[Utterance]]:
    """Each writer's turns, by file name (without .tsv)."""
    out = {}
    for path in sorted(FLAG_TURNS_DIR.glob("*.tsv")):
        if names and path.stem not in names:
            continue
        # load_bank reads a folder: each file alone, through a folder holding a link to it
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / path.name).symlink_to(path)
            out[path.stem] = load_bank(Path(tmp))
    return out


def fit(texts: list[str], vectors: np.ndarray, labels: np.ndarray) -> IntentHeads:
    roles = tuple(r for r, _ in GUARD_ACTS.values())
    return fit_heads(
        vectors, labels, tuple(GUARD_ACTS), roles, c=C, texts=texts, joint=frozenset(GUARD_ACTS)
    )


def final_counts(
    turns: list[Utterance], heads: IntentHeads, errors: bool, who: str
) -> dict[str, tuple[int, int, int]]:
    """Per flag: real threats final, look-alikes final, real threats."""
    intents.guard_heads = lambda: heads  # the engine reads the context heads through this
    card = load_scorecard("telecom_hotline")
    out = {flag: [0, 0, 0] for flag in FLAGS}
    for u in turns:
        transcript, metrics = call([u.text])
        routes = {f.id: f.route for f in evaluate(transcript, metrics, card, {}).flags}
        for flag, act in FLAGS.items():
            real, final = act in u.acts, routes.get(flag) == "final"
            out[flag][0] += real and final
            out[flag][1] += final and not real
            out[flag][2] += real
            if errors and final and not real:
                print(f"  {who} {flag} final on a look-alike: {u.text}")
    return {flag: (a, b, c) for flag, (a, b, c) in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", nargs="+", help="flag-turn files to leave out (default all)")
    parser.add_argument("--errors", action="store_true", help="list the look-alikes left final")
    args = parser.parse_args()
    rows, labels = guard_rows()
    every = writers(None)
    texts = [u.text for u in rows] + [u.text for turns in every.values() for u in turns]
    vectors = shared_encoder().encode(texts, batch_size=64)
    base = len(rows)
    without = fit(texts[:base], vectors[:base], labels)
    print(
        "| writer | turns | flag | final right / wrong, heads without flag turns |"
        " the same, heads without this writer's | real threats |"
    )
    print("|---|---|---|---|---|---|")
    totals: dict[str, np.ndarray] = {}
    start = base
    spans = {}
    for name, turns in every.items():
        spans[name] = (start, start + len(turns))
        start += len(turns)
    for name in writers(args.writers):
        turns = every[name]
        keep = [i for i in range(len(texts)) if not spans[name][0] <= i < spans[name][1]]
        others = [u for other, ts in every.items() if other != name for u in ts]
        left_out = fit(
            [texts[i] for i in keep],
            vectors[keep],
            np.vstack([labels, flag_turn_labels(others)]),
        )
        before = final_counts(turns, without, False, name)
        after = final_counts(turns, left_out, args.errors, name)
        for flag in FLAGS:
            (a, b, real), (c, d, _) = before[flag], after[flag]
            totals[flag] = totals.get(flag, np.zeros(5, int)) + (a, b, c, d, real)
            print(f"| {name} | {len(turns)} | {flag} | {a} / {b} | {c} / {d} | {real} |")
    for flag, (a, b, c, d, real) in totals.items():
        print(f"| all | | {flag} | {a} / {b} | {c} / {d} | {real} |")


if __name__ == "__main__":
    main()
