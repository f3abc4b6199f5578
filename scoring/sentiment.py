"""Sentence sentiment for call-centre Mandarin: negative / neutral / positive and anger.

m3e-small sentence vectors (scoring/embeddings.py) feed small heads the project trains
(`inspector models train-sentiment`, scoring/sentiment_train.py) and commits as
scoring/models/sentiment_head.npz: one 3-class head per role (review data teaches customer
dissatisfaction, not agent politeness, so agents get their own) and one anger regressor. The
score is P(positive) - P(negative) in [-1, 1].
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from asr.types import Segment, Transcript
from core.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
DIALOGUE_FILE = PACKAGE_DIR / "sentiment_data" / "dialogue.tsv"
HEAD_FILE = PACKAGE_DIR / "models" / "sentiment_head.npz"
LABELS = ("negative", "neutral", "positive")
ROLES = ("agent", "customer")

#: category of the project's labelled service-dialogue set -> (role, label index, anger 0..1)
CATEGORIES: dict[str, tuple[str, int, float]] = {
    "anger": ("customer", 0, 0.9),
    "complaint": ("customer", 0, 0.6),
    "sarcasm": ("customer", 0, 0.5),
    "relief": ("customer", 2, 0.0),
    "thanks": ("customer", 2, 0.0),
    "question": ("customer", 1, 0.0),
    "rudeness": ("agent", 0, 0.9),
    "impatience": ("agent", 0, 0.5),
    "deflection": ("agent", 0, 0.3),
    "apology": ("agent", 2, 0.0),
    "reassurance": ("agent", 2, 0.0),
    "information": ("agent", 1, 0.0),
}


@dataclass(frozen=True)
class DialogueSentence:
    row: int
    role: str
    category: str
    text: str

    @property
    def label(self) -> int:
        return CATEGORIES[self.category][1]

    @property
    def anger(self) -> float:
        return CATEGORIES[self.category][2]

    @property
    def is_test(self) -> bool:
        return in_test_split(self.text)


def in_test_split(text: str) -> bool:
    """A fixed quarter of the dialogue set, by content hash, that training never sees."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 4 == 0


def load_dialogue(path: Path = DIALOGUE_FILE) -> list[DialogueSentence]:
    """The labelled service-dialogue set; a bad row raises naming the file and row."""
    out: list[DialogueSentence] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, rec in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            category, role, text = rec.get("category"), rec.get("role"), (rec.get("text") or "")
            if category not in CATEGORIES:
                raise ConfigError(f"{path}: row {n}: unknown category {category!r}")
            if role != CATEGORIES[category][0]:
                raise ConfigError(f"{path}: row {n}: category {category} belongs to another role")
            if not text.strip():
                raise ConfigError(f"{path}: row {n}: empty text")
            out.append(DialogueSentence(n, role, category, text.strip()))
    return out


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float
    anger: float
    probabilities: tuple[float, float, float]


@dataclass(frozen=True)
class SentimentHead:
    """Linear heads over sentence vectors: per-role softmax and an anger regressor."""

    weights: dict[str, np.ndarray]  # role -> (3, dim)
    biases: dict[str, np.ndarray]  # role -> (3,)
    anger_w: np.ndarray  # (dim,)
    anger_b: float
    info: dict

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> SentimentHead:
        if not path.exists():
            raise ConfigError(f"{path}: sentiment head missing (inspector models train-sentiment)")
        with np.load(path, allow_pickle=False) as z:
            try:
                return cls(
                    weights={r: z[f"{r}_w"].astype(np.float32) for r in ROLES},
                    biases={r: z[f"{r}_b"].astype(np.float32) for r in ROLES},
                    anger_w=z["anger_w"].astype(np.float32),
                    anger_b=float(z["anger_b"]),
                    info=json.loads(str(z["info"])),
                )
            except KeyError as exc:
                raise ConfigError(f"{path}: sentiment head incomplete: {exc}") from exc

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"{r}_w": self.weights[r] for r in ROLES}
        arrays |= {f"{r}_b": self.biases[r] for r in ROLES}
        np.savez_compressed(
            path,
            **arrays,
            anger_w=self.anger_w,
            anger_b=np.float32(self.anger_b),
            info=np.array(json.dumps(self.info, ensure_ascii=False, sort_keys=True)),
        )

    def probabilities(self, vectors: np.ndarray, role: str) -> np.ndarray:
        role = role if role in ROLES else "customer"
        logits = vectors @ self.weights[role].T + self.biases[role]
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def anger(self, vectors: np.ndarray) -> np.ndarray:
        return np.clip(vectors @ self.anger_w + self.anger_b, 0.0, 1.0)

    def predict(self, vectors: np.ndarray, roles: Sequence[str]) -> list[Sentiment]:
        roles = list(roles)
        probs = np.zeros((len(roles), 3), dtype=np.float32)
        for role in set(roles):
            idx = [i for i, r in enumerate(roles) if r == role]
            probs[idx] = self.probabilities(vectors[idx], role)
        anger = self.anger(vectors) if len(roles) else np.zeros(0)
        return [
            Sentiment(
                label=LABELS[int(p.argmax())],
                score=round(float(p[2] - p[0]), 4),
                anger=round(float(a), 4),
                probabilities=(float(p[0]), float(p[1]), float(p[2])),
            )
            for p, a in zip(probs, anger, strict=True)
        ]


class SentimentModel:
    """The encoder and the trained heads; build once per process (shared_model())."""

    def __init__(self, head: SentimentHead | None = None, encoder=None) -> None:
        from scoring.embeddings import shared_encoder

        self.head = head or SentimentHead.load()
        self.encoder = encoder or shared_encoder()

    def predict(self, texts: Sequence[str], roles: Sequence[str]) -> list[Sentiment]:
        if len(texts) != len(roles):
            raise ValueError("one role per text")
        if not texts:
            return []
        return self.head.predict(self.encoder.encode(list(texts), batch_size=64), roles)

    def annotate(self, transcript: Transcript) -> Transcript:
        """The transcript with every segment's sentiment score and anger filled in, and its
        sentence vectors kept for the intent heads (each sentence is encoded once)."""
        from scoring.intents import encode_units

        segments = transcript.segments
        vectors, units, per_segment = encode_units(
            segments, lambda texts: self.encoder.encode(texts, batch_size=64)
        )
        roles = [str(s.role) for s in segments]
        scores = self.head.predict(per_segment, roles) if segments else []
        return dataclasses.replace(
            transcript,
            segments=tuple(
                _with_sentiment(seg, s) for seg, s in zip(segments, scores, strict=True)
            ),
            vectors=vectors,
            vector_units=tuple(units),
        )


def _with_sentiment(seg: Segment, s: Sentiment) -> Segment:
    if not seg.text.strip():
        return seg
    return dataclasses.replace(seg, sentiment=s.score, anger=s.anger)


@lru_cache(maxsize=1)
def shared_model() -> SentimentModel:
    return SentimentModel()
