"""What a condition sees (segments, metrics, metadata, turn intents) and returns (hits with
evidence, a belief and the basis of the verdict)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from asr.types import Segment, Transcript
from scoring.intents import CONTRAST_ACTS, GUARD_ACTS, contrast_heads
from scoring.types import Evidence, Metrics

if TYPE_CHECKING:
    from scoring.intents import IntentHeads

#: what a verdict rests on, from the most to the least certain kind ("context": a flag the
#: context heads doubt; "taken_back": a flag whose threats the caller took back; scoring.engine)
BASES = (
    "exact",
    "regex",
    "metric",
    "metadata",
    "intent",
    "sentiment",
    "pinyin",
    "similar",
    "context",
    "taken_back",
)


@dataclass(frozen=True)
class CallView:
    """Everything a rule may look at, precomputed once per call."""

    transcript: Transcript
    metrics: Metrics
    metadata: dict[str, Any] = field(default_factory=dict)
    #: the scorecard's own acts (fitted from its examples), beside the built-in heads
    custom_heads: IntentHeads | None = None

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.transcript.segments

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """What an operator works out once per call and reads again (a window's segments)."""
        return {}

    @cached_property
    def positions(self) -> dict[int, int]:
        """Segment identity -> its index in the call (turn order)."""
        return {id(s): i for i, s in enumerate(self.segments)}

    @cached_property
    def speaker_turns(self) -> np.ndarray:
        """Each segment's speaker turn: the run of segments of one role until the other side
        speaks (ASR cuts a turn into segments at its pauses)."""
        roles = [str(s.role) for s in self.segments]
        changes = [i > 0 and roles[i] != roles[i - 1] for i in range(len(roles))]
        return np.cumsum(changes, dtype=np.int64)

    @cached_property
    def quoted_turns(self) -> dict[tuple[float, str], int]:
        """(start, text) -> the index of the turn a piece of evidence quotes (evidence_of)."""
        return {(s.start_s, s.text): i for i, s in enumerate(self.segments)}

    @cached_property
    def _unit_inputs(
        self,
    ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], np.ndarray, list[str]]:
        """What the heads read of each sentence unit: its vector, its segment, its text, its
        speaker's role and its text as read (a loud caller's ！ dropped)."""
        from scoring.intents import loud_register, unit_vectors

        vectors, units = unit_vectors(self.transcript)
        owner = np.array([i for i, _ in units], dtype=np.int64)
        roles = np.array([str(s.role) for s in self.segments])[owner] if len(owner) else owner
        texts = tuple(t for _, t in units)
        return vectors, owner, texts, roles, loud_register(list(texts), list(roles), owner.tolist())

    def context_probability(self, act: str, unit: int) -> float:
        """P(act) of one sentence unit. A context head's act (scoring.intents.GUARD_ACTS) is
        worked out the first time a condition asks for one, for every sentence of the call at
        once: the n-gram lookup costs about as much for ten sentences as for one."""
        return float(self._units[2][act][unit])

    @cached_property
    def _units(self) -> tuple[np.ndarray, tuple[str, ...], dict[str, np.ndarray]]:
        """Sentence units: their segment, their text, and P(act) per unit for every act (0 on
        the other party's sentences)."""
        from scoring.intents import builtin_heads, guard_heads

        vectors, owner, texts, roles, read = self._unit_inputs

        def fill(probs: dict[str, np.ndarray], heads: IntentHeads) -> None:
            table = heads.probabilities(vectors, read, list(roles))
            if len(owner):  # one pass for every act: 0 where the sentence is not its role's
                table = np.where(roles[:, None] == np.asarray(heads.roles)[None, :], table, 0.0)
            for k, act in enumerate(heads.acts):
                probs[act] = table[:, k]

        # the context heads only when a condition asks for one of their acts (a contrast act
        # is read apart, of the sentences asked: contrast_probabilities)
        probs: dict[str, np.ndarray] = _OnDemand(lambda: fill(probs, guard_heads()))
        for heads in (builtin_heads(), self.custom_heads):
            if heads is not None:
                fill(probs, heads)
        return owner, texts, probs

    def contrast_probabilities(self, act: str, units: np.ndarray) -> np.ndarray:
        """P(act) of a contrast act (scoring.intents.CONTRAST_ACTS) for the sentence units
        `units`, each read once per call: a contrast act is asked of the few sentences that
        are likely the act it is told from, not of every sentence of the call."""
        heads = contrast_heads()
        vectors, _, _, roles, read = self._unit_inputs
        known = self.memo.get(("contrast", act))
        if known is None:
            known = self.memo[("contrast", act)] = np.full(len(read), np.nan, dtype=np.float32)
        need = units[np.isnan(known[units])]
        if len(need):
            k = heads.acts.index(act)
            of_role = roles[need] == heads.roles[k]
            table = heads.probabilities(vectors[need], [read[i] for i in need], list(roles[need]))
            known[need] = np.where(of_role, table[:, k], 0.0)
        return known[units]

    def intent_probabilities(
        self,
        act: str,
        unless: tuple[tuple[str, float], ...] = (),
        also: dict[str, float] | None = None,
        also_in: str = "sentence",
        also_skip: Callable[[int, str], bool] | None = None,
        floor: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """Per sentence unit: its segment's index, P(act) and its text; with `unless` (act ->
        probability, 0.5 for a bare act id), a sentence that is at least that likely one of
        those acts counts as 0 (a deflection is no handover; a contrast act, and a context act
        where `floor` is set, is read only of the sentences at `floor` or more, the condition's
        min_p: under it a sentence counts for nothing but a near miss's belief, and a call with
        no such sentence never runs the context heads);
        with `also` (act -> probability), only sentences that are also those acts
        at least that likely count (anger in a sentence that is plainly a grievance), or with
        `also_in` "turn", sentences whose speaker turn holds a sentence that is (你们怎么回事？
        before 太过分了！), not counting the sentences `also_skip` (segment, text) leaves out
        (quoted words, words outside the condition's window)."""
        owner, texts, probs = self._units
        p = probs[act]
        if unless or also:
            p = p.copy()
            for other, at_least in unless:
                if other in CONTRAST_ACTS or (other in GUARD_ACTS and floor):
                    likely = np.flatnonzero(p >= floor)
                    if len(likely):
                        q = (
                            self.contrast_probabilities(other, likely)
                            if other in CONTRAST_ACTS
                            else probs[other][likely]
                        )
                        p[likely[q >= at_least]] = 0.0
                else:
                    p[probs[other] >= at_least] = 0.0
            for other, at_least in (also or {}).items():
                q = probs[other]
                if also_in == "turn" and len(owner):
                    if also_skip is not None:
                        left = [also_skip(i, t) for i, t in zip(owner.tolist(), texts, strict=True)]
                        q = np.where(left, 0.0, q)
                    turn = self.speaker_turns[owner]
                    best = np.zeros(int(turn.max()) + 1, dtype=q.dtype)
                    np.maximum.at(best, turn, q)
                    q = best[turn]
                p[q < at_least] = 0.0
        return owner, p, texts

    def ranked_intent(
        self,
        act: str,
        unless: tuple[tuple[str, float], ...] = (),
        also: dict[str, float] | None = None,
        also_in: str = "sentence",
        also_skip: tuple[Hashable, Callable[[int, str], bool]] | None = None,
        floor: float = 0.0,
    ) -> tuple[list[tuple[int, int, float]], tuple[str, ...]]:
        """`intent_probabilities` as (sentence unit, its segment, P) from the likeliest down,
        worked out once per call for an act: an operator reads sentences in this order and
        stops at the first that can change nothing. `also_skip` is (a key naming it, the
        predicate); `floor` matters only to a contrast or context act in `unless` (conditions
        on one act at other thresholds share the ranking)."""
        if floor and not any(other in CONTRAST_ACTS or other in GUARD_ACTS for other, _ in unless):
            floor = 0.0
        key = (
            "ranked",
            act,
            unless,
            tuple(sorted(also.items())) if also else None,
            also_in,
            also_skip[0] if also_skip else None,
            floor,
        )
        found = self.memo.get(key)
        if found is None:
            skip = also_skip[1] if also_skip else None
            owner, p, texts = self.intent_probabilities(act, unless, also, also_in, skip, floor)
            order = (-p).argsort(kind="stable")
            found = self.memo[key] = (
                list(zip(order.tolist(), owner[order].tolist(), p[order].tolist(), strict=True)),
                texts,
            )
        return found

    def intent(self, act: str) -> np.ndarray:
        """P(act) for every segment: its most likely sentence."""
        owner, p, _ = self.intent_probabilities(act)
        best = np.zeros(len(self.segments), dtype=np.float32)
        np.maximum.at(best, owner, p.astype(np.float32))
        return best


class _OnDemand(dict):  # type: ignore[type-arg]
    """P(act) per sentence; an act not yet worked out is looked for once in `more`."""

    def __init__(self, more: Callable[[], None]) -> None:
        super().__init__()
        self._more: Callable[[], None] | None = more

    def __missing__(self, act: str) -> np.ndarray:
        more, self._more = self._more, None
        if more is None:
            raise KeyError(act)
        more()
        return self[act]


class Hit(NamedTuple):
    """A condition's outcome: whether it holds, how often, the evidence, how strongly it is
    believed (p: 1/0 for exact and measured conditions, a probability for models and fuzzy
    matches) and what kinds of evidence decided it. A named tuple: a call makes some hundred
    of them, and a tuple is made several times faster than a frozen dataclass."""

    matched: bool
    count: int = 0
    evidence: tuple[Evidence, ...] = ()
    p: float | None = None
    basis: frozenset[str] = frozenset()

    @property
    def belief(self) -> float:
        """P(the condition holds)."""
        return self.p if self.p is not None else (1.0 if self.matched else 0.0)

    @property
    def confidence(self) -> float:
        """How likely the outcome is right, whichever way it went (under 0.5 when a model
        leaned the other way without crossing a threshold stricter than even odds)."""
        return self.belief if self.matched else 1.0 - self.belief

    @staticmethod
    def none(basis: frozenset[str] = frozenset(), p: float | None = None) -> Hit:
        return Hit(False, basis=basis, p=p)


def evidence_of(segment: Segment, match: str = "") -> Evidence:
    return Evidence(segment.start_s, segment.end_s, str(segment.role), segment.text, match)
