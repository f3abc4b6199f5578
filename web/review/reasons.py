"""Call reasons on the call page: what the model found, and a reviewer's correction."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from inspector.review.reasons import (
    ReasonCorrectionError,
    active_reasons,
    correct_reasons,
    correction_trail,
)
from inspector.store.models import Call
from scoring.pii import mask_pii
from scoring.reasons.taxonomy import Taxonomy, cached_taxonomy
from web.access import REVIEWERS, me, require_visible, requires, sessions, settings
from web.review import bp


def taxonomy() -> Taxonomy:
    return cached_taxonomy(settings().reasons_taxonomy)


def reasons_context(session: Session, call_pk: int) -> dict[str, Any]:
    """What the call page shows of the call's reasons (evidence masked for this user)."""
    shown = active_reasons(session, call_pk, taxonomy())
    if not current_user.unmasked:
        shown = [replace(r, evidence=mask_pii(r.evidence)) for r in shown]
    t = taxonomy()
    return {
        "call_reasons": shown,
        "reason_trail": correction_trail(session, call_pk),
        "reason_choices": [(r.code, r.label) for r in t.reasons],
        "complaint_choices": list(t.complaint_classes.items()),
        "complaint_reason": t.complaint_reason,
        "can_correct_reasons": current_user.role in REVIEWERS,
    }


@bp.post("/calls/<int:pk>/reasons")
@requires(*REVIEWERS)
def correct(pk: int):
    form = request.form
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        try:
            chosen = correct_reasons(
                session,
                me(session),
                call.id,
                form.getlist("reason"),
                form.get("complaint_class") or None,
                taxonomy(),
                form.get("comment", "").strip()[:500],
            )
        except ReasonCorrectionError as exc:
            abort(400, _("The call reasons could not be corrected: %(reason)s", reason=str(exc)))
    labels = ", ".join(taxonomy().label(c) for c in chosen)
    flash(_("Call reasons corrected: %(reasons)s", reasons=labels), "success")
    return redirect(url_for("review.call_page", pk=pk, _anchor="reasons"))
