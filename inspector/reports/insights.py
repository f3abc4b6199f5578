"""QA <-> satisfaction from the database: correlations, agent comparison, gaming signals, and
their export (the mismatch flag that feeds the review queue is inspector.review.mismatch)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.reports.tables import write_table_csv, write_tables_xlsx
from inspector.settings import Settings
from inspector.store.models import Call, ItemResultRow, ScoreResult, SurveyResponse
from inspector.surveys.queries import load_scored_surveys, sent_between
from surveys.insights import (
    AgentComparison,
    GamingSignal,
    ItemCorrelation,
    SurveyAnswer,
    agent_comparison,
    gaming_signals,
    item_correlations,
)


def load_answers(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> list[SurveyAnswer]:
    query = sent_between(
        select(
            SurveyResponse.response_key,
            Call.agent_id,
            SurveyResponse.scale,
            SurveyResponse.score,
            SurveyResponse.sent_at,
            SurveyResponse.answered_at,
        ).outerjoin(Call, Call.id == SurveyResponse.call_pk),
        start,
        end,
    )
    return [SurveyAnswer(*row) for row in session.execute(query)]


def solicitation_calls(session: Session, item_id: str) -> dict[str, list[str]]:
    """Agent -> call ids whose current QA result failed the score-solicitation item."""
    query = (
        select(Call.agent_id, Call.call_id)
        .join(ScoreResult, ScoreResult.call_pk == Call.id)
        .join(ItemResultRow, ItemResultRow.result_id == ScoreResult.id)
        .where(ItemResultRow.item_id == item_id, ItemResultRow.status == "failed")
        .where(Call.is_current.is_(True))
    )
    out: dict[str, list[str]] = defaultdict(list)
    for agent, call_id in session.execute(query):
        out[agent or "(none)"].append(call_id)
    return dict(out)


@dataclass(frozen=True)
class Insights:
    items: list[ItemCorrelation]
    agents: AgentComparison
    signals: list[GamingSignal]
    surveys: int


def insights(
    session: Session,
    settings: Settings,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Insights:
    surveys = load_scored_surveys(session, start, end)
    return Insights(
        items=item_correlations(surveys, settings.survey_min_sample),
        agents=agent_comparison(
            surveys, strict=settings.survey_strict, min_sample=settings.survey_min_sample
        ),
        signals=gaming_signals(
            load_answers(session, start, end),
            solicitation_calls(session, settings.survey_solicitation_item),
            fast_s=settings.survey_fast_answer_s,
            min_sample=settings.survey_min_sample,
        ),
        surveys=len(surveys),
    )


ITEM_COLUMNS = [
    ("item_id", "质检项"),
    ("n", "样本数"),
    ("failed", "不合格数"),
    ("dissatisfied_if_failed", "不合格时不满意率"),
    ("dissatisfied_if_passed", "合格时不满意率"),
    ("point_biserial", "点二列相关 r"),
    ("point_biserial_p", "r 的 p 值"),
    ("spearman", "Spearman ρ"),
    ("spearman_p", "ρ 的 p 值"),
]
AGENT_COLUMNS = [
    ("agent", "坐席"),
    ("n", "样本数"),
    ("qa_mean", "质检均分"),
    ("satisfied_rate", "满意率"),
    ("satisfied_rate_low", "满意率下限"),
    ("satisfied_rate_high", "满意率上限"),
]
SIGNAL_COLUMNS = [("agent", "坐席"), ("kind", "信号"), ("detail", "说明"), ("evidence", "证据")]


def tables(result: Insights) -> dict[str, tuple[list[tuple[str, str]], list[dict[str, Any]]]]:
    items = [
        {
            "item_id": c.item_id,
            "n": c.n,
            "failed": c.failed,
            "dissatisfied_if_failed": c.dissatisfied_if_failed.value,
            "dissatisfied_if_passed": c.dissatisfied_if_passed.value,
            "point_biserial": c.point_biserial,
            "point_biserial_p": c.point_biserial_p,
            "spearman": c.spearman,
            "spearman_p": c.spearman_p,
        }
        for c in result.items
    ]
    agents = [
        {
            "agent": a.agent,
            "n": a.n,
            "qa_mean": a.qa_mean,
            "satisfied_rate": a.satisfied_rate.value,
            "satisfied_rate_low": a.satisfied_rate.low,
            "satisfied_rate_high": a.satisfied_rate.high,
        }
        for a in result.agents.agents
    ]
    signals = [
        {"agent": s.agent, "kind": s.kind, "detail": s.detail, "evidence": " ".join(s.evidence)}
        for s in result.signals
    ]
    return {  # the XLSX sheets' names, as a manager reads them
        "质检项与满意度": (ITEM_COLUMNS, items),
        "坐席": (AGENT_COLUMNS, agents),
        "评论信号": (SIGNAL_COLUMNS, signals),
    }


def export_insights(result: Insights, out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_tables_xlsx(out, tables(result))
    else:
        write_table_csv(out, tables(result))
