"""Glossary commands: terms to add, learnt from reviewers' transcript corrections."""

from __future__ import annotations

import click

from inspector.cli.base import main, sessions_for, settings_for


@main.group("glossary")
def glossary_group() -> None:
    """The homophone-correction glossary (setting asr_glossary)."""


@glossary_group.command("suggest")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Suggest a fix made in at least this many corrections.",
)
@click.pass_context
def glossary_suggest_cmd(ctx: click.Context, min_count: int) -> None:
    """Terms reviewers keep writing in place of what the ASR heard (one per line: the term, how
    often, what was heard, example calls); add the right ones to the glossary file."""
    from inspector.batch.pipeline import load_glossary
    from inspector.review.correction_reports import glossary_suggestions

    settings = settings_for(ctx)
    glossary = load_glossary(settings)
    known = glossary.terms if glossary is not None else frozenset()
    with sessions_for(settings)() as session:
        found = glossary_suggestions(session, min_count, known)
    for s in found:
        click.echo(f"{s.term}\t{s.count}\t{s.heard or '-'}\t{','.join(s.call_ids)}")
    click.echo(
        f"{len(found)} suggested terms (fixes made at least {min_count} times, glossary terms "
        "left out)",
        err=True,
    )
