"""Why a customer called, per call: the reason heads read the customer's sentence vectors the
sentiment stage computed (no second encoding), so several reasons per call are allowed, each
with its probability and the sentence that shows it; a complaint also gets its MIIT class.

Which reasons a call keeps is decided per call by the call model (scoring/reasons/call_model.py),
learnt from whole labelled calls; a taxonomy it was not trained for falls back to a fixed rule on
the best sentence's probability.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from asr.types import Transcript
from core.errors import ConfigError
from scoring.intents import IntentHeads
from scoring.reasons.bank import CLASS_PREFIX, head_names
from scoring.reasons.call_model import CALLS_FILE, CallModel
from scoring.reasons.calls import SentenceScores, sentence_scores
from scoring.reasons.features import CLASS_EVIDENCE, class_features, reason_features
from scoring.reasons.taxonomy import Taxonomy, cached_taxonomy
from scoring.reasons.train import HEADS_FILE

#: without a call model: a reason is kept when one customer sentence shows it with at least this
#: probability
THRESHOLD = 0.5
#: without a call model: a call with no reason above THRESHOLD keeps its best one when it reaches
#: this, else gets the taxonomy's fallback reason (其他)
WEAK_THRESHOLD = 0.25


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
    #: the call-level decision; None (or one trained for other codes): the fixed rule
    calls: CallModel | None = None

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

    @property
    def uses_call_model(self) -> bool:
        return self.calls is not None and self.calls.codes == self.taxonomy.codes

    def detect(self, transcript: Transcript) -> CallReasons:
        """The reasons of one call from its customer's sentences."""
        scores = sentence_scores(transcript, self.heads)
        if not len(scores.units):
            return CallReasons(())
        segments = transcript.segments
        codes = self.taxonomy.codes
        customer = scores.columns(codes)[0]
        best = np.argmax(customer, axis=0)
        if self.uses_call_model:
            assert self.calls is not None
            probability = self.calls.keep_probabilities(
                reason_features(scores.for_reasons(self.taxonomy), self.taxonomy)
            )
            cut, weak = self.calls.threshold, self.calls.weak
        else:
            probability, cut, weak = (
                customer[best, np.arange(len(codes))],
                THRESHOLD,
                WEAK_THRESHOLD,
            )
        hits = []
        for k, code in enumerate(codes):
            seg, sentence = scores.units[best[k]]
            hits.append(
                ReasonHit(code, round(float(probability[k]), 3), seg, sentence,
                          segments[seg].start_s)
            )  # fmt: skip
        kept = [h for h in hits if h.probability >= cut]
        if not kept:
            top = max(hits, key=lambda h: h.probability)
            fallback = self.taxonomy.fallback_reason
            if top.probability >= weak:
                kept = [top]
            else:
                # its probability: how sure the model is that no specific reason shows
                kept = [ReasonHit(fallback, round(1.0 - top.probability, 3), None, "", None)]
        # a reason the definitions exclude beside another found one goes (unless none would stay)
        superseded = {c for h in kept for c in self._supersedes.get(h.code, ())}
        kept = [h for h in kept if h.code not in superseded] or kept
        kept.sort(key=lambda h: -h.probability)
        out = []
        for hit in kept:
            if hit.code == self.taxonomy.complaint_reason:
                cls, p = self._complaint_class(scores)
                hit = replace(hit, complaint_class=cls, complaint_class_probability=p)
            out.append(hit)
        return CallReasons(tuple(out))

    def _complaint_class(self, scores: SentenceScores) -> tuple[str, float]:
        classes = tuple(self.taxonomy.complaint_classes)
        reasons = scores.columns(self.taxonomy.codes)[0]
        heads = scores.columns(tuple(CLASS_PREFIX + c for c in classes))[0]
        if self.uses_call_model and self.calls is not None and self.calls.classes == classes:
            p = self.calls.class_probabilities(class_features(reasons, heads))
            best = int(np.argmax(p))
            return classes[best], round(float(p[best]), 3)
        candidates = (reasons >= CLASS_EVIDENCE).any(axis=1)
        if not candidates.any():
            candidates[:] = True
        best_scores = heads[candidates].max(axis=0)
        best = int(np.argmax(best_scores))
        return classes[best], round(float(best_scores[best]), 3)


def load_reason_model(
    taxonomy_path: str = "", heads_path: Path = HEADS_FILE, calls_path: Path | None = CALLS_FILE
) -> ReasonModel:
    """The reason heads and the call model with the taxonomy they serve (calls_path None: the
    fixed rule)."""
    if not heads_path.exists():
        raise ConfigError(f"{heads_path}: reason heads missing (inspector models train-reasons)")
    calls = CallModel.load(calls_path) if calls_path is not None else None
    return ReasonModel(IntentHeads.load(heads_path), cached_taxonomy(taxonomy_path), calls)


@lru_cache(maxsize=2)
def shared_reason_model(taxonomy_path: str = "") -> ReasonModel:
    """The packaged heads, loaded once per process."""
    return load_reason_model(taxonomy_path)
