"""Cutting training clips out of calls: spans snapped to sentences, sample-exact audio.

Pure functions over decoded audio and segments; the clip library (issue 9) stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from asr.types import DecodedAudio, Segment


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def snap(start_s: float, end_s: float, segments: Sequence[Segment]) -> Span:
    """Widen a span to the sentences it touches (a sentence is never cut in half)."""
    if end_s <= start_s:
        raise ValueError(f"clip span {start_s:.2f}-{end_s:.2f} s is empty")
    touched = [s for s in segments if s.end_s > start_s and s.start_s < end_s]
    if not touched:
        return Span(start_s, end_s)
    return Span(
        min(start_s, *(s.start_s for s in touched)), max(end_s, *(s.end_s for s in touched))
    )


def cut(audio: DecodedAudio, span: Span, mix: bool = False) -> np.ndarray:
    """The samples of [start, end) as (channels, n), or one mixed-down channel (1, n).

    Sample-exact: n = round(end * rate) - round(start * rate), clamped to the recording.
    """
    rate = audio.sample_rate_hz
    total = audio.samples.shape[1]
    first = min(max(int(round(span.start_s * rate)), 0), total)
    last = min(max(int(round(span.end_s * rate)), first), total)
    piece = audio.samples[:, first:last]
    if mix and piece.shape[0] > 1:
        return piece.mean(axis=0, keepdims=True).astype(audio.samples.dtype)
    return piece.copy()
