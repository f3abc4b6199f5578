"""Managers' area: satisfaction indices on screen and their export (the CLI's export code)."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _

from inspector.batch.manifest import parse_range
from inspector.reports.satisfaction import export, report
from web.access import MANAGERS, requires, sessions, settings
from web.manage import bp
from web.manage.words import (
    PERCENT_COLUMNS,
    SATISFACTION_COLUMNS,
    TABLE_TITLES,
    dashboard_words,
    satisfaction_words,
)

GROUPINGS = ("agent", "team", "queue", "overall")
PERIODS = ("day", "week", "month", "all")


def _choices():
    config = settings()
    by = request.args.get("by", "agent")
    period = request.args.get("period", "week")
    if by not in GROUPINGS or period not in PERIODS:
        abort(400, _("Choose a grouping and a period from the lists."))
    start, end = _range(config)
    return config, by, period, start, end


def _range(config):  # type: ignore[no-untyped-def]
    """The from/to filter; a "to" date counts whole (from=to=one day is that day)."""
    a = request.args
    try:
        start, end = parse_range(a.get("from"), a.get("to"), config.tz)
    except ValueError:
        abort(400, _("From and to must be dates (YYYY-MM-DD)."))
    if end is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.get("to", "").strip()):
        end = (end.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=end.tzinfo)
    return start, end


@bp.get("/satisfaction")
@requires(*MANAGERS)
def satisfaction() -> str:
    config, by, period, start, end = _choices()
    with sessions()() as session:
        rows = report(session, config, by, period, start, end)
        names = _agent_names(session) if by == "agent" else {}
    return render_template(
        "manage/satisfaction.html",
        rows=rows,
        columns=SATISFACTION_COLUMNS,
        percent=PERCENT_COLUMNS,
        by=by,
        period=period,
        groupings=GROUPINGS,
        periods=PERIODS,
        args=request.args,
        names=names,
        words=satisfaction_words(names),
        min_sample=config.survey_min_sample,
    )


def _agent_names(session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Agent code -> name from the dashboard's cached facts (no query per row)."""
    facts = current_app.extensions["inspector.dashboard"].get(session, with_surveys=False)
    return facts.calls.agent_names


@bp.get("/satisfaction/export")
@requires(*MANAGERS)
def satisfaction_export():
    config, by, period, start, end = _choices()
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(400, _("The format must be XLSX or CSV."))
    groupings = [g for g in request.args.getlist("by") if g in GROUPINGS] or [by]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"satisfaction_{'_'.join(groupings)}_{period}.{fmt}"
        with sessions()() as session:
            export(session, config, groupings, period, out, fmt, start, end)
        data = out.read_bytes()
    mime = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    import io

    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=out.name)


# -- the dashboard -----------------------------------------------------------------------------


def _dashboard_filter():  # type: ignore[no-untyped-def]
    from inspector.reports.dashboard import DashboardFilter

    a = request.args
    start, end = _range(settings())
    try:
        return DashboardFilter(
            start=start,
            end=end,
            team=a.get("team") or None,
            queue=a.get("queue") or None,
            agent=a.get("agent") or None,
            period=a.get("period", "week"),
        )
    except ValueError:
        abort(400, _("Choose a period from the list."))


def _open(session, with_surveys: bool = True):  # type: ignore[no-untyped-def]
    from inspector.reports.dashboard import open_dashboard

    return open_dashboard(
        session,
        settings(),
        current_app.extensions["inspector.dashboard"],
        _dashboard_filter(),
        with_surveys,
        current_app.extensions["inspector.scorecard"].get(),
    )


@bp.get("/dashboard")
@requires(*MANAGERS)
def dashboard() -> str:
    from inspector.reports.dashboard import PERIODS, options
    from inspector.reports.dashboard_tables import TABLES

    f = _dashboard_filter()
    with sessions()() as session:
        facts = current_app.extensions["inspector.dashboard"].get(session, with_surveys=False)
        choices = options(facts.calls)
    config = settings()
    return render_template(
        "manage/dashboard.html",
        f=f,
        args=request.args,
        choices=choices,
        periods=PERIODS,
        tables={name: TABLE_TITLES.get(name, title) for name, (title, _s, _c) in TABLES.items()},
        words=dashboard_words(config, choices["agent_names"]),
        timezone=config.timezone,
        strict=config.survey_strict,
        fcr_days=config.fcr_window_days,
        min_sample=config.survey_min_sample,
    )


API = {
    "qa": ("qa_scores", False),
    "items": ("failed_items", False),
    "satisfaction": ("satisfaction", True),
    "correlation": ("item_correlation", True),
    "agents": ("agents", True),
    "teams": ("teams", True),
    "flags": ("risk_flags", False),
}
#: the call-reason panels (inspector/reports/reasons.py)
REASON_API = {
    "reasons": ("volume", False),
    "reason_satisfaction": ("satisfaction", True),
    "reason_qa": ("qa", False),
    "emerging": ("emerging", False),
    "fcr": ("fcr_all", False),
}


@bp.get("/api/<name>")
@requires(*MANAGERS)
def api(name: str):  # type: ignore[no-untyped-def]
    """One chart's data as JSON, for the filters in the query string."""
    from flask import jsonify

    from inspector.reports import dashboard as board
    from inspector.reports import reasons

    if name not in API and name not in REASON_API:
        abort(404)
    function, surveys = API[name] if name in API else REASON_API[name]

    def compute() -> dict[str, Any]:
        if name in REASON_API:
            data = getattr(reasons, function)(d)
        elif name in ("agents", "teams"):
            data = board.league(d, name.removesuffix("s"))
        else:
            data = getattr(board, function)(d)
        return data if isinstance(data, dict) else {"rows": data}

    with sessions()() as session:
        d = _open(session, surveys)
    key = (name, tuple(sorted(request.args.items(multi=True))))
    data = current_app.extensions["inspector.chart_answers"].get(d.facts, key, compute)
    # how fresh the figures are: reviews and new results show once the background read is done
    return jsonify(data | {"as_of": d.facts.as_of.isoformat(), "refreshing": d.facts.refreshing})


@bp.get("/dashboard/export")
@requires(*MANAGERS)
def dashboard_export():  # type: ignore[no-untyped-def]
    """The dashboard's tables as XLSX or CSV (the code `inspector report dashboard` runs)."""
    from inspector.reports.dashboard_tables import TABLES, export

    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(400, _("The format must be XLSX or CSV."))
    names = request.args.getlist("table") or list(TABLES)
    if any(n not in TABLES for n in names):
        abort(400, _("Choose tables from the dashboard's list."))
    surveys = any(TABLES[n][2] for n in names)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"dashboard_{'_'.join(names) if len(names) < 3 else 'all'}.{fmt}"
        with sessions()() as session:
            export(_open(session, surveys), names, out, fmt)
        data = out.read_bytes()
    import io

    return send_file(
        io.BytesIO(data), mimetype=_MIME[fmt], as_attachment=True, download_name=out.name
    )


_MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
