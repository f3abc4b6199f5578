"""Frozen results of measuring and scoring a call."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Silence:
    start_s: float
    end_s: float
    before_role: str
    after_role: str

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Overlap:
    start_s: float
    duration_s: float
    interrupter: str
    interrupted: str


@dataclass(frozen=True)
class RoleMetrics:
    talk_s: float
    talk_ratio: float
    turns: int
    chars: int
    speech_rate_cpm: float | None


@dataclass(frozen=True)
class Metrics:
    """Conversation measurements of one call."""

    duration_s: float
    talk_s: float
    non_talk_s: float
    roles: dict[str, RoleMetrics]
    silences: tuple[Silence, ...] = ()
    overlaps: tuple[Overlap, ...] = ()
    loudness_dbfs: dict[str, float] = field(default_factory=dict)

    @property
    def longest_silence_s(self) -> float:
        return max((s.duration_s for s in self.silences), default=0.0)

    @property
    def overlap_s(self) -> float:
        return sum(o.duration_s for o in self.overlaps)


class ItemStatus(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Evidence:
    start_s: float
    end_s: float
    role: str
    text: str
    match: str = ""


@dataclass(frozen=True)
class ItemResult:
    id: str
    title: str
    status: ItemStatus
    deduction: float = 0.0
    fatal: bool = False
    needs_review: bool = False
    evidence: tuple[Evidence, ...] = ()
    #: how likely the verdict is right (0 .. 1; under 0.5 when a model leaned the other way but
    #: not past the item's stricter threshold) and what it rests on (scoring.conditions.BASES)
    confidence: float = 1.0
    basis: tuple[str, ...] = ()
    #: final, sampled (a routine check) or review (a person decides)
    route: str = "final"
    review_reason: str = ""


@dataclass(frozen=True)
class Flag:
    id: str
    evidence: tuple[Evidence, ...] = ()
    #: how likely the flag is right (0 .. 1; None: not known) and what it rests on
    #: (scoring.conditions.BASES), as for an item
    confidence: float | None = None
    basis: tuple[str, ...] = ()
    #: where the flag went by its confidence and the scorecard's routing: final (stands as
    #: raised), sampled (a routine check) or review (a reviewer confirms or dismisses it)
    route: str = "final"


@dataclass(frozen=True)
class CallResult:
    """A call scored against one scorecard version."""

    scorecard: str
    scorecard_version: str
    score: float
    fatal: bool
    needs_review: bool
    items: tuple[ItemResult, ...] = ()
    flags: tuple[Flag, ...] = ()
    #: no recognised speech (silence, noise, music): not scored, left out of QA statistics
    no_speech: bool = False
