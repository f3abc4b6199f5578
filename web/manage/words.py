"""The managers' pages' words: column headers, table titles, and the words the dashboard and
satisfaction scripts draw with (rendered into the page as JSON: scripts carry no language)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inspector.settings import Settings
from surveys.report import UNMATCHED
from web.labels import LABELS

#: the dashboard's export tables by name (their sheet names stay the Chinese titles)
TABLE_TITLES = {
    "agents": _l("Agent ranking"),
    "teams": _l("Team ranking"),
    "qa_trend": _l("QA trend"),
    "failed_items": _l("Most failed items"),
    "satisfaction": _l("Satisfaction trend"),
    "item_correlation": _l("Items and dissatisfaction"),
    "risk_flags": _l("Risk flag trend"),
    "reasons": _l("Call reasons"),
    "reason_trend": _l("Call reason trend"),
    "reason_satisfaction": _l("Call reasons and satisfaction"),
    "reason_qa": _l("Call reasons and QA"),
    "emerging": _l("Emerging issues"),
    "fcr_reasons": _l("FCR by call reason"),
    "fcr_agents": _l("FCR by agent"),
    "fcr_teams": _l("FCR by team"),
}

#: the satisfaction report's columns as the page shows them (the export keeps its own headers)
SATISFACTION_COLUMNS = [
    ("group", _l("Group")),
    ("period", _l("Period")),
    ("invitations", _l("Invitations")),
    ("responses", _l("Responses")),
    ("response_rate", _l("Response rate")),
    ("satisfied_rate", _l("Satisfied rate")),
    ("satisfied_rate_low", _l("Low")),
    ("satisfied_rate_high", _l("High")),
    ("dissatisfied_rate", _l("Dissatisfied rate")),
    ("csat_top2", _l("CSAT")),
    ("csat_mean", _l("CSAT mean")),
    ("nps", _l("NPS")),
    ("nps_low", _l("Low")),
    ("nps_high", _l("High")),
    ("composite", _l("Composite index")),
]
#: columns shown as percentages (the rest as numbers)
PERCENT_COLUMNS = {
    "response_rate",
    "satisfied_rate",
    "satisfied_rate_low",
    "satisfied_rate_high",
    "dissatisfied_rate",
    "csat_top2",
}


def _common(agent_names: dict[str, str]) -> dict[str, Any]:
    return {
        "agent_name": _("%(name)s (%(code)s)"),
        "agent_names": agent_names,
        "range": _("%(first)s to %(last)s"),
        "small": _("Small sample"),
        "small_note": _("Fewer responses or calls than the minimum sample: read with care"),
        "no_data": _("No data"),
        "satisfied_pct": _("Satisfied rate %"),
        "low": _("Low"),
        "high": _("High"),
    }


def satisfaction_words(agent_names: dict[str, str]) -> dict[str, Any]:
    """What satisfaction.js writes on its chart."""
    return _common(agent_names) | {
        "nps": _("NPS"),
        "responses": _("Responses"),
        # surveys that were joined to no call form a group of their own
        "unmatched": UNMATCHED,
        "unmatched_label": _("Not joined to a call"),
    }


def dashboard_words(settings: Settings, agent_names: dict[str, str]) -> dict[str, Any]:
    """What dashboard.js writes: headers, chart labels, notes, and the flags' names."""
    return _common(agent_names) | {
        "loading_failed": _("Loading failed: %(error)s"),
        "as_of": _("Data as of %(time)s (%(zone)s)"),
        "refreshing": _("(updating)"),
        "rank": "#",
        "agent": _("Agent"),
        "team": _("Team"),
        "calls": _("Calls"),
        "qa_mean": _("QA mean"),
        "fatal": _("Fatal calls"),
        "fatal_rate": _("Fatal rate"),
        "complaint_risk": str(LABELS["flag"]["complaint_risk"]),
        "churn_risk": str(LABELS["flag"]["churn_risk"]),
        "responses": _("Responses"),
        "satisfied_rate": _("Satisfied rate"),
        "dissatisfied_rate": _("Dissatisfied rate"),
        "nps": _("NPS"),
        "csat_pct": _("CSAT %"),
        "item": _("Scorecard item"),
        "n": _("Sample size"),
        "failed": _("Failed"),
        "failure_rate_pct": _("Failure rate %"),
        "dissatisfied_if_failed": _("Dissatisfied when failed"),
        "dissatisfied_if_passed": _("Dissatisfied when passed"),
        "dissatisfied_if_failed_pct": _("Dissatisfied when failed %"),
        "dissatisfied_if_passed_pct": _("Dissatisfied when passed %"),
        "not_enough": _("Not enough data"),
        "not_enough_note": _(
            "A correlation needs dissatisfied and other customers among both the failed and "
            "the passed calls"
        ),
        "reason": _("Call reason"),
        "share": _("Share"),
        "top_failed": _("Most failed items (failure rate)"),
        "contacts": _("First calls"),
        "repeats": _("Repeat calls"),
        "fcr": _("First-contact resolution"),
        "fcr_kpi": _("FCR (%(days)s days)"),
        "fcr_note": _(
            "A call counts as not resolved when the same customer calls again about the same "
            "reason within %(days)s days"
        ),
        "qa_axis": _("QA mean"),
        "agents_set": _("Agents"),
        "agent_point": _("%(agent)s: QA %(qa)s, satisfied %(rate)s (n=%(n)s)"),
        "spearman": _("Spearman ρ = %(rho)s (p = %(p)s)"),
        "per_hundred": _("Calls flagged per 100"),
        "flag_point": _("%(flag)s: %(rate)s per 100 (%(n)s calls, %(waiting)s to confirm)"),
        "flags_waiting": _("Waiting for a reviewer's decision: %(list)s"),
        "flag_calls": _("%(flag)s %(n)s"),
        "list_sep": _(", "),
        "flags_waiting_none": _("No flag waits for a reviewer's decision"),
        "emerging_note_day": _("The last day against the four weeks before"),
        "emerging_note_week": _("The last week against the four weeks before"),
        "emerging_none": _("No significant rise"),
        "emerging_reason": _("Call reason"),
        "emerging_phrase": _("Phrase"),
        "emerging_alert": _(
            "since %(since)s: %(recent)s calls of %(total)s, %(expected)s expected from the "
            "baseline, %(ratio)s times, p = %(p)s"
        ),
        "emerging_phrases": _("; related phrases: %(phrases)s"),
        "emerging_examples": _("; examples:"),
        "snapshot_title": _("Hotline Inspector dashboard"),
        "snapshot_filters": _("Filters: %(filters)s    Made: %(time)s (%(zone)s)"),
        "all": _("All"),
        "flags": {key: str(value) for key, value in LABELS["flag"].items()},
        "min_sample": settings.survey_min_sample,
    }
