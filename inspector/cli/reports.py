"""`inspector report`: the managers' dashboard tables for a period, team, queue or agent."""

from __future__ import annotations

from pathlib import Path

import click

from inspector.cli.base import date_range, main, sessions_for, settings_for


@main.group("report")
def report_group() -> None:
    """Managers' reports: the dashboard's tables for a period, team, queue or agent."""


@report_group.command("dashboard")
@click.option(
    "--table",
    "names",
    multiple=True,
    help="agents, teams, qa_trend, failed_items, satisfaction, item_correlation, risk_flags, "
    "reasons, reason_trend, reason_satisfaction, reason_qa, emerging, fcr_reasons, fcr_agents, "
    "fcr_teams (repeat; default: all, one sheet each).",
)
@click.option("--period", type=click.Choice(["day", "week", "month", "all"]), default="week")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD), centre time zone.")
@click.option("--to", "end", default=None, help="Day after the last (YYYY-MM-DD).")
@click.option("--team", default=None)
@click.option("--queue", default=None)
@click.option("--agent", default=None)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def report_dashboard_cmd(
    ctx: click.Context,
    names: tuple[str, ...],
    period: str,
    start: str | None,
    end: str | None,
    team: str | None,
    queue: str | None,
    agent: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Export the dashboard's tables (the same code as its export buttons)."""
    from inspector.reports.dashboard import DashboardFilter, open_dashboard, scorecard_items
    from inspector.reports.dashboard_tables import TABLES, export
    from inspector.reports.facts import FactsCache

    settings = settings_for(ctx)
    since, until = date_range(settings, start, end)
    chosen = list(names) or list(TABLES)
    unknown = [n for n in chosen if n not in TABLES]
    if unknown:
        raise click.BadParameter(f"one of {', '.join(TABLES)}", param_hint="--table")
    f = DashboardFilter(since, until, team, queue, agent, period)
    out = out or settings.exports_dir / f"dashboard_{period}.{fmt}"
    sessions = sessions_for(settings)
    cache = FactsCache(sessions, settings.tz, scorecard_items(settings), background=False)
    with sessions() as session:
        d = open_dashboard(session, settings, cache, f, any(TABLES[n][2] for n in chosen))
        written = export(d, chosen, out, fmt)
    rows = sum(len(rows) for _, rows in written.values())
    click.echo(f"wrote {len(written)} tables, {rows} rows to {out}")


@report_group.command("reason-corrections")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD), centre time zone.")
@click.option("--to", "end", default=None, help="Day after the last (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def report_reason_corrections_cmd(
    ctx: click.Context, start: str | None, end: str | None, fmt: str, out: Path | None
) -> None:
    """Reviewers' corrections of call reasons, with the customer's words (masked): material to
    label into scoring/reason_data/ before `inspector models train-reasons`."""
    from inspector.reports.tables import write_table_csv, write_tables_xlsx
    from inspector.review.reasons import CORRECTION_COLUMNS, corrections

    settings = settings_for(ctx)
    since, until = date_range(settings, start, end)
    out = out or settings.exports_dir / f"reason_corrections.{fmt}"
    with sessions_for(settings)() as session:
        rows = corrections(session, since, until)
    out.parent.mkdir(parents=True, exist_ok=True)
    write = write_tables_xlsx if fmt == "xlsx" else write_table_csv
    write(out, {"来电原因更正": (list(CORRECTION_COLUMNS), rows)})
    click.echo(f"wrote {len(rows)} corrected calls to {out}")
