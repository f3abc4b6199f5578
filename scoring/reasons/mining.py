"""Sentences the labelled training calls lend the reason heads, read off the bank-only heads:
a customer sentence that shows a reason the judge did not give its call is a hard negative for
that reason (the passing mentions, follow-ups and past calls a whole call is full of, which single
bank sentences lack); the sentence that shows a reason the judge gave best is a positive for it.

Each mined row speaks to one head only (-1 elsewhere), so a passing mention never teaches the
other heads anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.reasons.calls import CallSentences, SentenceScores
from scoring.reasons.taxonomy import Taxonomy

#: a sentence showing a reason its call was not given at least this well is a hard negative
NEGATIVE_LEVEL = 0.3


@dataclass(frozen=True, eq=False)
class Mined:
    """Rows for the heads: sentence vectors and (rows, heads) labels 1 / 0 / -1 (no part)."""

    vectors: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def mine_call(
    sentences: CallSentences,
    scores: SentenceScores,
    reasons: frozenset[str],
    taxonomy: Taxonomy,
    level: float = NEGATIVE_LEVEL,
) -> Mined:
    """The hard negatives and best positives of one labelled call (`scores` from the bank-only
    heads over `sentences`)."""
    rows: list[int] = []
    labels: list[np.ndarray] = []
    for code in taxonomy.codes:
        j = scores.heads.index(code)
        p = scores.customer[:, j]
        if not len(p):
            continue
        if code in reasons:
            picked, value = [int(np.argmax(p))], 1
        else:
            picked, value = [int(i) for i in np.flatnonzero(p >= level)], 0
        for i in picked:
            label = np.full(len(scores.heads), -1, dtype=np.int8)
            label[j] = value
            rows.append(i)
            labels.append(label)
    dim = sentences.customer.shape[1]
    return Mined(
        sentences.customer[rows].reshape(len(rows), dim),
        np.array(labels, dtype=np.int8).reshape(len(rows), len(scores.heads)),
    )


def stack(parts: list[Mined], dim: int, heads: int) -> Mined:
    """Several calls' rows as one."""
    if not parts:
        return Mined(np.zeros((0, dim), np.float32), np.zeros((0, heads), np.int8))
    return Mined(
        np.concatenate([m.vectors for m in parts]).reshape(-1, dim),
        np.concatenate([m.labels for m in parts]).reshape(-1, heads),
    )
