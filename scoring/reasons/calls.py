"""Labelled calls (fixtures/reasons/*.jsonl: segments and the judge's reasons) and the reason
heads' probabilities over one call's sentences, which both the detector and the call model's
training read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.types import Role, Segment, Transcript
from scoring.intents import IntentHeads, unit_vectors
from scoring.reasons.features import CallProbabilities
from scoring.reasons.taxonomy import Taxonomy


@dataclass(frozen=True)
class LabelledCall:
    call_id: str
    transcript: Transcript
    reasons: frozenset[str]
    complaint_class: str | None


def load_calls(path: Path) -> list[LabelledCall]:
    """The calls of a JSON-lines set, in file order."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        segments = tuple(
            Segment(float(s["start"]), float(s["end"]), Role(s["role"]), s["text"])
            for s in data["segments"]
        )
        expected = data["expected"]
        out.append(
            LabelledCall(
                data["call_id"],
                Transcript(segments),
                frozenset(expected["reasons"]),
                expected.get("complaint_class"),
            )
        )
    return out


@dataclass(frozen=True, eq=False)
class CallSentences:
    """One call's sentence vectors split by speaker: what every set of heads reads."""

    #: (segment index, sentence) of each customer sentence, in call order
    units: tuple[tuple[int, str], ...]
    customer: np.ndarray
    agent: np.ndarray
    #: the customer turn ordinal of each customer sentence (0 = the customer's first turn)
    turn: np.ndarray


@dataclass(frozen=True, eq=False)
class SentenceScores:
    """Every head's probability on the customer's and the agent's sentences of one call."""

    units: tuple[tuple[int, str], ...]
    #: (customer sentences, heads) and (agent sentences, heads)
    customer: np.ndarray
    agent: np.ndarray
    turn: np.ndarray
    heads: tuple[str, ...]

    def columns(self, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The customer and agent probabilities of the named heads."""
        k = [self.heads.index(n) for n in names]
        return self.customer[:, k], self.agent[:, k]

    def for_reasons(self, taxonomy: Taxonomy) -> CallProbabilities:
        """What the call features read: the reason heads only."""
        customer, agent = self.columns(taxonomy.codes)
        chars = np.array([len(t) for _, t in self.units], dtype=np.float64)
        return CallProbabilities(customer, agent, self.turn, chars)


def call_sentences(transcript: Transcript) -> CallSentences:
    """The call's sentence vectors (encoded once, by the sentiment stage) by speaker."""
    vectors, units = unit_vectors(transcript)
    segments = transcript.segments
    customer = [i for i, (s, _) in enumerate(units) if segments[s].role == Role.CUSTOMER]
    agent = [i for i, (s, _) in enumerate(units) if segments[s].role == Role.AGENT]
    if not customer:
        # roles undecided: every sentence may be the customer's
        customer = [i for i, (s, _) in enumerate(units) if segments[s].role == Role.UNKNOWN]
        agent = []
    turn_of: dict[int, int] = {}
    for s, seg in enumerate(segments):
        if seg.role in (Role.CUSTOMER, Role.UNKNOWN):
            turn_of[s] = len(turn_of)
    dim = vectors.shape[1] if len(units) else 0
    return CallSentences(
        units=tuple(units[i] for i in customer),
        customer=vectors[customer] if customer else np.zeros((0, dim), np.float32),
        agent=vectors[agent] if agent else np.zeros((0, dim), np.float32),
        turn=np.array([turn_of[units[i][0]] for i in customer], dtype=np.int64),
    )


def score_sentences(sentences: CallSentences, heads: IntentHeads) -> SentenceScores:
    """The heads over one call's sentences."""

    def probabilities(vectors: np.ndarray) -> np.ndarray:
        if not len(vectors):
            return np.zeros((0, len(heads.acts)), np.float32)
        return heads.probabilities(vectors)

    return SentenceScores(
        sentences.units,
        probabilities(sentences.customer),
        probabilities(sentences.agent),
        sentences.turn,
        heads.acts,
    )


def sentence_scores(transcript: Transcript, heads: IntentHeads) -> SentenceScores:
    """The heads over the sentences of one call."""
    return score_sentences(call_sentences(transcript), heads)
