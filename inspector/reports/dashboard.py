"""The managers' dashboard: QA scores, failed items, satisfaction, agents, teams and risk flags
for a period, team, queue or agent, as JSON-ready dicts and as export tables.

Computed from the cached fact columns (inspector/reports/facts.py) with the same formulas as
the survey reports (surveys/indices.py, surveys/report.py, surveys/insights.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from inspector.reports.facts import (
    LEVELS,
    SCALES,
    CallFacts,
    Facts,
    FactsCache,
    SurveyFacts,
)
from inspector.reports.satisfaction import covered, day_date, range_label, record
from inspector.settings import Settings
from scoring.scorecard import Scorecard
from surveys.insights import item_correlations_arrays
from surveys.report import Tally, indices_from_tallies, period_start, to_100

PERIODS = ("day", "week", "month", "all")
SCORE_BINS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001]
RISK_FLAGS = ("complaint_risk", "churn_risk", "customer_anger")


@dataclass(frozen=True)
class DashboardFilter:
    """Calls started (surveys sent) in [start, end), of one team, queue and agent when given."""

    start: datetime | None = None
    end: datetime | None = None
    team: str | None = None
    queue: str | None = None
    agent: str | None = None
    period: str = "week"

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {self.period!r}")


@dataclass
class Dashboard:
    """One request's view: the facts, the rows the filter keeps, and the settings."""

    settings: Settings
    f: DashboardFilter
    facts: Facts
    items_title: dict[str, str]

    @property
    def calls(self) -> CallFacts:
        return self.facts.calls

    @property
    def surveys(self) -> SurveyFacts | None:
        return self.facts.surveys

    def _attributes(self, call_row: np.ndarray) -> np.ndarray:
        """Whether each call row is of the chosen team, queue and agent."""
        c, f = self.calls, self.f
        keep = np.ones(len(call_row), dtype=bool)
        for value, codes, names in (
            (f.team, c.team, c.teams),
            (f.queue, c.queue, c.queues),
            (f.agent, c.agent, c.agents),
        ):
            if value:
                keep &= codes[call_row] == names.code(value)
        return keep

    def call_rows(self) -> np.ndarray:
        c, f = self.calls, self.f
        keep = self._attributes(np.arange(len(c.pk)))
        if f.start is not None:
            keep &= c.started >= int(f.start.timestamp())
        if f.end is not None:
            keep &= (c.started < int(f.end.timestamp())) & (c.started >= 0)
        return np.flatnonzero(keep)

    def survey_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Surveys sent in the period (of calls in the team/queue/agent when one is chosen), and
        the QA row of each one's call (-1: not a current scored call)."""
        s, f, joined = self.surveys, self.f, self.facts.survey_call_row
        assert s is not None and joined is not None
        keep = np.ones(len(s.sent), dtype=bool)
        if f.start is not None:
            keep &= s.sent >= int(f.start.timestamp())
        if f.end is not None:
            keep &= s.sent < int(f.end.timestamp())
        if f.team or f.queue or f.agent:
            keep &= joined >= 0
            rows = np.flatnonzero(keep)
            rows = rows[self._attributes(joined[rows])]
        else:
            rows = np.flatnonzero(keep)
        return rows, joined[rows]

    def periods(self, days: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Period labels in order and each day's index into them ("all": the dates covered)."""
        if not len(days):
            return [], np.zeros(0, dtype=np.int64)
        if self.f.period == "all":
            return [range_label(*self.covered(days))], np.zeros(len(days), dtype=np.int64)
        first = int(days.min())
        present = np.flatnonzero(np.bincount(days - first)) + first
        labels = [period_start(day_date(d), self.f.period) for d in present.tolist()]
        order = sorted(set(labels))
        position = {label: k for k, label in enumerate(order)}
        lookup = np.full(int(days.max()) - first + 1, -1, dtype=np.int64)
        lookup[present - first] = [position[label] for label in labels]
        return order, lookup[days - first]

    def covered(self, days: np.ndarray) -> tuple[date | None, date | None]:
        """The first and last day of the range: the filter's dates, else the data's."""
        ends = [day_date(int(days.min())), day_date(int(days.max()))] if len(days) else []
        return covered(ends, self.settings.tz, self.f.start, self.f.end)

    def period_fields(self, label: str, days: np.ndarray) -> dict[str, Any]:
        """A trend row's period, with its first and last date when it is the whole range (the
        page writes the range in the reader's language)."""
        if self.f.period != "all" or not len(days):
            return {"period": label}
        first, last = self.covered(days)
        return {"period": label, "first": str(first), "last": str(last)}

    def small(self, n: int) -> bool:
        """Too few to read a rate from (the survey minimum sample, configurable)."""
        return n < self.settings.survey_min_sample


def open_dashboard(
    session: Session,
    settings: Settings,
    cache: FactsCache,
    f: DashboardFilter,
    with_surveys: bool = True,
    scorecard: Scorecard | None = None,
) -> Dashboard:
    """The dashboard over the cached facts; `scorecard` is the settings' one when already
    parsed (the web app keeps it), else it is read here."""
    from scoring.scorecard import load_scorecard

    card = scorecard or load_scorecard(settings.scorecard)
    titles = {i.id: i.title for i in card.items}
    return Dashboard(settings, f, cache.get(session, with_surveys), titles)


def scorecard_items(settings: Settings) -> Callable[[], list[str]]:
    """The scorecard's item ids, read when asked (for FactsCache)."""

    def items() -> list[str]:
        from scoring.scorecard import load_scorecard

        return [i.id for i in load_scorecard(settings.scorecard).items]

    return items


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def qa_scores(d: Dashboard) -> dict[str, Any]:
    """Score distribution (10-point bins), and per period: calls, mean score, fatal calls."""
    rows = d.call_rows()
    c = d.calls
    counts, _ = np.histogram(c.score[rows], bins=SCORE_BINS)
    days = c.day[rows]
    labels, index = d.periods(days)
    n = np.bincount(index, minlength=len(labels))
    total = np.bincount(index, weights=c.score[rows], minlength=len(labels))
    fatal = np.bincount(index, weights=c.fatal[rows], minlength=len(labels))
    trend = [
        d.period_fields(label, days)
        | {
            "calls": int(n[k]),
            "mean_score": _r(total[k] / n[k], 2) if n[k] else None,
            "fatal": int(fatal[k]),
            "fatal_rate": _r(fatal[k] / n[k]) if n[k] else None,
            "small_sample": d.small(int(n[k])),
        }
        for k, label in enumerate(labels)
    ]
    return {
        "calls": int(len(rows)),
        "mean_score": _r(c.score[rows].mean(), 2) if len(rows) else None,
        "fatal": int(c.fatal[rows].sum()),
        "distribution": {
            "bins": [f"{lo}-{min(hi, 100):.0f}" for lo, hi in itertools.pairwise(SCORE_BINS)],
            "counts": counts.tolist(),
        },
        "trend": trend,
    }


def failed_items(d: Dashboard, top: int = 10) -> list[dict[str, Any]]:
    """Items by how often they failed among the calls where they applied."""
    rows = d.call_rows()
    c = d.calls
    failed = c.failed[rows].sum(axis=0)
    applicable = c.applicable[rows].sum(axis=0)
    out = [
        {
            "item_id": item,
            "title": d.items_title.get(item, item),
            "failed": int(failed[j]),
            "applicable": int(applicable[j]),
            "failed_rate": _r(failed[j] / applicable[j]) if applicable[j] else None,
            "small_sample": d.small(int(applicable[j])),
        }
        for j, item in enumerate(c.items)
        if failed[j]
    ]
    return sorted(out, key=lambda r: (-r["failed"], r["item_id"]))[:top]


def _tally(d: Dashboard, rows: np.ndarray, groups: np.ndarray, n_groups: int) -> list[Tally]:
    """One Tally per group code over the given survey rows (numpy counts, Tally's fields)."""
    s = d.surveys
    assert s is not None

    def count(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if mask is None else (mask if weights is None else mask * weights)
        return np.bincount(groups, weights=w, minlength=n_groups)

    answered = s.responded[rows]
    level, nps = s.level[rows], s.nps[rows]
    scale, score = s.scale[rows], s.score[rows]
    has_nps = answered & (nps >= 0)
    csat = answered & (scale == SCALES.index("csat5") + 1) & ~np.isnan(score)
    series = {
        "invitations": count(),
        "responses": count(answered),
        "levels": [count(answered & (level == k + 1)) for k in range(len(LEVELS))],
        "csat_n": count(csat),
        "csat_top2": count(csat & (score >= 4)),
        "csat_sum": count(csat, np.nan_to_num(score)),
        "nps_n": count(has_nps),
        "promoters": count(has_nps & (nps >= 9)),
        "detractors": count(has_nps & (nps <= 6)),
    }
    tallies = []
    for g in range(n_groups):
        t = Tally(
            invitations=int(series["invitations"][g]),
            responses=int(series["responses"][g]),
            levels={lv: int(series["levels"][k][g]) for k, lv in enumerate(LEVELS)},
            csat_n=int(series["csat_n"][g]),
            csat_top2=int(series["csat_top2"][g]),
            csat_sum=float(series["csat_sum"][g]),
            nps_n=int(series["nps_n"][g]),
            promoters=int(series["promoters"][g]),
            detractors=int(series["detractors"][g]),
        )
        tallies.append(t)
    return tallies


def _indices(d: Dashboard, tallies: dict[tuple[str, Any], Tally], period: str) -> list[dict]:
    """Survey indices per group and period; small_sample is a boolean here (the exports write
    it as a word)."""
    groups = indices_from_tallies(
        tallies,
        period=period,  # type: ignore[arg-type]
        strict=d.settings.survey_strict,
        min_sample=d.settings.survey_min_sample,
    )
    keys = (
        "period",
        "invitations",
        "responses",
        "response_rate",
        "satisfied_rate",
        "satisfied_rate_low",
        "satisfied_rate_high",
        "dissatisfied_rate",
        "dissatisfied_rate_low",
        "dissatisfied_rate_high",
        "csat_top2",
        "csat_mean",
        "nps",
        "nps_low",
        "nps_high",
    )
    out = []
    for g in groups:
        row = record(g)
        out.append(
            {"group": g.group}
            | {k: _round(row[k]) for k in keys}
            | {"small_sample": g.satisfied_rate.small_sample}
        )
    return out


def _round(value: Any) -> Any:
    return _r(value) if isinstance(value, float) else value


def satisfaction(d: Dashboard) -> dict[str, Any]:
    """满意率, 不满意率, CSAT and NPS per period with their 95 % intervals."""
    rows, _ = d.survey_rows()
    s = d.surveys
    assert s is not None
    days = s.day[rows]
    first = int(days.min()) if len(days) else 0
    span = int(days.max()) - first + 1 if len(days) else 0
    per_day = _tally(d, rows, days - first, span)
    tallies = {("all", day_date(first + k)): t for k, t in enumerate(per_day) if t.invitations}
    trend = _indices(d, tallies, d.f.period)
    if d.f.period == "all" and trend:
        (label,), _ = d.periods(days)
        trend = [trend[0] | d.period_fields(label, days)]
    overall = _indices(d, tallies, "all")
    return {"trend": trend, "overall": overall[0] if overall else None}


def _unhappy(s: SurveyFacts, rows: np.ndarray) -> np.ndarray:
    """100 - the answer on 0-100 (surveys.report.to_100), 50 where there is no answer."""
    out = np.full(len(rows), 50.0)
    for k, scale in enumerate(SCALES):
        on = s.scale[rows] == k + 1
        value = s.score[rows][on].astype(np.float64)
        out[on] = np.where(np.isnan(value), 50.0, 100.0 - to_100(scale, value))  # type: ignore[arg-type]
    return out


def item_correlation(d: Dashboard) -> list[dict[str, Any]]:
    """Per item: dissatisfied rate when failed vs passed, point-biserial r and Spearman rho."""
    rows, call_row = d.survey_rows()
    s = d.surveys
    assert s is not None
    keep = (call_row >= 0) & s.responded[rows] & (s.level[rows] > 0)
    rows, call_row = rows[keep], call_row[keep]
    c = d.calls
    found = item_correlations_arrays(
        c.items,
        c.failed[call_row],
        c.applicable[call_row],
        _unhappy(s, rows),
        (s.level[rows] - 1).astype(np.int64),
        d.settings.survey_min_sample,
    )
    return [
        {
            "item_id": x.item_id,
            "title": d.items_title.get(x.item_id, x.item_id),
            "n": x.n,
            "failed": x.failed,
            "dissatisfied_if_failed": _r(x.dissatisfied_if_failed.value),
            "dissatisfied_if_failed_low": _r(x.dissatisfied_if_failed.low),
            "dissatisfied_if_failed_high": _r(x.dissatisfied_if_failed.high),
            "dissatisfied_if_passed": _r(x.dissatisfied_if_passed.value),
            "point_biserial": _r(x.point_biserial),
            "point_biserial_p": _r(x.point_biserial_p, 6),
            "spearman": _r(x.spearman),
            "spearman_p": _r(x.spearman_p, 6),
            # no r or p unless both groups hold dissatisfied and other customers (样本不足)
            "comparable": x.comparable,
            "small_sample": x.dissatisfied_if_failed.small_sample
            or x.dissatisfied_if_passed.small_sample,
        }
        for x in found
    ]


def options(calls: CallFacts) -> dict[str, Any]:
    """The filter choices: every team, queue and agent with scored calls (agents with names)."""
    return {
        "teams": sorted(v for v in calls.teams.values[1:]),
        "queues": sorted(v for v in calls.queues.values[1:]),
        "agents": sorted(v for v in calls.agents.values[1:]),
        "agent_names": calls.agent_names,
    }


# the league tables and risk flags live in their own module; the dashboard's API names them here
from inspector.reports.league import league, risk_flags  # noqa: E402, F401
