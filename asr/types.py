"""Frozen values that cross the boundary between ASR and the rest of the product."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class Role(enum.StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AudioInfo:
    """What a cheap header probe says about a recording."""

    format: str
    subtype: str
    sample_rate_hz: int
    channels: int
    duration_s: float
    frames: int
    #: Set when the file is shorter than its header says (a recording cut off mid-write).
    warning: str = ""


@dataclass(frozen=True, eq=False)
class DecodedAudio:
    """Float32 samples shaped (channels, frames) at the file's own sample rate."""

    samples: np.ndarray
    sample_rate_hz: int
    info: AudioInfo

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / float(self.sample_rate_hz)


@dataclass(frozen=True)
class Word:
    start_s: float
    end_s: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """One sentence-like stretch of speech by one party."""

    start_s: float
    end_s: float
    role: Role
    text: str
    confidence: float = 1.0
    channel: int | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    words: tuple[Word, ...] = ()
    #: -1 (negative) .. 1 (positive), set by the sentiment stage when it has run
    sentiment: float | None = None
    #: 0 (calm) .. 1 (angry), set by the sentiment stage
    anger: float | None = None

    @property
    def duration_s(self) -> float:
        return max(self.end_s - self.start_s, 0.0)


@dataclass(frozen=True)
class Transcript:
    """All segments of a call in time order, with how roles were decided."""

    segments: tuple[Segment, ...]
    language: str = "zh"
    engine: str = ""
    role_method: str = "channel_map"
    role_confidence: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: (start_s, end_s) of speech the hallucination guard dropped as unreliable
    dropped: tuple[tuple[float, float], ...] = ()
    #: sentence vectors set by the sentiment stage, so that the intent heads read the same
    #: encoding (never stored; None until that stage has run): one row per sentence unit
    vectors: np.ndarray | None = field(default=None, compare=False, repr=False)
    #: (segment index, sentence text) of each row of `vectors`
    vector_units: tuple[tuple[int, str], ...] = field(default=(), compare=False, repr=False)

    def by_role(self, role: Role) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.role == role)
