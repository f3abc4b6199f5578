"""Satisfaction indices by agent / team / queue and day / week / month (pure).

Responses are first counted per (group, local day) into a `Tally` (the database does this
with one GROUP BY, see inspector/reports/satisfaction.py); tallies then add up to weeks, months or
all time and every index is computed from the counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from surveys.indices import (
    Level,
    Nps,
    Rate,
    csat_from_counts,
    nps_from_counts,
    rate,
    satisfaction_rate,
)

GroupBy = Literal["agent", "team", "queue", "overall"]
Period = Literal["day", "week", "month", "all"]
UNMATCHED = "(no call)"
OVERALL = "overall"  # the component name of the main answer in the composite index
SCALE_RANGE = {"ivr3": (1, 3), "csat5": (1, 5), "ten_point": (1, 10), "nps11": (0, 10)}


def to_100(scale: str, score: float) -> float:
    """An answer on its scale as 0-100, best = 100 (IVR key 1 = 满意 is the best)."""
    low, high = SCALE_RANGE[scale]
    share = (score - low) / (high - low)
    return 100.0 * ((1.0 - share) if scale == "ivr3" else share)


@dataclass(frozen=True)
class SurveyRow:
    """One invitation as the report sees it (joined to its call's agent, team and queue)."""

    sent_at: datetime
    agent: str | None
    team: str | None
    queue: str | None
    responded: bool
    scale: str | None
    score: float | None
    level: str | None
    nps: float | None
    dimensions: Mapping[str, float] = field(default_factory=dict)
    dimension_scales: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    """Counts and sums from which every index is computed; tallies add up."""

    invitations: int = 0
    responses: int = 0
    levels: dict[Level, int] = field(default_factory=lambda: {level: 0 for level in Level})
    csat_n: int = 0
    csat_top2: int = 0
    csat_sum: float = 0.0
    nps_n: int = 0
    promoters: int = 0
    detractors: int = 0
    #: per scale: [sum of scores, count]
    scores: dict[str, list[float]] = field(default_factory=dict)
    #: per composite component (OVERALL and each dimension): [sum of 0-100 values, count]
    components: dict[str, list[float]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.invitations += other.invitations
        self.responses += other.responses
        for level, n in other.levels.items():
            self.levels[level] += n
        self.csat_n += other.csat_n
        self.csat_top2 += other.csat_top2
        self.csat_sum += other.csat_sum
        self.nps_n += other.nps_n
        self.promoters += other.promoters
        self.detractors += other.detractors
        for target, source in ((self.scores, other.scores), (self.components, other.components)):
            for key, (total, n) in source.items():
                acc = target.setdefault(key, [0.0, 0])
                acc[0] += total
                acc[1] += n

    def add_row(self, row: SurveyRow) -> None:
        self.invitations += 1
        if not row.responded:
            return
        self.responses += 1
        if row.level:
            self.levels[Level(row.level)] += 1
        if row.scale and row.score is not None:
            _acc(self.scores, row.scale, row.score)
            _acc(self.components, OVERALL, to_100(row.scale, row.score))
            if row.scale == "csat5":
                self.csat_n += 1
                self.csat_top2 += row.score >= 4
                self.csat_sum += row.score
        if row.nps is not None:
            self.nps_n += 1
            self.promoters += row.nps >= 9
            self.detractors += row.nps <= 6
        for name, value in row.dimensions.items():
            scale = row.dimension_scales.get(name, "csat5")
            _acc(self.components, name, to_100(scale, value))


def _acc(target: dict[str, list[float]], key: str, value: float) -> None:
    acc = target.setdefault(key, [0.0, 0])
    acc[0] += value
    acc[1] += 1


@dataclass(frozen=True)
class GroupIndices:
    group: str
    period: str
    invitations: int
    responses: int
    response_rate: Rate
    satisfied_rate: Rate
    dissatisfied_rate: Rate
    csat_top2: Rate
    csat_mean: float | None
    nps: Nps
    mean_score: dict[str, float]
    #: 0-100 weighted mean of the components (None without any answered component)
    composite: float | None = None
    components: dict[str, float] = field(default_factory=dict)


def period_start(day: date, period: Period) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return f"{monday.isoformat()} (W{monday.isocalendar().week:02d})"
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return "all"


def group_key(row: SurveyRow, by: GroupBy) -> str:
    value = {"agent": row.agent, "team": row.team, "queue": row.queue, "overall": "all"}[by]
    return value or UNMATCHED


def tally_rows(
    rows: Iterable[SurveyRow], by: GroupBy, tz: object | None = None
) -> dict[tuple[str, date], Tally]:
    """Tallies per (group, local day) from individual rows (the pure path)."""
    out: dict[tuple[str, date], Tally] = defaultdict(Tally)
    for row in rows:
        local = row.sent_at.astimezone(tz) if tz is not None else row.sent_at  # type: ignore[arg-type]
        out[(group_key(row, by), local.date())].add_row(row)
    return dict(out)


def composite_weights(
    tallies: Iterable[Tally], configured: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The configured weights, or equal weights over the dimensions the surveys have (the main
    answer alone when they have none)."""
    if configured:
        return dict(configured)
    names: set[str] = set()
    for t in tallies:
        names |= set(t.components)
    dims = sorted(names - {OVERALL})
    chosen = dims or ([OVERALL] if OVERALL in names else [])
    return {name: 1.0 for name in chosen}


def composite(tally: Tally, weights: Mapping[str, float]) -> tuple[float | None, dict[str, float]]:
    means = {k: total / n for k, (total, n) in tally.components.items() if n}
    used = {k: w for k, w in weights.items() if k in means and w > 0}
    if not used:
        return None, means
    return sum(means[k] * w for k, w in used.items()) / sum(used.values()), means


def indices_from_tallies(
    tallies: Mapping[tuple[str, date], Tally],
    *,
    period: Period,
    strict: bool,
    min_sample: int = 30,
    weights: Mapping[str, float] | None = None,
) -> list[GroupIndices]:
    """One GroupIndices per (group, period), sorted by group then period."""
    rolled: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for (group, day), t in tallies.items():
        rolled[(group, period_start(day, period))].add(t)
    chosen = composite_weights(tallies.values(), weights)
    out = []
    for (group, when), t in sorted(rolled.items()):
        answered = sum(t.levels.values())
        top2, mean = csat_from_counts(t.csat_top2, t.csat_n, t.csat_sum, min_sample)
        score, parts = composite(t, chosen)
        out.append(
            GroupIndices(
                group=group,
                period=when,
                invitations=t.invitations,
                responses=t.responses,
                response_rate=rate(t.responses, t.invitations, min_sample),
                satisfied_rate=satisfaction_rate(t.levels, strict=strict, min_sample=min_sample),
                dissatisfied_rate=rate(t.levels[Level.DISSATISFIED], answered, min_sample),
                csat_top2=top2,
                csat_mean=mean,
                nps=nps_from_counts(t.promoters, t.detractors, t.nps_n, min_sample),
                mean_score={k: total / n for k, (total, n) in sorted(t.scores.items()) if n},
                composite=score,
                components=parts,
            )
        )
    return out


def indices(
    rows: Iterable[SurveyRow],
    *,
    by: GroupBy,
    period: Period,
    strict: bool,
    min_sample: int = 30,
    tz: object | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[GroupIndices]:
    """Indices straight from rows: tally per (group, day), then roll up."""
    return indices_from_tallies(
        tally_rows(rows, by, tz),
        period=period,
        strict=strict,
        min_sample=min_sample,
        weights=weights,
    )
