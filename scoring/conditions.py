"""What a condition sees (segments, metrics, metadata) and returns (hits with evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from asr.types import Segment, Transcript
from scoring.types import Evidence, Metrics


@dataclass(frozen=True)
class CallView:
    """Everything a rule may look at, precomputed once per call."""

    transcript: Transcript
    metrics: Metrics
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.transcript.segments


@dataclass(frozen=True)
class Hit:
    """A condition's outcome: whether it holds, how often, and the evidence."""

    matched: bool
    count: int = 0
    evidence: tuple[Evidence, ...] = ()

    @staticmethod
    def none() -> Hit:
        return Hit(False)


def evidence_of(segment: Segment, match: str = "") -> Evidence:
    return Evidence(segment.start_s, segment.end_s, str(segment.role), segment.text, match)
