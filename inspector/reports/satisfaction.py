"""Satisfaction indices from the database, exported as CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Text, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from inspector.reports.days import constant_offsets, day_date, local_days, scan_array
from inspector.reports.tables import write_table_csv, write_tables_xlsx
from inspector.settings import Settings
from inspector.store.models import Call, SurveyResponse
from inspector.surveys.queries import sent_between
from surveys.indices import Level
from surveys.report import (
    OVERALL,
    SCALE_RANGE,
    UNMATCHED,
    GroupBy,
    GroupIndices,
    Period,
    SurveyRow,
    Tally,
    indices_from_tallies,
    to_100,
)

COLUMNS = [
    ("group", "分组"),
    ("period", "周期"),
    ("invitations", "邀评数"),
    ("responses", "参评数"),
    ("response_rate", "参评率"),
    ("response_rate_low", "参评率下限"),
    ("response_rate_high", "参评率上限"),
    ("satisfied_rate", "满意率"),
    ("satisfied_rate_low", "满意率下限"),
    ("satisfied_rate_high", "满意率上限"),
    ("dissatisfied_rate", "不满意率"),
    ("dissatisfied_rate_low", "不满意率下限"),
    ("dissatisfied_rate_high", "不满意率上限"),
    ("csat_top2", "CSAT"),
    ("csat_mean", "CSAT 均分"),
    ("nps", "NPS"),
    ("nps_low", "NPS 下限"),
    ("nps_high", "NPS 上限"),
    ("mean_ivr3", "均分(3级)"),
    ("mean_ten_point", "均分(10分)"),
    ("composite", "综合满意度指数"),
    ("small_sample", "样本不足"),
]
#: each grouping's sheet (XLSX) or block (CSV) name
GROUP_TITLES = {"agent": "按坐席", "team": "按班组", "queue": "按技能组", "overall": "全中心"}
#: the one period of "all" when neither the range nor any data gives its dates
ALL_TIME = "全部"


def load_rows(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> list[SurveyRow]:
    """Every invitation in [start, end), with its call's agent, team and queue when joined."""
    query = (
        select(
            SurveyResponse.sent_at,
            Call.agent_id,
            Call.team,
            Call.skill_queue,
            SurveyResponse.responded,
            SurveyResponse.scale,
            SurveyResponse.score,
            SurveyResponse.level,
            SurveyResponse.nps,
            SurveyResponse.dimensions,
            SurveyResponse.dimension_scales,
        )
        .outerjoin(Call, Call.id == SurveyResponse.call_pk)
        .where(SurveyResponse.sent_at.is_not(None))
    )
    query = sent_between(query, start, end)
    return [
        SurveyRow(*row[:9], dimensions=row[9] or {}, dimension_scales=row[10] or {})
        for row in session.execute(query)
    ]


GROUP_COLUMNS = {"agent": Call.agent_id, "team": Call.team, "queue": Call.skill_queue}


