"""Managers' area: satisfaction indices on screen and their export (the CLI's export code)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file

from inspector.manifest import parse_range
from inspector.surveys_report import COLUMNS, export, report
from web.auth import MANAGERS, requires

bp = Blueprint("manage", __name__, url_prefix="/manage", template_folder="../templates")

GROUPINGS = ("agent", "team", "queue", "overall")
PERIODS = ("day", "week", "month", "all")


def _choices():
    settings = current_app.extensions["inspector.settings"]
    by = request.args.get("by", "agent")
    period = request.args.get("period", "week")
    if by not in GROUPINGS or period not in PERIODS:
        abort(400, f"by must be one of {GROUPINGS}, period one of {PERIODS}")
    try:
        start, end = parse_range(request.args.get("from"), request.args.get("to"), settings.tz)
    except ValueError:
        abort(400, "from/to must be dates (YYYY-MM-DD)")
    return settings, by, period, start, end


@bp.get("/satisfaction")
@requires(*MANAGERS)
def satisfaction() -> str:
    settings, by, period, start, end = _choices()
    with current_app.extensions["inspector.sessions"]() as session:
        rows = report(session, settings, by, period, start, end)
    return render_template(
        "manage/satisfaction.html",
        rows=rows,
        columns=COLUMNS,
        by=by,
        period=period,
        groupings=GROUPINGS,
        periods=PERIODS,
        args=request.args,
    )


@bp.get("/satisfaction/export")
@requires(*MANAGERS)
def satisfaction_export():
    settings, by, period, start, end = _choices()
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(400, "format must be xlsx or csv")
    groupings = [g for g in request.args.getlist("by") if g in GROUPINGS] or [by]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"satisfaction_{'_'.join(groupings)}_{period}.{fmt}"
        with current_app.extensions["inspector.sessions"]() as session:
            export(session, settings, groupings, period, out, fmt, start, end)
        data = out.read_bytes()
    mime = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    import io

    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=out.name)
