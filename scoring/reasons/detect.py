"""Why a customer called, per call: the reason heads read the customer's sentence vectors the
sentiment stage computed (no second encoding), so several reasons per call are allowed, each
with its probability and the sentence that shows it; a complaint also gets its MIIT class.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from asr.types import Role, Transcript
from core.errors import ConfigError
from scoring.intents import IntentHeads, unit_vectors
from scoring.reasons.bank import CLASS_PREFIX, head_names
from scoring.reasons.taxonomy import Taxonomy, cached_taxonomy
from scoring.reasons.train import HEADS_FILE

#: a reason is kept when one customer sentence shows it with at least this probability
THRESHOLD = 0.5
#: a call with no reason above THRESHOLD keeps its best one when it reaches this, else gets the
#: taxonomy's fallback reason (其他)
WEAK_THRESHOLD = 0.25
#: sentences that may say what a complaint is about: the complaint itself, or any sentence that
#: shows a reason
CLASS_EVIDENCE = 0.3


@dataclass(frozen=True)
class ReasonHit:
    code: str
    probability: float
    #: the customer sentence that shows the reason (None for the fallback reason)
    segment_idx: int | None
    sentence: str
    start_s: float | None
    #: on the complaint reason only: its MIIT class (network / billing / service) and how sure
    complaint_class: str | None = None
    complaint_class_probability: float | None = None


@dataclass(frozen=True)
class CallReasons:
    reasons: tuple[ReasonHit, ...]
    #: the customer's most telling words (scoring/reasons/phrases.py), for emerging issues
    keywords: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(h.code for h in self.reasons)

    @property
    def complaint_class(self) -> str | None:
        return next((h.complaint_class for h in self.reasons if h.complaint_class), None)


@dataclass(frozen=True, eq=False)
class ReasonModel:
    heads: IntentHeads
    taxonomy: Taxonomy

    def __post_init__(self) -> None:
        missing = [n for n in head_names(self.taxonomy) if n not in self.heads.acts]
        if missing:
            raise ConfigError(
                f"reason heads: no head for {', '.join(missing)}"
                " (add examples to the bank and run inspector models train-reasons)"
            )

    @property
    def _supersedes(self) -> dict[str, tuple[str, ...]]:
        return {r.code: r.supersedes for r in self.taxonomy.reasons}

    def detect(self, transcript: Transcript) -> CallReasons:
        """The reasons of one call from its customer's sentences."""
        vectors, units = unit_vectors(transcript)
        segments = transcript.segments
        rows = [i for i, (s, _) in enumerate(units) if segments[s].role == Role.CUSTOMER]
        if not rows:
            # roles undecided: every sentence may be the customer's
            rows = [i for i, (s, _) in enumerate(units) if segments[s].role == Role.UNKNOWN]
        if not rows:
            return CallReasons(())
        probs = self.heads.probabilities(vectors[rows])
        column = {name: k for k, name in enumerate(self.heads.acts)}
        hits: list[ReasonHit] = []
        for code in self.taxonomy.codes:
            p = probs[:, column[code]]
            best = int(np.argmax(p))
            seg = units[rows[best]][0]
            hits.append(
                ReasonHit(
                    code, round(float(p[best]), 3), seg, units[rows[best]][1],
                    segments[seg].start_s,
                )
            )  # fmt: skip
        kept = [h for h in hits if h.probability >= THRESHOLD]
        if not kept:
            top = max(hits, key=lambda h: h.probability)
            fallback = self.taxonomy.fallback_reason
            if top.probability >= WEAK_THRESHOLD:
                kept = [top]
            else:
                # its probability: how sure the heads are that no specific reason shows
                kept = [ReasonHit(fallback, round(1.0 - top.probability, 3), None, "", None)]
        # a reason the definitions exclude beside another found one goes (unless none would stay)
        superseded = {c for h in kept for c in self._supersedes.get(h.code, ())}
        kept = [h for h in kept if h.code not in superseded] or kept
        kept.sort(key=lambda h: -h.probability)
        out = []
        for hit in kept:
            if hit.code == self.taxonomy.complaint_reason:
                cls, p = self._complaint_class(probs, column)
                hit = replace(hit, complaint_class=cls, complaint_class_probability=p)
            out.append(hit)
        return CallReasons(tuple(out))

    def _complaint_class(self, probs: np.ndarray, column: dict[str, int]) -> tuple[str, float]:
        reasons = probs[:, [column[c] for c in self.taxonomy.codes]]
        candidates = (reasons >= CLASS_EVIDENCE).any(axis=1)
        if not candidates.any():
            candidates[:] = True
        classes = list(self.taxonomy.complaint_classes)
        scores = probs[candidates][:, [column[CLASS_PREFIX + c] for c in classes]].max(axis=0)
        best = int(np.argmax(scores))
        return classes[best], round(float(scores[best]), 3)


def load_reason_model(taxonomy_path: str = "", heads_path: Path = HEADS_FILE) -> ReasonModel:
    """The reason heads with the taxonomy they serve."""
    if not heads_path.exists():
        raise ConfigError(f"{heads_path}: reason heads missing (inspector models train-reasons)")
    return ReasonModel(IntentHeads.load(heads_path), cached_taxonomy(taxonomy_path))


@lru_cache(maxsize=2)
def shared_reason_model(taxonomy_path: str = "") -> ReasonModel:
    """The packaged heads, loaded once per process."""
    return load_reason_model(taxonomy_path)
