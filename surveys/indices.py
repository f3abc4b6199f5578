"""Satisfaction indices as pure functions: rates with Wilson intervals, CSAT, NPS.

Definitions (../shared/DOMAIN.md): 参评率 = responses / invitations; 满意率 = (满意 + 基本满意) /
responses, or 满意 / responses in the strict variant; 不满意率 = 不满意 / responses; CSAT = share
of top-2-box answers on a 1-5 scale (and its mean); NPS = % promoters (9-10) - % detractors
(0-6) on the 0-10 scale, from -100 to 100.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

Z_95 = 1.959963984540054


class Level(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95 % interval; None values when there is no sample."""

    successes: int
    n: int
    value: float | None
    low: float | None
    high: float | None
    small_sample: bool


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(successes: int, n: int, min_sample: int = 30) -> Rate:
    bounds = wilson(successes, n)
    return Rate(
        successes,
        n,
        successes / n if n else None,
        bounds[0] if bounds else None,
        bounds[1] if bounds else None,
        n < min_sample,
    )


def level_counts(levels: Iterable[Level | None]) -> dict[Level, int]:
    counts = {level: 0 for level in Level}
    for level in levels:
        if level is not None:
            counts[level] += 1
    return counts


def satisfaction_rate(counts: dict[Level, int], *, strict: bool, min_sample: int = 30) -> Rate:
    """满意率: (满意 + 基本满意) / responses, or 满意 / responses when strict."""
    n = sum(counts.values())
    good = counts[Level.SATISFIED] + (0 if strict else counts[Level.BASIC])
    return rate(good, n, min_sample)


def dissatisfaction_rate(counts: dict[Level, int], min_sample: int = 30) -> Rate:
    """不满意率: 不满意 / responses."""
    return rate(counts[Level.DISSATISFIED], sum(counts.values()), min_sample)


def csat(scores_1_5: Iterable[float], min_sample: int = 30) -> tuple[Rate, float | None]:
    """CSAT top-2-box (4 or 5 of 5) as a rate, and the mean score."""
    values = list(scores_1_5)
    for v in values:
        if not 1 <= v <= 5:
            raise ValueError(f"CSAT score {v} outside 1..5")
    return csat_from_counts(sum(1 for v in values if v >= 4), len(values), sum(values), min_sample)


def csat_from_counts(
    top2: int, n: int, total: float, min_sample: int = 30
) -> tuple[Rate, float | None]:
    """CSAT from counts: top-2-box answers, answers, and the sum of the scores."""
    return rate(top2, n, min_sample), (total / n if n else None)


@dataclass(frozen=True)
class Nps:
    score: float | None  # -100..100
    promoters: int
    passives: int
    detractors: int
    n: int
    low: float | None
    high: float | None
    small_sample: bool


def nps(scores_0_10: Iterable[float], min_sample: int = 30) -> Nps:
    """Net promoter score with a normal-approximation 95 % interval (variance of +1/0/-1)."""
    values = list(scores_0_10)
    for v in values:
        if not 0 <= v <= 10:
            raise ValueError(f"NPS answer {v} outside 0..10")
    return nps_from_counts(
        sum(1 for v in values if v >= 9), sum(1 for v in values if v <= 6), len(values), min_sample
    )


def nps_from_counts(promoters: int, detractors: int, n: int, min_sample: int = 30) -> Nps:
    """NPS from counts of promoters (9-10), detractors (0-6) and all answers."""
    if promoters + detractors > n or min(promoters, detractors) < 0:
        raise ValueError(f"promoters {promoters} + detractors {detractors} exceed {n} answers")
    passives = n - promoters - detractors
    if n == 0:
        return Nps(None, 0, 0, 0, 0, None, None, True)
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    variance = (p + d) - (p - d) ** 2
    half = 100 * Z_95 * math.sqrt(variance / n)
    return Nps(
        score,
        promoters,
        passives,
        detractors,
        n,
        max(-100.0, score - half),
        min(100.0, score + half),
        n < min_sample,
    )