def load_tallies(
    session: Session,
    by: GroupBy,
    tz: ZoneInfo,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[tuple[str, date], Tally]:
    """Tallies per (group, local day), counted by the database in one GROUP BY per stretch of
    constant UTC offset (one stretch unless the range crosses a daylight-saving change)."""
    r = SurveyResponse
    dims = _dimension_scales(session)
    scales = [s for (s,) in session.execute(select(r.scale).distinct()) if s in SCALE_RANGE]
    if session.get_bind().dialect.name == "sqlite":
        # local days come from the rows' own timestamps there: no bounds query needed
        return _sqlite_tallies(session, by, tz, scales, dims, start, end)
    bounds = sent_between(
        select(func.min(r.sent_at), func.max(r.sent_at)).where(r.sent_at.is_not(None)), start, end
    )
    first, last = session.execute(bounds).one()
    if first is None:
        return {}
    first, last = _aware(first), _aware(last)
    group = GROUP_COLUMNS[by] if by in GROUP_COLUMNS else literal("all")
    out: dict[tuple[str, date], Tally] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    stretches = [(first, None, 0)] if postgres else constant_offsets(tz, first, last)
    for lo, hi, offset_min in stretches:
        if postgres:
            day = func.date(func.timezone(str(tz.key), r.sent_at))
        else:
            day = func.date(r.sent_at, f"{offset_min:+d} minutes")
        query = (
            select(group, day, *_aggregates(scales, dims))
            .select_from(r)
            .outerjoin(Call, Call.id == r.call_pk)
            .where(r.sent_at.is_not(None))
            .group_by(group, day)
        )
        query = sent_between(query, start, end)
        if not postgres:
            query = query.where(r.sent_at >= lo)
            if hi is not None:
                query = query.where(r.sent_at < hi)
        for row in session.execute(query):
            key = (row[0] or UNMATCHED, _as_date(row[1]))
            tally = _tally(row[2:], scales, dims)
            if key in out:
                out[key].add(tally)
            else:
                out[key] = tally
    return out


def _sqlite_tallies(
    session: Session,
    by: GroupBy,
    tz: ZoneInfo,
    scales: list[str],
    dims: dict[str, str],
    start: datetime | None,
    end: datetime | None,
) -> dict[tuple[str, date], Tally]:
    """SQLite sorts to GROUP BY, which is slow over millions of rows: read the few numeric
    columns once and count with numpy instead (same tallies as the SQL path)."""
    levels = list(Level)
    params: list[Any] = []

    def code(column: str, values: list[str]) -> str:
        params.extend(values)
        whens = " ".join(f"WHEN ? THEN {i}" for i in range(len(values)))
        return f"CASE {column} {whens} ELSE -1 END"

    columns = [
        "COALESCE(call_pk, 0)",
        "CAST(ROUND((julianday(sent_at) - 2440587.5) * 86400) AS INTEGER)",
        "responded",
        code("level", [str(level) for level in levels]),
        code("scale", scales),
        "COALESCE(nps, -1)",
        "COALESCE(score, -1)",
    ]
    for name in dims:
        columns.append("COALESCE(json_extract(dimensions, ?), -1)")
        params.append('$."' + name.replace('"', '\\"') + '"')
    sql = f"SELECT {', '.join(columns)} FROM survey_responses WHERE sent_at IS NOT NULL"
    for bound, op in ((start, ">="), (end, "<")):
        if bound is not None:
            sql += f" AND sent_at {op} ?"
            params.append(bound.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds"))
    a = scan_array(session, sql, params, len(columns), np.float64)
    if not len(a):
        return {}
    call_pk, epoch = a[:, 0].astype(np.int64), a[:, 1].astype(np.int64)
    day = local_days(epoch, tz)
    names, codes = _group_codes(session, by, int(call_pk.max()))
    group = codes[call_pk]
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    keys, inverse = np.unique(group * span + (day - first_day), return_inverse=True)

    def count(mask: np.ndarray | None = None, values: np.ndarray | None = None) -> np.ndarray:
        weights = None if mask is None else mask * (1.0 if values is None else values)
        return np.bincount(inverse, weights=weights, minlength=len(keys))

    answered = a[:, 2] == 1
    nps, score = a[:, 5], a[:, 6]
    has_nps = answered & (nps >= 0)
    series = [count(), count(answered)]
    series += [count(answered & (a[:, 3] == i)) for i in range(len(levels))]
    series += [count(has_nps), count(has_nps & (nps >= 9)), count(has_nps & (nps <= 6))]
    for i in range(len(scales)):
        has = answered & (a[:, 4] == i) & (score >= 0)
        series += [count(has, score), count(has), count(has & (score >= 4))]
    for j in range(len(dims)):
        values = a[:, 7 + j]
        series += [count(values >= 0, values), count(values >= 0)]
    table = np.stack(series, axis=1)
    out = {}
    for key, row in zip(keys.tolist(), table.tolist(), strict=True):
        group_code, offset = divmod(key, span)
        out[(names[group_code], day_date(first_day + offset))] = _tally(row, scales, dims)
    return out


def _group_codes(session: Session, by: GroupBy, max_pk: int) -> tuple[list[str], np.ndarray]:
    """Group names, and each call pk's code into them (0 = a response joined to no call)."""
    names = [UNMATCHED]
    codes = np.zeros(max_pk + 1, dtype=np.int64)
    if by not in GROUP_COLUMNS:
        names.append("all")
        codes[:] = 1
        # responses without a call still count in "all"
        return names, codes
    index: dict[str, int] = {UNMATCHED: 0}
    query = select(Call.id, GROUP_COLUMNS[by]).where(Call.id <= max_pk)
    for pk, value in session.execute(query):
        name = value or UNMATCHED
        if name not in index:
            index[name] = len(names)
            names.append(name)
        codes[pk] = index[name]
    return names, codes


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _dimension_scales(session: Session) -> dict[str, str]:
    """Every dimension the stored surveys have, with its scale."""
    found: dict[str, str] = {}
    text = cast(SurveyResponse.dimension_scales, Text)
    for (raw,) in session.execute(
        select(text).where(SurveyResponse.dimension_scales.is_not(None)).distinct()
    ):
        parsed = json.loads(raw) if isinstance(raw, str) else raw  # JSON null reads as None
        found.update(parsed or {})
    return found


def _aggregates(scales: list[str], dims: dict[str, str]) -> list[Any]:
    r = SurveyResponse
    answered = r.responded.is_(True)

    def count(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    def total(cond: Any, value: Any) -> Any:
        return func.sum(case((cond, value), else_=0.0))

    cols = [
        func.count(),
        count(answered),
        *[count(and_(answered, r.level == str(level))) for level in Level],
        count(and_(answered, r.nps.is_not(None))),
        count(and_(answered, r.nps >= 9)),
        count(and_(answered, r.nps <= 6)),
    ]
    for scale in scales:
        has = and_(answered, r.scale == scale, r.score.is_not(None))
        cols += [total(has, r.score), count(has), count(and_(has, r.score >= 4))]
    for name in dims:
        value = r.dimensions[name].as_float()
        cols += [total(value.is_not(None), value), count(value.is_not(None))]
    return cols


def _tally(values: Sequence[Any], scales: list[str], dims: dict[str, str]) -> Tally:
    it = iter(values)
    t = Tally(invitations=int(next(it)), responses=int(next(it) or 0))
    for level in Level:
        t.levels[level] = int(next(it) or 0)
    t.nps_n, t.promoters, t.detractors = (int(next(it) or 0) for _ in range(3))
    for scale in scales:
        score_sum, n, top = float(next(it) or 0), int(next(it) or 0), int(next(it) or 0)
        if not n:
            continue
        t.scores[scale] = [score_sum, n]
        t.components.setdefault(OVERALL, [0.0, 0])
        t.components[OVERALL][0] += _linear_100(scale, score_sum, n)
        t.components[OVERALL][1] += n
        if scale == "csat5":
            t.csat_n, t.csat_top2, t.csat_sum = n, top, score_sum
    for name, scale in dims.items():
        dim_sum, n = float(next(it) or 0), int(next(it) or 0)
        if n:
            t.components[name] = [_linear_100(scale, dim_sum, n), n]
    return t


def _linear_100(scale: str, score_sum: float, n: int) -> float:
    """The sum of to_100(scale, s) over n scores from their plain sum (to_100 is linear)."""
    at_zero = to_100(scale, 0.0)
    return (to_100(scale, 1.0) - at_zero) * score_sum + at_zero * n


def record(g: GroupIndices) -> dict[str, Any]:
    """One table row: rates as fractions, the small-sample marker on the satisfaction rate."""

    def r(rate_obj: Any, name: str) -> dict[str, Any]:
        return {name: rate_obj.value, f"{name}_low": rate_obj.low, f"{name}_high": rate_obj.high}

    return {
        "group": g.group,
        "period": g.period,
        "invitations": g.invitations,
        "responses": g.responses,
        **r(g.response_rate, "response_rate"),
        **r(g.satisfied_rate, "satisfied_rate"),
        **r(g.dissatisfied_rate, "dissatisfied_rate"),
        "csat_top2": g.csat_top2.value,
        "csat_mean": g.csat_mean,
        "nps": g.nps.score,
        "nps_low": g.nps.low,
        "nps_high": g.nps.high,
        "mean_ivr3": g.mean_score.get("ivr3"),
        "mean_ten_point": g.mean_score.get("ten_point"),
        "composite": g.composite,
        "small_sample": "是" if g.satisfied_rate.small_sample else "",
    }


def covered(
    days: Sequence[date], tz: ZoneInfo, start: datetime | None, end: datetime | None
) -> tuple[date | None, date | None]:
    """The first and last day a report covers: the range asked for, else the data's days."""
    first = start.astimezone(tz).date() if start else min(days, default=None)
    if end is not None:  # the end is exclusive: the day before it
        last: date | None = (end.astimezone(tz) - timedelta(seconds=1)).date()
    else:
        last = max(days, default=None)
    return first, last


def range_label(first: date | None, last: date | None) -> str:
    """The "all" period written as the dates it covers: "2026-11-01 至 2026-11-30"."""
    if first is None or last is None:
        return ALL_TIME
    return f"{first.isoformat()} 至 {last.isoformat()}"


def report(
    session: Session,
    settings: Settings,
    by: GroupBy,
    period: Period,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    """One row per group and period; the "all" period carries its dates (`first`, `last`)."""
    tallies = load_tallies(session, by, settings.tz, start, end)
    groups = indices_from_tallies(
        tallies,
        period=period,
        strict=settings.survey_strict,
        min_sample=settings.survey_min_sample,
        weights=settings.composite_weights or None,
    )
    rows = [record(g) for g in groups]
    if period == "all":
        first, last = covered([day for _, day in tallies], settings.tz, start, end)
        dates = {"first": first.isoformat() if first else None}
        dates["last"] = last.isoformat() if last else None
        rows = [r | {"period": range_label(first, last)} | dates for r in rows]
    return rows


def export(
    session: Session,
    settings: Settings,
    groupings: Sequence[GroupBy],
    period: Period,
    out: Path,
    fmt: str,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    tables = {by: report(session, settings, by, period, start, end) for by in groupings}
    out.parent.mkdir(parents=True, exist_ok=True)
    shaped = {GROUP_TITLES.get(by, by): (COLUMNS, rows) for by, rows in tables.items()}
    (write_tables_xlsx if fmt == "xlsx" else write_table_csv)(out, shaped)
    return tables
