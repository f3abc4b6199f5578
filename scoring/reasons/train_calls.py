"""Train the call model (`inspector models train-reasons`, after the heads) from whole labelled
calls, fixtures/reasons/train.jsonl: written by two helpers who saw only the reason definitions,
never the bank or the measuring sets (a test keeps the three sharing no sentence).

The heads score every sentence of every training call; the call model learns, per (call, reason),
whether the judge kept the reason, from the features of those scores. Deterministic: lbfgs
logistic regressions, folds by call in file order. The measuring sets are never read here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.errors import ConfigError
from scoring.intents import IntentHeads
from scoring.reasons.bank import CLASS_PREFIX
from scoring.reasons.call_model import CALLS_FILE, CallModel, fit_standardised
from scoring.reasons.calls import LabelledCall, SentenceScores, load_calls, sentence_scores
from scoring.reasons.features import (
    class_feature_names,
    class_features,
    feature_names,
    reason_features,
    supersede_matrix,
)
from scoring.reasons.taxonomy import Taxonomy

TRAIN_CALLS = Path(__file__).resolve().parents[2] / "fixtures" / "reasons" / "train.jsonl"
#: chosen by cross-validation on the training calls and by the development set (docs/benchmarks.md)
C = 1.0
THRESHOLD = 0.4
CLASS_C = 0.3
FOLDS = 5


def score_calls(calls: list[LabelledCall], heads: IntentHeads) -> list[SentenceScores]:
    """Every head on every sentence of every call (the sentences encoded once per call)."""
    return [sentence_scores(call.transcript, heads) for call in calls]


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


def decide(p: np.ndarray, threshold: float, taxonomy: Taxonomy) -> np.ndarray:
    """(calls, reasons) keep probabilities -> kept booleans, as the detector decides: a call with
    none keeps the fallback reason; a superseded reason goes beside its superseder."""
    kept = p >= threshold
    kept[~kept.any(axis=1), taxonomy.codes.index(taxonomy.fallback_reason)] = True
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


def train_calls(
    heads: IntentHeads,
    taxonomy: Taxonomy,
    calls_path: Path = TRAIN_CALLS,
    out: Path = CALLS_FILE,
) -> CallModel:
    """Fit, cross-validate (for the report) and write the call model."""
    if not calls_path.exists():
        raise ConfigError(f"{calls_path}: no labelled training calls")
    calls = load_calls(calls_path)
    scores = score_calls(calls, heads)
    x, y = keep_matrix(calls, scores, taxonomy)
    xc, yc = class_matrix(calls, scores, taxonomy)
    if len(set(yc.tolist())) < len(taxonomy.complaint_classes):
        raise ConfigError(f"{calls_path}: every complaint class needs training calls")
    codes = taxonomy.codes
    oof = cross_validate(x, y, len(codes), C)
    truth = y.reshape(len(calls), len(codes)).astype(bool)
    info = {
        "train_calls": len(calls),
        "c": C,
        "threshold": THRESHOLD,
        "class_c": CLASS_C,
        "folds": FOLDS,
        "heads_bank_utterances": heads.info.get("bank_utterances"),
        "cv_macro_f1": round(macro_f1(truth, decide(oof, THRESHOLD, taxonomy)), 3),
        "complaint_calls": len(yc),
    }
    model = CallModel(
        codes=codes,
        keep=fit_standardised(x, y, feature_names(taxonomy), C),
        threshold=THRESHOLD,
        classes=tuple(taxonomy.complaint_classes),
        complaint=fit_standardised(xc, yc, class_feature_names(taxonomy), CLASS_C),
        info=info,
    )
    model.save(out)
    return model
