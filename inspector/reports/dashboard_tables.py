"""The dashboard's export tables: one XLSX sheet or CSV block each, the same for the
dashboard's export buttons and `inspector report dashboard`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from inspector.reports import reasons
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
from inspector.reports.league import waiting_key
from inspector.reports.satisfaction import COLUMNS as SURVEY_COLUMNS
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
    columns = [("agent", "坐席"), ("agent_name", "坐席姓名"), ("team", "班组"), *LEAGUE_COLUMNS]
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
        ("small_sample", "样本少"),
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
    for f in result["flags"]:
        title = FLAG_LABELS.get(f, f)
        columns += [(f, title), (waiting_key(f), f"{title}（待确认）")]
    return columns, result["trend"]


@_table("reasons", "来电原因", False)
def reasons_table(d: Dashboard) -> Table:
    columns = [
        ("reason", "原因代码"),
        ("label", "来电原因"),
        ("calls", "通话数"),
        ("share", "占比"),
    ]
    return columns, reasons.volume(d)["reasons"]


@_table("reason_trend", "来电原因趋势", False)
def reason_trend_table(d: Dashboard) -> Table:
    result = reasons.volume(d)
    columns = [("period", "周期"), ("calls", "通话数"), *result["labels"].items()]
    return columns, result["trend"]


@_table("reason_satisfaction", "来电原因与满意度", True)
def reason_satisfaction_table(d: Dashboard) -> Table:
    # the survey report's own headers for the same figures
    keys = ("invitations", "responses", "satisfied_rate", "dissatisfied_rate", "small_sample")
    shown = [c for c in SURVEY_COLUMNS if c[0].removesuffix("_low").removesuffix("_high") in keys]
    columns = [("label", "来电原因"), *shown]
    return columns, reasons.satisfaction(d)


@_table("reason_qa", "来电原因与质检", False)
def reason_qa_table(d: Dashboard) -> Table:
    columns = [
        ("label", "来电原因"),
        ("calls", "通话数"),
        ("qa_mean", "质检均分"),
        ("fatal_rate", "致命率"),
        ("top_failed", "高频扣分项（不合格率）"),
    ]
    return columns, reasons.qa(d)


@_table("emerging", "新兴问题预警", False)
def emerging_table(d: Dashboard) -> Table:
    columns = [
        ("kind", "类型"),
        ("label", "原因或热词"),
        ("since", "起始日"),
        ("recent", "近期通话数"),
        ("recent_calls", "近期总通话"),
        ("expected", "按基线期望"),
        ("ratio", "倍数"),
        ("p_value", "p 值"),
        ("phrases", "相关热词"),
        ("examples", "示例通话"),
    ]
    rows = [
        a
        | {
            "kind": "来电原因" if a["kind"] == "reason" else "热词",
            "phrases": "、".join(a["phrases"]),
            "examples": ", ".join(e["call_id"] for e in a["examples"]),
        }
        for a in reasons.emerging(d)["alerts"]
    ]
    return columns, rows


FCR_COLUMNS = [
    ("contacts", "首次来电（原因）数"),
    ("repeats", "重复来电数"),
    ("fcr", "一次解决率"),
    ("fcr_low", "下限"),
    ("fcr_high", "上限"),
    ("small_sample", "样本不足"),
]


@_table("fcr_reasons", "一次解决率-来电原因", False)
def fcr_reasons_table(d: Dashboard) -> Table:
    return [("label", "来电原因"), *FCR_COLUMNS], reasons.first_contact(d, "reason")


@_table("fcr_agents", "一次解决率-坐席", False)
def fcr_agents_table(d: Dashboard) -> Table:
    columns = [("agent", "坐席"), ("agent_name", "坐席姓名"), *FCR_COLUMNS]
    return columns, reasons.first_contact(d, "agent")


@_table("fcr_teams", "一次解决率-班组", False)
def fcr_teams_table(d: Dashboard) -> Table:
    return [("team", "班组"), *FCR_COLUMNS], reasons.first_contact(d, "team")


def _worded(table: Table) -> Table:
    """The small-sample marker as a word in the sheet (a boolean in the dashboard's JSON)."""
    columns, rows = table
    return columns, [
        r | {"small_sample": "是" if r["small_sample"] else ""}
        if isinstance(r.get("small_sample"), bool)
        else r
        for r in rows
    ]


def tables(d: Dashboard, names: Sequence[str]) -> dict[str, Table]:
    """The chosen tables by their Chinese titles (the sheet names)."""
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {', '.join(unknown)}; one of {', '.join(TABLES)}")
    return {TABLES[n][0]: _worded(TABLES[n][1](d)) for n in names}


def export(d: Dashboard, names: Sequence[str], out: Path, fmt: str) -> dict[str, Table]:
    """Write the tables as XLSX (a sheet each) or CSV (UTF-8 with BOM, a block each)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")
    chosen = tables(d, names)
    out.parent.mkdir(parents=True, exist_ok=True)
    (write_tables_xlsx if fmt == "xlsx" else write_table_csv)(out, chosen)
    return chosen
