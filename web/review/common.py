"""What the review views share: the scorecard, a visible call, masking, the way back to a call."""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    redirect,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inspector.store.models import (
    Call,
    ScoreResult,
)
from scoring.pii import mask_pii
from web.access import (
    require_visible,
)


def scorecard():
    """The settings' scorecard, parsed once per process (again when its file changes)."""
    return current_app.extensions["inspector.scorecard"].get()


def _load_call(session: Session, pk: int) -> Call:
    call = session.scalar(
        select(Call)
        .where(Call.id == pk)
        .options(
            selectinload(Call.job),
            selectinload(Call.segments),
            selectinload(Call.metrics),
            selectinload(Call.flags),
            selectinload(Call.score_results).selectinload(ScoreResult.items),
        )
    )
    return require_visible(call, current_user)


def _masked(value: Any) -> Any:
    return value if current_user.unmasked else mask_pii(value or "")


def _masked_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """A piece of evidence as this user may see it: the sentence and the matched words (shown
    in the page and in data-match) masked alike, so the highlight still finds its words."""
    return evidence | {
        "text": _masked(evidence.get("text", "")),
        "match": _masked(evidence.get("match", "")),
    }


def _back(pk: int):
    return redirect(url_for("review.call_page", pk=pk))
