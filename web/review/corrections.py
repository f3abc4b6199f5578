"""Transcript correction on the call page: a QA reviewer fixes a sentence (text or speaker),
the call is re-scored at once and the flash says the score before and after."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.machine import settle_heap
from inspector.batch.rescore import PipelineRescorer
from inspector.review.correction_reports import TrailEntry, correction_trail
from inspector.review.corrections import CorrectionError, SegmentEdit, correct_segment
from inspector.store.models import Call
from scoring.pii import mask_pii
from web.access import REVIEWERS, me, require_visible, requires, sessions, settings
from web.review import bp
from web.review.common import scorecard
from web.security import finite

#: why a correction was refused, as the reviewer reads it (codes of inspector.review.corrections)
REFUSALS = {
    "no_call": _l("No such call."),
    "processing": _l("The call is still being processed: correct it when it is done."),
    "locked": _l("This call has a final judgement: its transcript can no longer be corrected."),
    "no_segment": _l("Sentence: there is no such sentence in this call."),
    "stale": _l("Sentence: the transcript changed since the page was loaded; reload and retry."),
    "empty": _l("Text: the corrected sentence must not be empty."),
    "too_long": _l("Text: the corrected sentence is too long (at most 2000 characters)."),
    "unchanged": _l("Text: nothing changed (neither the text nor the speaker)."),
    "bad_role": _l("Speaker: choose the agent or the customer."),
    "long_comment": _l("Comment: at most 500 characters."),
}


def _index(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        abort(400, str(REFUSALS["no_segment"]))


@bp.post("/calls/<int:pk>/transcript/correct")
@requires(*REVIEWERS)
def correct_transcript(pk: int):
    form = request.form
    start = form.get("start")
    edit = SegmentEdit(
        index=_index(form.get("segment")),
        text=form.get("text", ""),
        role=form.get("role", ""),
        comment=form.get("comment", ""),
        expected_start_s=finite(start, "start") if start else None,
    )
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        try:
            outcome = correct_segment(
                session,
                me(session),
                call.id,
                edit,
                scorecard(),
                PipelineRescorer(settings(), scorecard()),
            )
        except CorrectionError as exc:
            abort(409 if exc.field == "call" else 400, str(REFUSALS[exc.code]))
    # the first rescoring loaded the analysis models into this process: settled once, after the
    # transaction, so that later full collections no longer walk them (~0.3 s in a request)
    settle_heap(after="the first rescoring")
    if outcome.score_after is None:
        flash(_("Transcript corrected; the call has no QA score."), "success")
    else:
        flash(
            _(
                "Transcript corrected and the call re-scored: %(before)s → %(after)s (%(delta)s).",
                before=_score(outcome.score_before),
                after=_score(outcome.score_after),
                delta=f"{outcome.delta or 0:+.0f}",
            ),
            "success",
        )
    if outcome.invalidated:
        flash(
            _(
                "%(n)s review verdicts no longer apply (their item changed): "
                "the call is back in the review queue.",
                n=outcome.invalidated,
            ),
            "warning",
        )
    return redirect(url_for("review.call_page", pk=pk, _anchor=f"seg-{edit.index}"))


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _shown(entry: TrailEntry, titles: dict[str, str]) -> TrailEntry:
    """A trail entry as this user may see it: item titles for ids, numbers masked for roles
    that see them masked."""
    entry = replace(entry, invalidated=tuple((titles.get(i, i), v) for i, v in entry.invalidated))
    if current_user.unmasked:
        return entry
    return replace(
        entry,
        text_before=mask_pii(entry.text_before),
        text_after=mask_pii(entry.text_after),
        comment=mask_pii(entry.comment),
    )


@bp.app_context_processor
def _correction_helpers() -> dict[str, Any]:
    def transcript_corrections(call_pk: int) -> list[TrailEntry]:
        """The call's transcript corrections for review/_corrections.html."""
        titles = {i.id: i.title for i in scorecard().items}
        with sessions()() as session:
            return [_shown(e, titles) for e in correction_trail(session, call_pk)]

    def can_correct_transcript(call: Call) -> bool:
        """Whether review/_segment_tools.html offers the edit button on this call."""
        if not current_user.is_authenticated or current_user.role not in REVIEWERS:
            return False
        result = max(call.score_results, key=lambda r: r.id, default=None)
        return not (result is not None and result.locked)

    return {
        "transcript_corrections": transcript_corrections,
        "can_correct_transcript": can_correct_transcript,
    }
