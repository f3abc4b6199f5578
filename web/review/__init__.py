"""Review area: the call list and the call page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from inspector import jobs
from inspector.models import Call, Job, ScoreResult

bp = Blueprint("review", __name__, template_folder="../templates")

PAGE_SIZE = 50


def sessions() -> sessionmaker[Session]:
    return current_app.extensions["inspector.sessions"]


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    with sessions()() as session:
        session.execute(select(1))
    return {"status": "ok"}


@bp.get("/")
def index() -> str:
    page = max(request.args.get("page", 1, type=int), 1)
    status = request.args.get("status") or None
    with sessions()() as session:
        query = (
            select(Call)
            .join(Job, Job.call_pk == Call.id)
            .where(Call.is_current.is_(True))
            .options(
                selectinload(Call.job),
                selectinload(Call.metrics),
                selectinload(Call.score_results),
                selectinload(Call.flags),
            )
            .order_by(Call.started_at.desc().nulls_last(), Call.id.desc())
        )
        if status:
            query = query.where(Job.status == status)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        calls = session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        counts = jobs.counts(session)
    return render_template(
        "review/index.html",
        calls=calls,
        counts=counts,
        status=status,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


@bp.get("/calls/<int:pk>")
def call_page(pk: int) -> str:
    with sessions()() as session:
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
        if call is None:
            abort(404)
    result = max(call.score_results, key=lambda r: r.id, default=None)
    return render_template("review/call.html", call=call, result=result)
