"""Train the call-reason heads from the labelled bank (`inspector models train-reasons`).

The same machinery as the dialogue acts (scoring/intents_train.py): frozen m3e-small vectors, one
logistic head per reason and per complaint class, Platt-calibrated on out-of-fold scores, written
reproducibly. The development set that measures them (fixtures/reasons/) is never read here.
"""

from __future__ import annotations

from pathlib import Path

from scoring.intents import IntentHeads
from scoring.intents_train import train_heads
from scoring.reasons.bank import BANK_DIR, head_names, label_matrix, load_bank
from scoring.reasons.taxonomy import Taxonomy, load_taxonomy

HEADS_FILE = Path(__file__).parent.parent / "models" / "reason_heads.npz"
#: the intent heads' regularisation; the bank is of the same kind and size per head
C = 32.0
#: the reason heads keep scikit-learn's default tolerance (fit_heads' tol=None): fitted to the
#: optimum, macro-F1 fell on dev 0.916 -> 0.910 and its lowest reason 0.846 -> 0.815 (session
#: 36): stopping early regularises them, and C was chosen with it
TOL = None


def train(
    taxonomy: Taxonomy | None = None,
    bank_dir: Path = BANK_DIR,
    out: Path = HEADS_FILE,
    c: float = C,
) -> IntentHeads:
    taxonomy = taxonomy or load_taxonomy()
    bank = load_bank(taxonomy, bank_dir)
    names = head_names(taxonomy)
    labels = label_matrix(bank, taxonomy)
    roles = ("customer",) * len(names)
    return train_heads([s.text for s in bank], labels, names, roles, out, c, tol=TOL)
