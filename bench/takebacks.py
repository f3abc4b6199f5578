"""Threats taken back: how the default scorecard's complaint and churn flags stand on calls where
the caller takes a threat back, keeps it, or makes none.

The sets (fixtures/takebacks/) were written and labelled by helper sessions that saw only the
flag definitions of docs/verdict-items.md (a threat taken back, apologised for or said not to
be meant does not count), never the rules: takebacks_a (120 cases of one or two customer turns:
45 threats taken back, 45 that stand beside take-back-like words, 30 with no threat) and
takebacks_b (100 cases of two or three turns: 35 / 35 / 30). A case is the customer's side of
a call; the agent's lines between turns are neutral.

For each flag: the machine's precision and recall (routing does not change them), how many
flags are routed (to a reviewer, or sampled for a check), the precision of the flags that
stand alone (final) and how many of the real threats stand alone; once with the scorecard as
it is and once without its `taken_back` (words and acts), so the take-back's share shows.

Usage: python bench/takebacks.py [--sets takebacks_a takebacks_b] [--errors]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from asr.types import Role, Segment, Transcript  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.metrics import measure  # noqa: E402
from scoring.scorecard import Scorecard  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402
from scoring.types import Metrics  # noqa: E402

FLAGS = ("complaint_risk", "churn_risk")
OPEN = "您好，很高兴为您服务，请问有什么可以帮您？"
BETWEEN = ("好的，我帮您看一下。", "好的，明白了。", "嗯，您接着说。")


def load(name: str) -> list[dict]:
    path = REPO / "fixtures" / "takebacks" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def call(turns: list[str]) -> tuple[Transcript, Metrics]:
    """The agent's opening, then each customer turn followed by a neutral agent line, at 4.5
    characters a second with 0.6 s between turns; annotated as the sentiment stage does."""
    lines = [("agent", OPEN)]
    for k, text in enumerate(turns):
        lines += [("customer", text), ("agent", BETWEEN[k % len(BETWEEN)])]
    segments, t = [], 0.5
    for role, text in lines:
        t += 0.6
        end = t + len(text) / 4.5
        segments.append(Segment(t, end, Role(role), text))
        t = end
    transcript = shared_model().annotate(Transcript(segments=tuple(segments)))
    return transcript, measure(transcript, t + 1.0)


def without_take_backs(card: Scorecard) -> Scorecard:
    flags = tuple(dataclasses.replace(f, taken_back=None, taken_back_acts=()) for f in card.flags)
    return dataclasses.replace(card, flags=flags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["takebacks_a", "takebacks_b"])
    parser.add_argument("--scorecard", default="telecom_hotline")
    parser.add_argument("--errors", action="store_true", help="list every case judged otherwise")
    args = parser.parse_args()
    card = load_scorecard(args.scorecard)
    cards = {"scorecard": card, "without taken_back": without_take_backs(card)}
    print(
        "| set | flag | card | P / R | routed (review or sample) | final P | real threats final |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in args.sets:
        cases = load(name)
        routes: dict[str, dict[str, list[tuple[bool, str]]]] = {
            k: {f: [] for f in FLAGS} for k in cards
        }
        for case in cases:
            transcript, metrics = call(case["turns"])
            for label, scorecard in cards.items():
                flags = {
                    f.id: f.route
                    for f in evaluate(transcript, metrics, scorecard, {"call_id": case["id"]}).flags
                }
                for flag in FLAGS:
                    route = flags.get(flag, "none")
                    route = route if route in ("final", "none") else "routed"
                    routes[label][flag].append((bool(case[flag]), route))
                    if args.errors and label == "scorecard" and (route == "final") != case[flag]:
                        print(f"  {case['id']} {flag}: judge {case[flag]}, machine {route}")
        for flag in FLAGS:
            for label in cards:
                got = routes[label][flag]
                tp = sum(w and r != "none" for w, r in got)
                fp = sum(not w and r != "none" for w, r in got)
                real = sum(w for w, _ in got)
                ftp = sum(w and r == "final" for w, r in got)
                ffp = sum(not w and r == "final" for w, r in got)
                review = sum(r == "routed" for _, r in got)
                print(
                    f"| {name} | {flag} | {label} | {tp}/{tp + fp} / {tp}/{real} | {review} | "
                    f"{ftp}/{ftp + ffp} | {ftp}/{real} |"
                )


if __name__ == "__main__":
    main()
