"""The heads the flag turns teach, on writers they were not trained on: each writer of the flag
turns (scoring/intent_data/flag_turns/, one file a writer) left out of the heads' training in
turn, and their turns scored by the default scorecard with those heads.

The flag turns are single customer turns written and labelled for complaint_risk and churn_risk
by helper sessions that saw only the flags' definitions (docs/verdict-items.md), never the
rules: probe12 .. probe19 (session 33), probe20 .. probe22 (session 34), probe23 .. probe25,
probe29 and probe30 (session 35), probe34 (session 36). They teach the threat heads
(complaint_threat, churn_threat: scoring.intents.FLAG_TURN_THREATS), which raise flags and set
their confidence, and the complaint look-alike head (complaint_aside: FLAG_TURN_ACTS), which
sends a raised complaint flag whose every sentence it reads as a look-alike to a reviewer
instead of standing alone (final).

For each writer and flag: the flags raised (right / wrong) and the flags that stand final
(right / wrong), once with the heads trained without any flag turn (the bank's and the guards'
rows only: what the product had before) and once with the heads trained on every other writer's
turns. A writer's own turns never train the heads that score them, so the second is what a new
writer's wording gets.

The anger turns (scoring/intent_data/anger_turns/, anger26 .. anger28 and anger31 of session
35, anger32 and anger33 of session 36) are left out the same way with --anger: the anger head
trained without one writer's turns (the bank's rows, the anger act's own rows and the other
writers' turns) scores that writer's turns, against the anger head trained without any anger
turn; customer_anger raised and final, right / wrong.

Usage: python bench/context_heads.py [--writers probe20 probe21] [--errors] [--anger]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from takebacks import call  # noqa: E402  (bench/, this script's folder)

import scoring.intents as intents  # noqa: E402
from scoring import evaluate, load_scorecard  # noqa: E402
from scoring.embeddings import shared_encoder  # noqa: E402
from scoring.intents import (  # noqa: E402
    ACTS,
    ANGER_TURN_ACTS,
    ANGER_TURNS_DIR,
    FLAG_TURN_THREATS,
    FLAG_TURNS_DIR,
    GUARD_ACTS,
    IntentHeads,
    RoleNgrams,
    Utterance,
    builtin_heads,
    fit_heads,
    load_bank,
    load_bank_file,
    load_one_act,
)
from scoring.intents_train import (  # noqa: E402
    C,
    flag_turn_labels,
    guard_rows,
    label_matrix,
    own_labels,
)

#: each flag and the act of its real threats
FLAGS = {"complaint_risk": "complaint_threat", "churn_risk": "churn_threat"}
THREATS = tuple(sorted(FLAG_TURN_THREATS))


def writers(folder: Path = FLAG_TURNS_DIR) -> dict[str, list[Utterance]]:
    """Each writer's turns, by file name (without .tsv)."""
    return {path.stem: load_bank_file(path) for path in sorted(folder.glob("*.tsv"))}


@dataclasses.dataclass
class Rows:
    """A kind of heads' own rows (always trained on) and their vectors and labels."""

    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray
    acts: tuple[str, ...]
    table: int  # the first rows, on which the n-gram table is fitted

    def fit(self, turns: list[Utterance], vectors: np.ndarray, labels: np.ndarray) -> IntentHeads:
        """Heads on these rows and the given flag turns (their n-gram table on `table` rows)."""
        texts = self.texts + [u.text for u in turns]
        every = np.vstack([self.vectors, vectors]) if len(turns) else self.vectors
        on_table = np.arange(len(texts)) < self.table
        return fit_heads(
            every,
            np.vstack([self.labels, labels]) if len(turns) else self.labels,
            self.acts,
            tuple("customer" for _ in self.acts),
            c=C,
            texts=texts,
            joint=frozenset(self.acts),
            table_rows=on_table,
        )


def guard_kind(encode) -> Rows:  # type: ignore[no-untyped-def]
    rows, labels = guard_rows()
    texts = [u.text for u in rows]
    return Rows(texts, encode(texts), labels, tuple(GUARD_ACTS), len(texts))


def customer_kind(encode, acts: tuple[str, ...] = THREATS) -> Rows:  # type: ignore[no-untyped-def]
    """The heads of `acts` (customer acts; by default the threats) on their rows as `inspector
    models train-intents` reads them: the bank's customer rows, then each act's own rows
    (one_act/) for that act alone."""
    bank = [u for u in load_bank() if u.role == "customer"]
    table = {act: ACTS[act] for act in acts}
    labels = label_matrix([u.role for u in bank], [u.acts for u in bank], table)
    texts = [u.text for u in bank]
    for act, rows in load_one_act().items():
        if act in acts:
            labels = np.vstack([labels, own_labels(rows, acts, {act})])
            texts += [u.text for u in rows]
    return Rows(texts, encode(texts), labels, acts, len(bank))


