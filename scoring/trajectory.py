"""A call's sentiment over time, per role: the curve, quarters, trend, peak and end.

Pure functions over segments that carry a sentiment score (scoring/sentiment.py). The peak-end
rule: customers remember the worst moment and the end, so both are kept, with their times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asr.types import Segment, Transcript

#: the end of a call, as a share of its duration (the peak-end rule's "end")
END_SHARE = 0.2


@dataclass(frozen=True)
class Moment:
    time_s: float
    score: float
    text: str


@dataclass(frozen=True)
class RoleTrajectory:
    role: str
    turns: int
    #: (turn midpoint in seconds, score) for every scored turn, in time order
    curve: tuple[tuple[float, float], ...]
    #: mean score in each quarter of the call's duration (None where the role was silent)
    quarters: tuple[float | None, float | None, float | None, float | None]
    start: float  # mean of the first 20 % (or the first turn)
    end: float  # mean of the last 20 % (or the last turn)
    trend: float  # end - start
    mean: float
    peak: Moment  # the most negative turn
    max_anger: float

    @property
    def peak_end(self) -> float:
        return (self.peak.score + self.end) / 2

    def as_json(self) -> dict:
        return {
            "role": self.role,
            "turns": self.turns,
            "curve": [[round(t, 2), round(s, 3)] for t, s in self.curve],
            "quarters": [None if q is None else round(q, 3) for q in self.quarters],
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "trend": round(self.trend, 3),
            "mean": round(self.mean, 3),
            "peak": {
                "time_s": round(self.peak.time_s, 2),
                "score": round(self.peak.score, 3),
                "text": self.peak.text,
            },
            "peak_end": round(self.peak_end, 3),
            "max_anger": round(self.max_anger, 3),
        }


def _mid(seg: Segment) -> float:
    return (seg.start_s + seg.end_s) / 2


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def role_trajectory(
    segments: Sequence[Segment], role: str, duration_s: float
) -> RoleTrajectory | None:
    """The trajectory of one role, or None when none of its turns has a score."""
    scored = sorted(
        (s for s in segments if str(s.role) == role and s.sentiment is not None), key=_mid
    )
    if not scored:
        return None
    duration = max(duration_s, max(s.end_s for s in scored), 1e-6)
    values = [float(s.sentiment) for s in scored]  # type: ignore[arg-type]
    quarters: list[float | None] = []
    for q in range(4):
        lo, hi = q * duration / 4, (q + 1) * duration / 4
        inside = [
            v
            for s, v in zip(scored, values, strict=True)
            if lo <= _mid(s) < hi or (q == 3 and _mid(s) >= hi)
        ]
        quarters.append(_mean(inside) if inside else None)
    head = [v for s, v in zip(scored, values, strict=True) if _mid(s) <= duration * END_SHARE]
    tail = [v for s, v in zip(scored, values, strict=True) if _mid(s) >= duration * (1 - END_SHARE)]
    start = _mean(head) if head else values[0]
    end = _mean(tail) if tail else values[-1]
    worst = min(range(len(scored)), key=lambda i: (values[i], _mid(scored[i])))
    return RoleTrajectory(
        role=role,
        turns=len(scored),
        curve=tuple((_mid(s), v) for s, v in zip(scored, values, strict=True)),
        quarters=(quarters[0], quarters[1], quarters[2], quarters[3]),
        start=start,
        end=end,
        trend=end - start,
        mean=_mean(values),
        peak=Moment(_mid(scored[worst]), values[worst], scored[worst].text),
        max_anger=max((s.anger or 0.0) for s in scored),
    )


def call_trajectories(transcript: Transcript, duration_s: float) -> dict[str, RoleTrajectory]:
    out = {}
    for role in ("agent", "customer"):
        trajectory = role_trajectory(transcript.segments, role, duration_s)
        if trajectory is not None:
            out[role] = trajectory
    return out
