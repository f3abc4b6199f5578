"""Satisfaction indices by agent / team / queue and day / week / month (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from surveys.indices import Level, Nps, Rate, csat, nps, rate, satisfaction_rate

GroupBy = Literal["agent", "team", "queue", "overall"]
Period = Literal["day", "week", "month", "all"]
UNMATCHED = "(no call)"


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


def period_start(day: date, period: Period) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return f"{monday.isoformat()} (W{monday.isocalendar().week:02d})"
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return "all"


def _group_key(row: SurveyRow, by: GroupBy) -> str:
    value = {"agent": row.agent, "team": row.team, "queue": row.queue, "overall": "all"}[by]
    return value or UNMATCHED


def indices(
    rows: Iterable[SurveyRow],
    *,
    by: GroupBy,
    period: Period,
    strict: bool,
    min_sample: int = 30,
    tz: object | None = None,
) -> list[GroupIndices]:
    """One GroupIndices per (group, period), sorted by group then period."""
    buckets: dict[tuple[str, str], list[SurveyRow]] = defaultdict(list)
    for row in rows:
        local = row.sent_at.astimezone(tz) if tz is not None else row.sent_at  # type: ignore[arg-type]
        buckets[(_group_key(row, by), period_start(local.date(), period))].append(row)
    out = []
    for (group, when), members in sorted(buckets.items()):
        answered = [r for r in members if r.responded]
        counts = {level: 0 for level in Level}
        scores: dict[str, list[float]] = defaultdict(list)
        for r in answered:
            if r.level:
                counts[Level(r.level)] += 1
            if r.scale and r.score is not None:
                scores[r.scale].append(r.score)
        top2, mean = csat(scores.get("csat5", []), min_sample)
        out.append(
            GroupIndices(
                group=group,
                period=when,
                invitations=len(members),
                responses=len(answered),
                response_rate=rate(len(answered), len(members), min_sample),
                satisfied_rate=satisfaction_rate(counts, strict=strict, min_sample=min_sample),
                dissatisfied_rate=rate(
                    counts[Level.DISSATISFIED], sum(counts.values()), min_sample
                ),
                csat_top2=top2,
                csat_mean=mean,
                nps=nps([r.nps for r in answered if r.nps is not None], min_sample),
                mean_score={k: sum(v) / len(v) for k, v in sorted(scores.items())},
            )
        )
    return out
