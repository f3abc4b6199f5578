"""Build call views from (start, end, role, text) tuples."""

from __future__ import annotations

import dataclasses
from typing import Any

from asr.types import Role, Segment, Transcript
from scoring.conditions import CallView
from scoring.metrics import measure


def make_transcript(
    *turns: tuple[float, float, str, str],
    confidence: float = 1.0,
    notes: tuple[str, ...] = (),
    dropped: tuple[tuple[float, float], ...] = (),
) -> Transcript:
    return Transcript(
        segments=tuple(Segment(s, e, Role(r), t, confidence) for s, e, r, t in turns),
        notes=notes,
        dropped=dropped,
    )


def make_view(
    *turns: tuple[float, float, str, str],
    duration_s: float | None = None,
    metadata: dict[str, Any] | None = None,
    **kwargs: Any,
) -> CallView:
    transcript = make_transcript(*turns, **kwargs)
    end = max((e for _, e, _, _ in turns), default=0.0)
    return CallView(transcript, measure(transcript, duration_s or end + 1.0), metadata or {})


def with_segment_values(view: CallView, field: str, values: Any) -> CallView:
    """`view` with each segment's `field` (sentiment, confidence ...) set to the next value."""
    segments = tuple(
        dataclasses.replace(s, **{field: v}) for s, v in zip(view.segments, values, strict=True)
    )
    return dataclasses.replace(
        view, transcript=dataclasses.replace(view.transcript, segments=segments)
    )
