"""The dashboard's export tables: one XLSX sheet or CSV block each, the same for the
dashboard's export buttons and `inspector report dashboard`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from inspector.reports.dashboard import (
    Dashboard,
    failed_items,
    item_correlation,
    league,
    qa_scores,
    risk_flags,
    satisfaction,
)
from inspector.reports.insights import ITEM_COLUMNS
from inspector.reports.tables import Table, write_table_csv, write_tables_xlsx

FLAG_LABELS = {"complaint_risk": "投诉风险", "churn_risk": "离网风险", "customer_anger": "客户愤怒"}
LEAGUE_COLUMNS = [
    ("rank", "排名"),
    ("calls", "通话数"),
    ("qa_mean", "质检均分"),
    ("fatal", "致命项通话"),
    ("fatal_rate", "致命率"),
    *FLAG_LABELS.items(),
    ("responses", "参评数"),
    ("satisfied_rate", "满意率"),
    ("satisfied_rate_low", "满意率下限"),
    ("satisfied_rate_high", "满意率上限"),
    ("dissatisfied_rate", "不满意率"),
    ("nps", "NPS"),
    ("small_sample", "样本不足"),
]
TABLES: dict[str, tuple[str, Callable[[Dashboard], Table], bool]] = {}


def _table(name: str, title: str, surveys: bool) -> Callable:
    def wrap(fn: Callable[[Dashboard], Table]) -> Callable[[Dashboard], Table]:
        TABLES[name] = (title, fn, surveys)
        return fn

    return wrap


@_table("agents", "坐席排名", True)
def agents_table(d: Dashboard) -> Table:
    columns = [("agent", "坐席"), ("team", "班组"), *LEAGUE_COLUMNS]
    return columns, league(d, "agent")["rows"]


@_table("teams", "班组排名", True)
def teams_table(d: Dashboard) -> Table:
    return [("team", "班组"), *LEAGUE_COLUMNS], league(d, "team")["rows"]


@_table("qa_trend", "质检趋势", False)
def qa_trend_table(d: Dashboard) -> Table:
    columns = [
        ("period", "周期"),
        ("calls", "通话数"),
        ("mean_score", "质检均分"),
        ("fatal", "致命项通话"),
        ("fatal_rate", "致命率"),
    ]
    return columns, qa_scores(d)["trend"]


@_table("failed_items", "高频扣分项", False)
def failed_items_table(d: Dashboard) -> Table:
    columns = [
        ("item_id", "质检项"),
        ("title", "名称"),
        ("failed", "不合格数"),
        ("applicable", "适用数"),
        ("failed_rate", "不合格率"),
    ]
    return columns, failed_items(d, top=1000)


@_table("satisfaction", "满意度趋势", True)
def satisfaction_table(d: Dashboard) -> Table:
    columns = [
        ("period", "周期"),
        ("invitations", "邀评数"),
        ("responses", "参评数"),
        ("response_rate", "参评率"),
        ("satisfied_rate", "满意率"),
        ("satisfied_rate_low", "满意率下限"),
        ("satisfied_rate_high", "满意率上限"),
        ("dissatisfied_rate", "不满意率"),
        ("csat_top2", "CSAT"),
        ("nps", "NPS"),
        ("nps_low", "NPS 下限"),
        ("nps_high", "NPS 上限"),
        ("small_sample", "样本不足"),
    ]
    return columns, satisfaction(d)["trend"]


@_table("item_correlation", "扣分项与不满意", True)
def item_correlation_table(d: Dashboard) -> Table:
    # the columns of `inspector surveys insights`, with the item's name
    return [ITEM_COLUMNS[0], ("title", "名称"), *ITEM_COLUMNS[1:]], item_correlation(d)


@_table("risk_flags", "风险标记趋势", False)
def risk_flags_table(d: Dashboard) -> Table:
    result = risk_flags(d)
    columns = [("period", "周期"), ("calls", "通话数")]
    columns += [(f, FLAG_LABELS.get(f, f)) for f in result["flags"]]
    return columns, result["trend"]


def tables(d: Dashboard, names: Sequence[str]) -> dict[str, Table]:
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {', '.join(unknown)}; one of {', '.join(TABLES)}")
    return {TABLES[n][0]: TABLES[n][1](d) for n in names}


def export(d: Dashboard, names: Sequence[str], out: Path, fmt: str) -> dict[str, Table]:
    """Write the tables as XLSX (a sheet each) or CSV (UTF-8 with BOM, a block each)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")
    chosen = tables(d, names)
    out.parent.mkdir(parents=True, exist_ok=True)
    (write_tables_xlsx if fmt == "xlsx" else write_table_csv)(out, chosen)
    return chosen
