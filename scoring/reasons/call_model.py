"""The call-level decision: per (call, reason), whether to keep the reason, from the features of
the sentence heads' probabilities over the call (scoring/reasons/features.py); and the MIIT class
of a complaint. Two logistic regressions learnt from whole labelled calls
(fixtures/reasons/train.jsonl), stored as plain arrays next to the reason heads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ConfigError

CALLS_FILE = Path(__file__).parent.parent / "models" / "reason_calls.npz"


@dataclass(frozen=True, eq=False)
class Standardised:
    """A logistic model on standardised features: `coef` (outputs, features)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The linear scores: (rows, outputs)."""
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return z @ self.coef.T + self.intercept

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}features": np.array(self.features),
            f"{prefix}mean": self.mean,
            f"{prefix}scale": self.scale,
            f"{prefix}coef": self.coef,
            f"{prefix}intercept": self.intercept,
        }

    @classmethod
    def from_arrays(cls, z: np.lib.npyio.NpzFile, prefix: str) -> Standardised:
        return cls(
            tuple(str(f) for f in z[f"{prefix}features"]),
            z[f"{prefix}mean"].astype(np.float64),
            z[f"{prefix}scale"].astype(np.float64),
            z[f"{prefix}coef"].astype(np.float64),
            z[f"{prefix}intercept"].astype(np.float64),
        )


@dataclass(frozen=True, eq=False)
class CallModel:
    """Keep-or-drop per (call, reason) and the complaint class, for one taxonomy's codes."""

    codes: tuple[str, ...]
    keep: Standardised
    #: a reason is kept when its keep probability reaches this
    threshold: float
    #: a call that keeps none keeps its likeliest reason when it reaches this, else the fallback
    weak: float
    classes: tuple[str, ...]
    complaint: Standardised
    info: dict

    def keep_probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(keep) for each row of `reason_features` (one per reason)."""
        return 1.0 / (1.0 + np.exp(-self.keep.scores(features)[:, 0]))

    def class_probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(class) over `classes` for one call's `class_features`."""
        s = self.complaint.scores(np.asarray(features)[None, :])[0]
        e = np.exp(s - s.max())
        return e / e.sum()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            codes=np.array(self.codes),
            threshold=np.array(self.threshold),
            weak=np.array(self.weak),
            classes=np.array(self.classes),
            info=np.array(json.dumps(self.info, ensure_ascii=False, sort_keys=True)),
            **self.keep.arrays("keep_"),
            **self.complaint.arrays("class_"),
        )

    @classmethod
    def load(cls, path: Path = CALLS_FILE) -> CallModel:
        if not path.exists():
            raise ConfigError(f"{path}: call model missing (inspector models train-reasons)")
        with np.load(path, allow_pickle=False) as z:
            try:
                return cls(
                    codes=tuple(str(c) for c in z["codes"]),
                    keep=Standardised.from_arrays(z, "keep_"),
                    threshold=float(z["threshold"]),
                    weak=float(z["weak"]),
                    classes=tuple(str(c) for c in z["classes"]),
                    complaint=Standardised.from_arrays(z, "class_"),
                    info=json.loads(str(z["info"])),
                )
            except KeyError as exc:
                raise ConfigError(f"{path}: call model incomplete: {exc}") from exc


def fit_standardised(
    x: np.ndarray, y: np.ndarray, features: tuple[str, ...], c: float
) -> Standardised:
    """A logistic regression (binary, or multinomial for more than two labels) on standardised
    features; deterministic (lbfgs, no sampling)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return Standardised(
        features, mean, scale, model.coef_.astype(np.float64), model.intercept_.astype(np.float64)
    )
