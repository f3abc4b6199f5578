"""`inspector serve` and `inspector demo`: the review UI (the CLI is the edge that starts it)."""

from __future__ import annotations

import click

from inspector.cli.base import COUNT, main, sessions_for, settings_for
from inspector.cli.batch import print_status
from inspector.cli.surveys import refresh_mismatches
from inspector.settings import Settings
from inspector.store.database import make_engine


def _serve(settings: Settings) -> None:
    """The production server (gunicorn, docs/serving.md) on the settings' host and port."""
    from inspector.store.database import analyze
    from web.serving import address, serve

    engine = make_engine(settings.database)
    analyze(engine)  # planner statistics for the queue's filters
    engine.dispose()
    click.echo(f"Review UI on http://{address(settings)}/  (Ctrl+C to stop)")
    serve(settings)


@main.command("serve")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=COUNT, default=None, help="Server processes (default: setting).")
@click.option("--threads", type=COUNT, default=None, help="Threads per process (setting).")
@click.pass_context
def serve_cmd(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    workers: int | str | None,
    threads: int | str | None,
) -> None:
    """Serve the review UI with gunicorn (threaded workers, sized from the cores)."""
    _serve(settings_for(ctx, host=host, port=port, web_workers=workers, web_threads=threads))


@main.command("demo")
@click.option("--workers", type=COUNT, default=None, help="Batch worker processes or auto.")
@click.option("--serve/--no-serve", default=True, help="Serve the UI at the end (default).")
@click.option("--port", type=int, default=None)
@click.pass_context
def demo_cmd(ctx: click.Context, workers: int | str | None, serve: bool, port: int | None) -> None:
    """Ingest the bundled fixture recordings, process them and serve the review UI."""
    from inspector.batch.ingest import ingest
    from inspector.batch.worker import run_workers

    settings = settings_for(ctx, port=port)
    manifest = settings.fixture_dir / "manifest.csv"
    source = manifest if manifest.exists() else settings.fixture_dir
    report = ingest(sessions_for(settings), settings, source)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"ingest {source}: {report.summary()}")
    click.echo(run_workers(settings, workers=workers, burst=True).summary())  # type: ignore[arg-type]
    from inspector.surveys.imports import analyse_comments, import_surveys

    surveys = settings.fixture_dir.parent / "surveys"
    for profile in ("ivr_3level", "sms_10point"):
        export = surveys / f"{profile}.csv"
        if export.exists():
            report = import_surveys(sessions_for(settings), settings, export, profile)
            click.echo(f"surveys {export.name}: {report.summary()}")
    click.echo(f"{analyse_comments(sessions_for(settings))} survey comments analysed")
    click.echo(f"{refresh_mismatches(settings)} calls flagged where QA and the survey disagree")
    from inspector.accounts import demo_users

    with sessions_for(settings).begin() as session:
        accounts = demo_users(session)
    click.echo("demo accounts (passwords are new on every demo run):")
    for username, role, password in accounts:
        click.echo(f"  {username:<8} {role:<8} {password}")
    print_status(settings)
    if serve:
        _serve(settings)
