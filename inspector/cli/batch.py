"""Batch commands: ingest, work, the Celery worker and dispatcher, status, retry, score, export."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from inspector.batch import jobs
from inspector.cli.base import COUNT, main, sessions_for, settings_for
from inspector.settings import Settings, load_settings


@main.command("ingest")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["local", "celery"]),
    default=None,
    help="celery: send the calls to the Celery queues (default: the engine setting).",
)
@click.pass_context
def ingest_cmd(ctx: click.Context, path: Path, engine: str | None) -> None:
    """Ingest a folder of recordings, a manifest (.csv/.jsonl) or one recording."""
    from inspector.batch.ingest import ingest

    settings = settings_for(ctx, **({"engine": engine} if engine else {}))
    report = ingest(sessions_for(settings), settings, path)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(report.summary())
    if settings.engine == "celery":
        _dispatch(settings, follow=False)


def _dispatch(settings: Settings, follow: bool) -> None:
    from inspector.batch.tasks import dispatch, make_celery, sender

    sessions = sessions_for(settings)
    send = sender(make_celery(settings))
    while True:
        sent = dispatch(sessions, settings, send)
        with sessions() as session:
            counts = jobs.counts(session)
        click.echo(
            f"sent {sent} calls to the queues; "
            + "  ".join(f"{name}: {n}" for name, n in counts.items())
        )
        if not follow or counts["queued"] + counts["running"] == 0:
            return
        time.sleep(max(settings.poll_interval_s, 1.0) * 5)


@main.command("dispatch")
@click.option(
    "--follow", is_flag=True, help="Keep topping up the queues until every call is finished."
)
@click.pass_context
def dispatch_cmd(ctx: click.Context, follow: bool) -> None:
    """Send queued calls to the Celery queues (at most dispatch_max_in_flight at a time)."""
    _dispatch(settings_for(ctx, engine="celery"), follow)


@main.command("worker")
@click.option(
    "--queues",
    type=click.Choice(["asr", "analysis", "all"]),
    default="all",
    help="asr: decode + transcribe (heavy); analysis: sentiment, metrics, score (light).",
)
@click.option(
    "--concurrency",
    type=COUNT,
    default=None,
    help="Processes, or auto: one per core as memory allows (default: the workers setting).",
)
@click.option("--name", default=None, help="Celery node name, e.g. asr1@%h.")
@click.pass_context
def worker_cmd(
    ctx: click.Context, queues: str, concurrency: int | str | None, name: str | None
) -> None:
    """Start a Celery worker for the scale-out engine (Redis broker, shared database)."""
    import dataclasses

    from inspector.batch.sizing import size_batch
    from inspector.batch.tasks import make_celery, worker_argv

    settings = settings_for(ctx, engine="celery")
    plan = size_batch(settings, concurrency)  # type: ignore[arg-type]  (logs its reason)
    app = make_celery(dataclasses.replace(settings, asr_cpu_threads=plan.threads))
    app.worker_main(worker_argv(queues, plan.processes, name, settings.log_level))


@main.command("work")
@click.option(
    "--workers",
    type=COUNT,
    default=None,
    help="Worker processes, or auto: one per core as memory allows (default: the setting).",
)
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@click.pass_context
def work_cmd(ctx: click.Context, workers: int | str | None, burst: bool) -> None:
    """Process queued calls with N worker processes."""
    from inspector.batch.worker import run_workers

    settings = settings_for(ctx)
    progress = run_workers(settings, workers=workers, burst=burst)  # type: ignore[arg-type]
    click.echo(progress.summary())
    if progress.died:
        for line in progress.died:
            click.echo(f"error: worker {line}", err=True)
        ctx.exit(1)  # a worker died: whoever runs the batch must hear of it


@main.command("score")
@click.option(
    "--transcripts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSONL: one call per line (call_id, segments, metadata).",
)
@click.option("--scorecard", default=None, help="Built-in name or a YAML path (default: setting).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output JSONL (default: standard output).",
)
@click.pass_context
def score_cmd(
    ctx: click.Context, transcripts: Path, scorecard: str | None, out: Path | None
) -> None:
    """Score transcripts from anywhere (another ASR, a hand edit) against a scorecard."""
    from scoring.batch import score_file

    settings = load_settings(ctx.obj["config"], os.environ)
    card = scorecard or settings.scorecard
    if out is None:
        report = score_file(transcripts, card, sys.stdout, settings.sentiment)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            report = score_file(transcripts, card, fh, settings.sentiment)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"scored {report.scored} calls, {len(report.errors)} bad lines", err=True)


def print_status(settings: Settings) -> None:
    with sessions_for(settings)() as session:
        counts = jobs.counts(session)
        failures = jobs.failures(session)
        stages = jobs.stage_counts(session)
        windows = [(minutes, jobs.throughput(session, minutes * 60.0)) for minutes in (10, 60)]
    click.echo("  ".join(f"{name}: {n}" for name, n in counts.items()))
    if stages:
        click.echo(
            "in progress: "
            + "  ".join(f"{phase}/{status}/{stage}: {n}" for (phase, status, stage), n in stages)
        )
    for minutes, (calls, audio_s) in windows:
        click.echo(
            f"last {minutes} min: {calls} calls finished, {audio_s / 3600:.2f} h of audio "
            f"({audio_s / 3600 * 60 / minutes:.2f} audio h per wall h)"
        )
    for call_id, version, stage, error in failures:
        click.echo(f"failed {call_id} v{version} [{stage}]: {error}")


@main.command("status")
@click.pass_context
def status_cmd(ctx: click.Context) -> None:
    """Counts by state and the failures with their reasons."""
    print_status(settings_for(ctx))


@main.command("retry")
@click.argument("call_ids", nargs=-1)
@click.option(
    "--include-done", is_flag=True, help="Also re-process finished calls (e.g. a new scorecard)."
)
@click.pass_context
def retry_cmd(ctx: click.Context, call_ids: tuple[str, ...], include_done: bool) -> None:
    """Queue failed calls again (all, or the call ids given)."""
    settings = settings_for(ctx)
    with sessions_for(settings).begin() as session:
        n = jobs.retry(session, list(call_ids) or None, include_done)
    click.echo(f"{n} calls queued again")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    default=None,
    help="jsonl or csv for calls (default jsonl); csv or xlsx for --corrections (default xlsx).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: standard output; with --corrections, the exports folder).",
)
@click.option(
    "--corrections",
    is_flag=True,
    help="Export reviewers' transcript corrections instead of the calls.",
)
@click.option("--from", "start", default=None, help="With --corrections: first day (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="With --corrections: day after the last.")
@click.option(
    "--unmasked", is_flag=True, help="With --corrections: numbers in the sentences unmasked."
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    fmt: str | None,
    out: Path | None,
    corrections: bool,
    start: str | None,
    end: str | None,
    unmasked: bool,
) -> None:
    """Export one record per call: metadata, transcript, metrics and score (or, with
    --corrections, one row per transcript correction)."""
    if corrections:
        _export_corrections(ctx, fmt or "xlsx", out, start, end, unmasked)
        return
    if fmt == "xlsx":
        raise click.BadParameter(
            "xlsx is for --corrections; calls: jsonl or csv", param_hint="--format"
        )
    fmt = fmt or "jsonl"
    from inspector.batch.export import write_export

    settings = settings_for(ctx)
    with sessions_for(settings)() as session:
        if out is None:
            n = write_export(session, sys.stdout, fmt)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            # BOM so that Excel opens Chinese CSV correctly.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with out.open("w", encoding=encoding, newline="") as fh:
                n = write_export(session, fh, fmt)
    click.echo(f"exported {n} calls" + (f" to {out}" if out else ""), err=True)


def _export_corrections(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    start: str | None,
    end: str | None,
    unmasked: bool,
) -> None:
    if fmt == "jsonl":
        raise click.BadParameter("corrections: csv or xlsx", param_hint="--format")
    from inspector.cli.base import date_range
    from inspector.reports.tables import write_table_csv, write_tables_xlsx
    from inspector.review.correction_reports import EXPORT_COLUMNS, export_rows

    settings = settings_for(ctx)
    since, until = date_range(settings, start, end)
    out = out or settings.exports_dir / f"transcript_corrections.{fmt}"
    with sessions_for(settings)() as session:
        rows = export_rows(session, since, until, unmasked, settings.tz)
    out.parent.mkdir(parents=True, exist_ok=True)
    write = write_tables_xlsx if fmt == "xlsx" else write_table_csv
    write(out, {"转写更正": (list(EXPORT_COLUMNS), rows)})
    click.echo(f"exported {len(rows)} corrections to {out}", err=True)
