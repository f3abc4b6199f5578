"""What the call-level decision reads: per (call, reason), features of the sentence-level head
probabilities over the call's sentences (how high, how often, where, against which rivals).

Pure numpy on the heads' output, so table-tested without any model: the call model
(scoring/reasons/call_model.py) learns from these, never from the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.reasons.taxonomy import Taxonomy

#: probability levels whose sentence counts are features
LEVELS = (0.3, 0.5, 0.7, 0.9)
#: the customer's opening turns: where the reason of a call is usually said
FIRST_TURNS = 2

#: feature names, in column order (the reason one-hot columns follow: `is:<code>`)
NAMES = (
    "max_p",
    "logit_max_p",
    "second_p",
    "top3_mean",
    "mean_p",
    *(f"n_ge_{lv}" for lv in LEVELS),
    "share_ge_0.5",
    "chars_share_ge_0.5",
    "mass_share",
    "best_position",
    "first_turns_max",
    "is_top",
    "rank",
    "rival_max",
    "margin",
    "superseder_max",
    "superseded_max",
    "agent_max",
    "agent_n_ge_0.5",
    "log_sentences",
)


@dataclass(frozen=True)
class CallProbabilities:
    """The reason heads' output over one call's sentences.

    `customer` is (customer sentences, reasons) in call order, `agent` the same for the agent's
    sentences, `turn` the customer turn ordinal of each customer sentence (0 = first turn) and
    `chars` its length in characters."""

    customer: np.ndarray
    agent: np.ndarray
    turn: np.ndarray
    chars: np.ndarray


def feature_names(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The column names of `reason_features`: the shared features, then one column per reason."""
    return NAMES + tuple(f"is:{c}" for c in taxonomy.codes)


def supersede_matrix(taxonomy: Taxonomy) -> np.ndarray:
    """(reasons, reasons) booleans: [a, b] when reason a supersedes reason b."""
    index = {c: k for k, c in enumerate(taxonomy.codes)}
    out = np.zeros((len(index), len(index)), dtype=bool)
    for reason in taxonomy.reasons:
        for other in reason.supersedes:
            out[index[reason.code], index[other]] = True
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def reason_features(call: CallProbabilities, taxonomy: Taxonomy) -> np.ndarray:
    """(reasons, features) for one call, rows in taxonomy order, columns as `feature_names`."""
    codes = taxonomy.codes
    p = np.asarray(call.customer, dtype=np.float64).reshape(-1, len(codes))
    n = len(p)
    out = np.zeros((len(codes), len(NAMES) + len(codes)), dtype=np.float64)
    out[:, len(NAMES) :] = np.eye(len(codes))
    if n == 0:
        return out
    ordered = -np.sort(-p, axis=0)  # per reason, its sentences' probabilities high to low
    top = ordered[0]
    second = ordered[1] if n > 1 else np.zeros(len(codes))
    counts = [(p >= lv).sum(axis=0) for lv in LEVELS]
    chars = np.asarray(call.chars, dtype=np.float64)
    strong = p >= 0.5
    chars_share = (strong * chars[:, None]).sum(axis=0) / max(chars.sum(), 1.0)
    mass = p.sum(axis=0)
    best = np.argmax(p, axis=0)
    first = np.asarray(call.turn) < FIRST_TURNS
    first_max = p[first].max(axis=0) if first.any() else np.zeros(len(codes))
    rank = (top[None, :] > top[:, None]).sum(axis=1)  # reasons above each one
    rival = np.array(
        [np.delete(top, k).max() if len(codes) > 1 else 0.0 for k in range(len(codes))]
    )
    sup = supersede_matrix(taxonomy)
    # superseder_max: the strongest reason that excludes this one; superseded_max: the reverse
    superseder = np.where(sup.T, top[None, :], 0.0).max(axis=1)
    superseded = np.where(sup, top[None, :], 0.0).max(axis=1)
    agent = np.asarray(call.agent, dtype=np.float64).reshape(-1, len(codes))
    agent_max = agent.max(axis=0) if len(agent) else np.zeros(len(codes))
    agent_n = (agent >= 0.5).sum(axis=0)
    columns = [
        top,
        _logit(top),
        second,
        ordered[:3].mean(axis=0),
        p.mean(axis=0),
        *counts,
        strong.mean(axis=0),
        chars_share,
        mass / max(mass.sum(), 1e-9),
        best / max(n - 1, 1),
        first_max,
        (rank == 0).astype(np.float64),
        rank,
        rival,
        top - rival,
        superseder,
        superseded,
        agent_max,
        agent_n,
        np.full(len(codes), np.log1p(n)),
    ]
    out[:, : len(NAMES)] = np.stack(columns, axis=1)
    return out


#: sentences that may say what a complaint is about: any sentence that shows some reason
CLASS_EVIDENCE = 0.3


def class_feature_names(taxonomy: Taxonomy) -> tuple[str, ...]:
    """The column names of `class_features`."""
    per_class = tuple(
        f"{what}:{c}"
        for c in taxonomy.complaint_classes
        for what in ("evidence_max", "max", "mean")
    )
    return per_class + tuple(f"top:{c}" for c in taxonomy.codes)


def class_features(reasons: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """What the complaint class is read from: per class, its head's best on the sentences that
    show a reason, its best and mean over all customer sentences; then every reason's best (a
    complaint about a bill shows billing reasons). `reasons` and `classes` are the customer
    sentences' reason and class head probabilities."""
    reasons = np.asarray(reasons, dtype=np.float64)
    classes = np.asarray(classes, dtype=np.float64)
    if len(classes) == 0:
        return np.zeros(3 * classes.shape[1] + reasons.shape[1])
    evidence = (reasons >= CLASS_EVIDENCE).any(axis=1)
    if not evidence.any():
        evidence[:] = True
    per_class = np.stack(
        [classes[evidence].max(axis=0), classes.max(axis=0), classes.mean(axis=0)], axis=1
    )
    return np.concatenate([per_class.ravel(), reasons.max(axis=0)])
