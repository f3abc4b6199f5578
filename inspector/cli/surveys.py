"""`inspector surveys`: import survey exports, satisfaction indices, QA/survey insights."""

from __future__ import annotations

from pathlib import Path

import click

from inspector.cli.base import date_range, main, sessions_for, settings_for
from inspector.settings import Settings


@main.group("surveys")
def surveys_group() -> None:
    """Post-call satisfaction surveys."""


@surveys_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    default="auto",
    show_default=True,
    help="Column mapping: a built-in name (ivr_3level, sms_10point ...), a YAML path, or auto "
    "(columns recognised by their names, the scale by the answers).",
)
@click.option(
    "--no-comments",
    is_flag=True,
    help="Skip comment sentiment and reasons (run a later import to fill them in).",
)
@click.pass_context
def surveys_import_cmd(ctx: click.Context, file: Path, profile: str, no_comments: bool) -> None:
    """Import a CSV/XLSX survey export, join each response to its call, analyse comments."""
    from inspector.surveys.imports import analyse_comments, import_surveys

    settings = settings_for(ctx)
    sessions = sessions_for(settings)
    report = import_surveys(sessions, settings, file, profile)
    click.echo(f"{file}: read as {report.encoding}")
    if report.mapping:
        used = ", ".join(f"{name[:-7]} <- {column}" for name, column in report.mapping.items())
        click.echo(f"columns recognised: {used}")
    for error in report.errors[:20]:
        click.echo(f"error: {file}: {error}", err=True)
    if report.error_file:
        click.echo(f"all bad rows written to {report.error_file}", err=True)
    click.echo(report.summary())
    if not no_comments:
        click.echo(f"{analyse_comments(sessions)} comments given sentiment and reason")
    click.echo(f"{refresh_mismatches(settings)} calls flagged where QA and the survey disagree")


def refresh_mismatches(settings: Settings) -> int:
    from inspector.review.mismatch import refresh_mismatch_flags

    with sessions_for(settings).begin() as session:
        return refresh_mismatch_flags(session, settings)


@surveys_group.command("insights")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD), centre time zone.")
@click.option("--to", "end", default=None, help="Day after the last (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def surveys_insights_cmd(
    ctx: click.Context, start: str | None, end: str | None, fmt: str, out: Path | None
) -> None:
    """QA <-> satisfaction: item correlations, agents' QA vs 满意率, survey gaming signals."""
    from inspector.reports.insights import export_insights, insights

    settings = settings_for(ctx)
    since, until = date_range(settings, start, end)
    with sessions_for(settings)() as session:
        result = insights(session, settings, since, until)
    out = out or settings.exports_dir / f"qa_satisfaction.{fmt}"
    export_insights(result, out, fmt)
    click.echo(f"{result.surveys} answered surveys with a QA result")
    for c in result.items[:5]:
        r = "n/a" if c.point_biserial is None else f"{c.point_biserial:+.2f}"
        click.echo(f"  {c.item_id}: failed {c.failed}/{c.n}, r(fail, dissatisfaction) = {r}")
    rho = result.agents.spearman
    click.echo(
        f"agents: QA mean vs 满意率 Spearman rho = {'n/a' if rho is None else f'{rho:+.2f}'} "
        f"over {len(result.agents.agents)} agents"
    )
    for s in result.signals:
        click.echo(f"  signal {s.kind}: {s.agent}: {s.detail}")
    click.echo(f"wrote {out}")


@surveys_group.command("export")
@click.option(
    "--by",
    "groupings",
    multiple=True,
    default=("agent",),
    type=click.Choice(["agent", "team", "queue", "overall"]),
    help="Grouping (repeat for several: one sheet each).",
)
@click.option("--period", type=click.Choice(["day", "week", "month", "all"]), default="week")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD), centre time zone.")
@click.option("--to", "end", default=None, help="Day after the last (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def surveys_export_cmd(
    ctx: click.Context,
    groupings: tuple[str, ...],
    period: str,
    start: str | None,
    end: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Export satisfaction indices (参评率, 满意率, 不满意率, CSAT, NPS) with 95 % intervals."""
    from inspector.reports.satisfaction import export

    settings = settings_for(ctx)
    since, until = date_range(settings, start, end)
    out = out or settings.exports_dir / f"satisfaction_{'_'.join(groupings)}_{period}.{fmt}"
    with sessions_for(settings)() as session:
        tables = export(session, settings, list(groupings), period, out, fmt, since, until)
    rows = sum(len(t) for t in tables.values())
    click.echo(f"wrote {rows} rows ({', '.join(groupings)} by {period}) to {out}")
