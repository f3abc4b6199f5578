"""Appeals: an agent files one, the list, a lead decides."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    flash,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy import select

from inspector.review.rounds import (
    current_result,
    decide_appeal,
    file_appeal,
)
from inspector.store.models import (
    Appeal,
    Call,
    User,
    UserRole,
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


@bp.post("/calls/<int:pk>/appeals")
@requires(UserRole.AGENT)
def appeal(pk: int):
    window = timedelta(days=settings().appeal_window_days)
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        result = current_result(session, call.id)
        if result is None:
            abort(409, "this call has no QA result to appeal")
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
    flash("申诉已提交")
    return _back(pk)


@bp.get("/appeals")
@requires(UserRole.AGENT, UserRole.QA_LEAD, UserRole.QA, UserRole.ADMIN)
def appeals() -> str:
    with sessions()() as session:
        query = (
            select(Appeal, Call.call_id, User.username)
            .join(Call, Call.id == Appeal.call_pk)
            .join(User, User.id == Appeal.agent_user_id)
            .order_by(Appeal.status != "open", Appeal.id.desc())
        )
        if current_user.role == UserRole.AGENT:
            query = query.where(Appeal.agent_user_id == current_user.id)
        rows = session.execute(query.limit(500)).all()
    return render_template("review/appeals.html", rows=rows)


@bp.post("/appeals/<int:appeal_id>/decide")
@requires(UserRole.QA_LEAD)
def decide(appeal_id: int):
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        abort(400, "decision must be accept or reject")
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
    flash("申诉已裁决")
    return _back(pk)