def spliced(fitted: IntentHeads) -> IntentHeads:
    """The packaged dialogue-act heads with the threat acts' heads replaced by `fitted`'s (the
    same customer n-gram table: both are fitted on the bank's customer rows)."""
    base = builtin_heads()
    table = base.lexical["customer"]
    assert fitted.lexical["customer"].ngrams.vocabulary == table.ngrams.vocabulary
    weights, biases = base.weights.copy(), base.biases.copy()
    scale, shift, ngram_weights = base.scale.copy(), base.shift.copy(), table.weights.copy()
    for j, act in enumerate(fitted.acts):
        k = base.acts.index(act)
        weights[k], biases[k] = fitted.weights[j], fitted.biases[j]
        scale[k], shift[k] = fitted.scale[j], fitted.shift[j]
        ngram_weights[table.acts.index(k)] = fitted.lexical["customer"].weights[j]
    lexical = base.lexical | {"customer": RoleNgrams(table.ngrams, table.acts, ngram_weights)}
    return dataclasses.replace(
        base, weights=weights, biases=biases, scale=scale, shift=shift, lexical=lexical
    )


def counts(
    turns: list[Utterance],
    acts: IntentHeads,
    guards: IntentHeads,
    errors: bool,
    who: str,
    flags: dict[str, str] = FLAGS,
) -> dict[str, np.ndarray]:
    """Per flag (`flags`: each flag and the act of its real cases): raised right, raised wrong,
    final right, final wrong, real cases."""
    # the engine reads the heads through these
    intents.builtin_heads = lambda: acts  # type: ignore[assignment]
    intents.guard_heads = lambda: guards  # type: ignore[assignment]
    card = load_scorecard("telecom_hotline")
    out = {flag: np.zeros(5, int) for flag in flags}
    for u in turns:
        transcript, metrics = call([u.text])
        routes = {f.id: f.route for f in evaluate(transcript, metrics, card, {}).flags}
        for flag, act in flags.items():
            real, route = act in u.acts, routes.get(flag)
            raised, final = route is not None, route == "final"
            out[flag] += (
                raised and real,
                raised and not real,
                final and real,
                final and not real,
                real,
            )
            if errors and route and not real:
                print(f"  {who} {flag} {route} on a look-alike: {u.text}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", nargs="+", help="flag-turn files to leave out (default all)")
    parser.add_argument("--errors", action="store_true", help="list the look-alikes raised")
    parser.add_argument("--anger", action="store_true", help="the anger turns' writers instead")
    args = parser.parse_args()

    def encode(texts: list[str]) -> np.ndarray:
        return shared_encoder().encode(texts, batch_size=64)

    if args.anger:
        anger(encode, args.writers, args.errors)
        return

    every = writers()
    guard, threat = guard_kind(encode), customer_kind(encode)
    vectors = {name: encode([u.text for u in turns]) for name, turns in every.items()}
    none = np.zeros((0, 0))
    before = (spliced(threat.fit([], none, none)), guard.fit([], none, none))
    print(
        "| writer | turns | flag | raised right / wrong, heads without flag turns | final |"
        " raised, heads without this writer's | final | real threats |"
    )
    print("|---|---|---|---|---|---|---|---|")
    totals = {flag: np.zeros(10, int) for flag in FLAGS}
    for name in args.writers or list(every):
        others = [n for n in every if n != name]
        turns = [u for n in others for u in every[n]]
        seen = np.vstack([vectors[n] for n in others])
        after = (
            spliced(threat.fit(turns, seen, own_labels(turns, THREATS, THREATS))),
            guard.fit(turns, seen, flag_turn_labels(turns)),
        )
        a = counts(every[name], *before, False, name)
        b = counts(every[name], *after, args.errors, name)
        for flag in FLAGS:
            totals[flag] += np.concatenate([a[flag], b[flag]])
            print(_row(name, str(len(every[name])), flag, a[flag], b[flag]))
    for flag, t in totals.items():
        print(_row("all", "", flag, t[:5], t[5:]))


def anger(encode, names: list[str] | None, errors: bool) -> None:  # type: ignore[no-untyped-def]
    """Each anger turns' writer left out of the anger head (ANGER_TURN_ACTS) in turn."""
    every = writers(ANGER_TURNS_DIR)
    acts = tuple(sorted(ANGER_TURN_ACTS))
    kind = customer_kind(encode, acts)
    vectors = {name: encode([u.text for u in turns]) for name, turns in every.items()}
    none = np.zeros((0, 0))
    guards = intents.guard_heads()
    before = spliced(kind.fit([], none, none))
    flags = {"customer_anger": "anger"}
    print(
        "| writer | turns | flag | raised right / wrong, head without anger turns | final |"
        " raised, head without this writer's | final | angry turns |"
    )
    print("|---|---|---|---|---|---|---|---|")
    total = np.zeros(10, int)
    for name in names or list(every):
        others = [n for n in every if n != name]
        turns = [u for n in others for u in every[n]]
        seen = np.vstack([vectors[n] for n in others])
        after = spliced(kind.fit(turns, seen, own_labels(turns, acts, acts)))
        a = counts(every[name], before, guards, False, name, flags)["customer_anger"]
        b = counts(every[name], after, guards, errors, name, flags)["customer_anger"]
        total += np.concatenate([a, b])
        print(_row(name, str(len(every[name])), "customer_anger", a, b))
    print(_row("all", "", "customer_anger", total[:5], total[5:]))


def _row(name: str, turns: str, flag: str, a: np.ndarray, b: np.ndarray) -> str:
    return (
        f"| {name} | {turns} | {flag} | {a[0]} / {a[1]} | {a[2]} / {a[3]} |"
        f" {b[0]} / {b[1]} | {b[2]} / {b[3]} | {a[4]} |"
    )


if __name__ == "__main__":
    main()
