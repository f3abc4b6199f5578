"""Satisfaction indices from the database, exported as CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.models import Call, SurveyResponse
from inspector.settings import Settings
from surveys.report import GroupBy, GroupIndices, Period, SurveyRow, indices

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
    ("small_sample", "样本不足"),
]
PERCENT = {"response_rate", "satisfied_rate", "dissatisfied_rate", "csat_top2"}


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
        )
        .outerjoin(Call, Call.id == SurveyResponse.call_pk)
        .where(SurveyResponse.sent_at.is_not(None))
    )
    if start is not None:
        query = query.where(SurveyResponse.sent_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.sent_at < end)
    return [SurveyRow(*row) for row in session.execute(query)]


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
        "small_sample": "是" if g.satisfied_rate.small_sample else "",
    }


def report(
    session: Session,
    settings: Settings,
    by: GroupBy,
    period: Period,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    rows = load_rows(session, start, end)
    groups = indices(
        rows,
        by=by,
        period=period,
        strict=settings.survey_strict,
        min_sample=settings.survey_min_sample,
        tz=settings.tz,
    )
    return [record(g) for g in groups]


def write_csv(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """CSV in UTF-8 with a BOM (Excel opens Chinese correctly); one block per grouping."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        for name, rows in tables.items():
            writer.writerow(["grouping", *[label for _, label in COLUMNS]])
            for row in rows:
                writer.writerow([name, *[_plain(row[key]) for key, _ in COLUMNS]])


def _plain(value: Any) -> Any:
    return "" if value is None else round(value, 4) if isinstance(value, float) else value


def write_xlsx(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """One sheet per grouping: a bold header, frozen panes, percent and number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([label for _, label in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row[key] for key, _ in COLUMNS])
        for index, (key, _) in enumerate(COLUMNS, start=1):
            fmt = (
                "0.0%"
                if key.split("_low")[0].split("_high")[0] in PERCENT
                else "0.0"
                if key.startswith(("nps", "mean", "csat_mean"))
                else None
            )
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, len(COLUMNS[index - 1][1]) * 2 + 2)
            if fmt:
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
        sheet.freeze_panes = "C2"
    book.save(path)


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
    (write_xlsx if fmt == "xlsx" else write_csv)(out, tables)
    return tables
