"""QA <-> satisfaction from the database: correlations, agent comparison, mismatch flags that
feed the review queue, gaming signals, and their export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.reports.satisfaction import sent_between, write_table_csv, write_tables_xlsx
from inspector.review.priority import update_priority
from inspector.settings import Settings
from inspector.store.models import Call, CallFlag, ItemResultRow, ScoreResult, SurveyResponse
from surveys.insights import (
    AgentComparison,
    GamingSignal,
    ItemCorrelation,
    ScoredSurvey,
    SurveyAnswer,
    agent_comparison,
    gaming_signals,
    item_correlations,
    mismatch,
)
from surveys.report import to_100

MISMATCH_FLAG = "qa_survey_mismatch"
LEVEL_LABEL = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def load_scored_surveys(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    call_pks: list[int] | None = None,
) -> list[ScoredSurvey]:
    """Answered surveys joined to a call that has a QA result (the reviewed score if any), of
    every call or only of those given."""
    query = sent_between(
        select(
            SurveyResponse.call_pk,
            Call.call_id,
            Call.agent_id,
            ScoreResult.id,
            ScoreResult.score,
            ScoreResult.final_score,
            ScoreResult.fatal,
            SurveyResponse.level,
            SurveyResponse.scale,
            SurveyResponse.score,
            SurveyResponse.response_key,
        )
        .join(Call, Call.id == SurveyResponse.call_pk)
        .join(ScoreResult, ScoreResult.call_pk == SurveyResponse.call_pk)
        .where(SurveyResponse.responded.is_(True), SurveyResponse.level.is_not(None)),
        start,
        end,
    )
    if call_pks is not None:
        query = query.where(SurveyResponse.call_pk.in_(call_pks))
    rows = session.execute(query).all()
    items: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    result_ids = sorted({r[3] for r in rows})
    for chunk in range(0, len(result_ids), 5000):
        ids = result_ids[chunk : chunk + 5000]
        for result_id, item_id, status in session.execute(
            select(ItemResultRow.result_id, ItemResultRow.item_id, ItemResultRow.status).where(
                ItemResultRow.result_id.in_(ids)
            )
        ):
            failed, applicable = items[result_id]
            if status != "not_applicable":
                applicable.add(item_id)
            if status == "failed":
                failed.add(item_id)
    out = []
    for call_pk, call_id, agent, result_id, score, final, fatal, level, scale, answer, key in rows:
        failed, applicable = items[result_id]
        out.append(
            ScoredSurvey(
                call_pk=call_pk,
                call_id=call_id,
                agent=agent,
                qa_score=float(final if final is not None else score),
                fatal=bool(fatal),
                level=level,
                satisfaction=to_100(scale, answer) if scale and answer is not None else 50.0,
                failed_items=frozenset(failed),
                applicable_items=frozenset(applicable),
                response_key=key,
            )
        )
    return out


def _mismatch_flag(s: ScoredSurvey, settings: Settings) -> CallFlag | None:
    kind = mismatch(
        s.qa_score,
        s.fatal,
        s.level,
        settings.survey_mismatch_qa_high,
        settings.survey_mismatch_qa_low,
    )
    if kind is None:
        return None
    text = f"客户评价「{LEVEL_LABEL.get(s.level, s.level)}」，质检得分 {s.qa_score:.0f}"
    return CallFlag(
        call_pk=s.call_pk,
        flag=MISMATCH_FLAG,
        evidence=[
            {
                "start": 0.0,
                "end": 0.0,
                "role": "customer",
                "text": text + ("（致命项）" if s.fatal else ""),
                "match": kind,
                "response_key": s.response_key,
            }
        ],
    )


def refresh_mismatch_flags(
    session: Session, settings: Settings, call_pks: list[int] | None = None
) -> int:
    """Recompute the QA/survey mismatch flags (all calls, or those given); returns how many."""
    query = delete(CallFlag).where(CallFlag.flag == MISMATCH_FLAG)
    if call_pks is not None:
        query = query.where(CallFlag.call_pk.in_(call_pks))
        before: set[int] = set()
    else:
        before = set(
            session.scalars(select(CallFlag.call_pk).where(CallFlag.flag == MISMATCH_FLAG))
        )
    session.execute(query)
    # only the calls asked about: a worker finishing one call must not read every survey
    surveys = load_scored_surveys(session, call_pks=call_pks)
    flags = [f for s in surveys if (f := _mismatch_flag(s, settings))]
    flagged: set[int] = set()
    for flag in flags:  # one flag per call even when several surveys disagree
        if flag.call_pk not in flagged:
            flagged.add(flag.call_pk)
            session.add(flag)
    session.flush()
    touched = set(call_pks) if call_pks is not None else flagged | before
    update_priority(session, touched)
    return len(flagged)


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
    return {
        "items": (ITEM_COLUMNS, items),
        "agents": (AGENT_COLUMNS, agents),
        "signals": (SIGNAL_COLUMNS, signals),
    }


def export_insights(result: Insights, out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_tables_xlsx(out, tables(result))
    else:
        write_table_csv(out, tables(result))
