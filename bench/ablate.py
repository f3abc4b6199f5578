"""What each branch of a scorecard is worth: every branch of every item's conditions and of
every flag's removed in turn (and, with --min-p, every intent condition's min_p moved), each
item or flag scored again over the call sets of bench/verdicts.py, and the verdicts gained and
lost against the judges counted per group of sets: development (read), report (never read:
holdout_*, helpdesk_holdout*) and the real helpdesk report set.

python bench/ablate.py [--scorecard NAME] [--sets dev dev_e ...] [--min-p] [--at-least 2]

A variant is printed where the development sets gain at least --at-least verdicts net. Drop a
branch only where the development sets gain clearly and the report groups do not lose: the read
look-alike sets (denials_a, others_a, ...) are written to be hard and reward dropping the
words of policy. Turn vectors are computed once per call and kept in var/bench/ablate_vectors.pkl
(keyed by the transcript line); an operator's hit is memoised per call, so a variant costs only
its own conditions (session 52: 122 variants over every call set, about 3,800 calls, in under a
minute; the vectors on a new machine take about ten minutes).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import verdicts as bv  # noqa: E402

from scoring import load_scorecard  # noqa: E402
from scoring.conditions import CallView  # noqa: E402
from scoring.engine import check, score_item  # noqa: E402
from scoring.io import parse_line  # noqa: E402
from scoring.metrics import measure  # noqa: E402
from scoring.scorecard import All, AnyOf, Condition, Not, Op, Order  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402

CACHE = REPO / "var" / "bench" / "ablate_vectors.pkl"
GROUPS = ("development", "report", "helpdesk")
#: sets scored under another key as well (holdout_p, holdout_q, holdout_r and holdout_s are
#: inside "holdout")
SKIP = {"audio", "holdout_p", "holdout_q", "holdout_r", "holdout_s"}


def group(name: str) -> str:
    if name.startswith(("holdout", "helpdesk_holdout")):
        return "report"
    return "helpdesk" if name == "helpdesk" else "development"


def variants(
    cond: Condition, path: str, depth: int, min_p: bool
) -> Iterator[tuple[str, Condition]]:
    """(where, the condition with that branch removed or that min_p moved)."""
    if depth > 3:
        return
    if isinstance(cond, Op):
        if min_p and cond.name == "intent":
            p0 = float(cond.params.get("min_p", 0.5))
            for step in (-0.1, -0.05, 0.03, 0.05, 0.1):
                p = round(p0 + step, 3)
                if 0 < p < 1:
                    yield f"{path} min_p {p0} -> {p}", Op(cond.name, {**cond.params, "min_p": p})
        return
    if isinstance(cond, All | AnyOf):
        kids = cond.children
        for k, child in enumerate(kids):
            if len(kids) > 1 and not min_p:
                yield f"{path}[{k}] dropped", type(cond)(kids[:k] + kids[k + 1 :])
            for where, v in variants(child, f"{path}[{k}]", depth + 1, min_p):
                yield where, type(cond)(kids[:k] + (v,) + kids[k + 1 :])
    elif isinstance(cond, Order):
        for where, v in variants(cond.first, f"{path}.first", depth + 1, min_p):
            yield where, dataclasses.replace(cond, first=v)
        for where, v in variants(cond.then, f"{path}.then", depth + 1, min_p):
            yield where, dataclasses.replace(cond, then=v)
    elif isinstance(cond, Not):
        for where, v in variants(cond.child, f"{path}.not", depth + 1, min_p):
            yield where, Not(v)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorecard", default="telecom_hotline")
    parser.add_argument("--sets", nargs="+", default=[s for s in bv.SETS if s not in SKIP])
    parser.add_argument("--min-p", action="store_true", help="move min_p instead of dropping")
    parser.add_argument("--at-least", type=int, default=2)
    args = parser.parse_args()
    card = load_scorecard(args.scorecard)
    items = {
        item.id: (
            item,
            [
                (f"{part}{where}", dataclasses.replace(item, **{part: v}))
                for part in ("applies_when", "pass_when", "fail_when")
                if (cond := getattr(item, part)) is not None
                for where, v in variants(cond, "", 0, args.min_p)
            ],
        )
        for item in card.items
    }
    flags = {
        rule.id: (rule, [(f"when{w}", v) for w, v in variants(rule.when, "", 0, args.min_p)])
        for rule in card.flags
    }
    vectors = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    known = len(vectors)
    model = None
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for name in args.sets:
        for case in bv.SETS[name]():
            parsed = parse_line(case.line, case.call_id)
            key = hashlib.sha1(case.line.encode("utf-8")).hexdigest()
            if key not in vectors:
                model = model or shared_model()
                vectors[key] = model.annotate(parsed.transcript)
            transcript = vectors[key]
            view = CallView(
                transcript,
                measure(transcript, parsed.duration_s),
                parsed.metadata,
                card.custom_heads,
            )
            g = group(name)
            for item_id, (item, kinds) in items.items():
                truth = case.items.get(item_id)
                if truth is None:
                    continue
                base = str(score_item(item, view, card.routing, "k").status)
                for where, variant in kinds:
                    got = str(score_item(variant, view, card.routing, "k").status)
                    if got != base:
                        sign = "+" if got == truth else "-" if base == truth else "~"
                        tally[item_id, where][g + sign] += 1
            for flag_id, (rule, kinds) in flags.items():
                if flag_id not in case.judged:
                    continue
                truth_flag = flag_id in case.flags
                base_flag = check(rule.when, view).matched
                for where, when in kinds:
                    if check(when, view).matched != base_flag:
                        sign = "+" if base_flag != truth_flag else "-"
                        tally[flag_id, where][g + sign] += 1
    if len(vectors) > known:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(pickle.dumps(vectors))

    def net(c: Counter) -> int:  # development verdicts gained less those lost
        return c["development+"] - c["development-"]

    print(f"{'net':>4}  {'item or flag':<22} {'variant':<44} " + "  ".join(GROUPS))
    for (what, where), c in sorted(tally.items(), key=lambda kv: -net(kv[1])):
        if net(c) >= args.at_least:
            cells = "  ".join(f"+{c[g + '+']}/-{c[g + '-']}" for g in GROUPS)
            print(f"{net(c):+4d}  {what:<22} {where:<44} {cells}")


if __name__ == "__main__":
    main()
