"""Appeals: an agent files one, the list, a lead decides."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import (
    abort,
    flash,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user

from inspector.review.appeal_list import APPEAL_STATUSES, appeal_page
from inspector.review.rounds import (
    current_result,
    decide_appeal,
    file_appeal,
)
from inspector.store.models import (
    Appeal,
    Call,
    UserRole,
    utcnow,
)
from scoring.review import ReviewError
from web.access import (
    me,
    require_visible,
    requires,
    sessions,
    settings,
)
from web.review import bp
from web.review.common import _back, scorecard
from web.security import page_number

PAGE_SIZE = 100


@bp.post("/calls/<int:pk>/appeals")
@requires(UserRole.AGENT)
def appeal(pk: int):
    window = timedelta(days=settings().appeal_window_days)
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        result = current_result(session, call.id)
        if result is None:
            abort(409, _("This call has no QA result to appeal."))
        try:
            file_appeal(
                session,
                me(session),
                result,
                scorecard(),
                request.form.get("item_id", ""),
                request.form.get("reason", ""),
                window,
            )
        except ReviewError as exc:
            abort(409, str(exc))
    flash(_("Appeal filed."))
    return _back(pk)


@bp.get("/appeals")
@requires(UserRole.AGENT, UserRole.QA_LEAD, UserRole.QA, UserRole.ADMIN)
def appeals() -> str:
    """The appeals list: an agent's own, everyone else's all; open ones first."""
    status = request.args.get("status", "").strip() or None
    if status is not None and status not in APPEAL_STATUSES:
        abort(400, _("Unknown appeal status."))
    number = page_number(PAGE_SIZE)
    agent = current_user.id if current_user.role == UserRole.AGENT else None
    window = timedelta(days=settings().appeal_window_days)
    with sessions()() as session:
        found = appeal_page(session, window, agent, status, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template(
        "review/appeals.html",
        rows=found.rows,
        counts=found.counts,
        total=found.total,
        status=status,
        statuses=APPEAL_STATUSES,
        window_days=settings().appeal_window_days,
        titles={i.id: i.title for i in scorecard().items},
        now=utcnow(),
        page=number,
        pages=max(math.ceil(found.total / PAGE_SIZE), 1),
    )


@bp.post("/appeals/<int:appeal_id>/decide")
@requires(UserRole.QA_LEAD)
def decide(appeal_id: int):
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        abort(400, _("Choose to accept or reject the appeal."))
    with sessions().begin() as session:
        item = session.get(Appeal, appeal_id)
        if item is None:
            abort(404)
        try:
            decide_appeal(
                session,
                me(session),
                item,
                scorecard(),
                decision == "accept",
                request.form.get("reason", ""),
                request.form.get("final") == "1",
            )
        except ReviewError as exc:
            abort(409, str(exc))
        pk = item.call_pk
    flash(_("Appeal decided."))
    return _back(pk)
