"""The review queue: filters, sorting, sampling, paging."""

from __future__ import annotations

import math

from flask import (
    abort,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy import select

from inspector.batch import jobs
from inspector.batch.manifest import parse_range
from inspector.batch.results import NO_SPEECH
from inspector.review.queue import (
    REVIEW_STATUSES,
    SORTS,
    QueueFilter,
    page,
    sample,
)
from inspector.store.models import (
    UserRole,
)
from web.access import (
    EVERYONE,
    requires,
    scope_calls,
    sessions,
    settings,
)
from web.review import bp, reasons
from web.review.common import scorecard
from web.security import finite, page_number

PAGE_SIZE = 50


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    with sessions()() as session:
        session.execute(select(1))
    return {"status": "ok"}


def _filter() -> QueueFilter:
    a = request.args

    def number(name: str) -> float | None:
        value = a.get(name, "").strip()
        return finite(value, name) if value else None

    try:
        start, end = parse_range(a.get("from"), a.get("to"), settings().tz)
    except ValueError as exc:
        abort(400, f"from/to: use YYYY-MM-DD ({exc})")
    sort = a.get("sort", "priority")
    if sort not in SORTS:
        abort(400, f"sort must be one of {', '.join(SORTS)}")
    return QueueFilter(
        start=start,
        end=end,
        agent=a.get("agent") or None,
        team=a.get("team") or None,
        queue=a.get("queue") or None,
        item=a.get("item") or None,
        flag=a.get("flag") or None,
        reason=a.get("reason") or None,
        score_min=number("score_min"),
        score_max=number("score_max"),
        survey=a.get("survey") or None,
        review=a.get("review") or None,
        status=a.get("status") or None,
        sort=sort,
    )


@bp.get("/")
@requires(*EVERYONE)
def index() -> str:
    f = _filter()
    number = page_number(PAGE_SIZE)
    scope = lambda q: scope_calls(q, current_user)  # noqa: E731
    with sessions()() as session:
        if request.args.get("sample"):
            try:
                rows, total = sample(
                    session,
                    f,
                    request.args["sample"],
                    _seed(),
                    number,
                    PAGE_SIZE,
                    scope,
                )
            except ValueError as exc:
                abort(400, str(exc))
        else:
            rows, total = page(session, f, number, PAGE_SIZE, scope)
        counts = jobs.counts(session)
    card = scorecard()
    return render_template(
        "review/index.html",
        rows=rows,
        counts=counts,
        total=total,
        page=number,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        args=request.args,
        sorts=SORTS,
        review_statuses=REVIEW_STATUSES,
        items=[(i.id, i.title) for i in card.items],
        flags=[fl.id for fl in card.flags] + ["qa_survey_mismatch", NO_SPEECH],
        reason_choices=[(r.code, r.label) for r in reasons.taxonomy().reasons],
        reason_labels={r.code: r.label for r in reasons.taxonomy().reasons},
        full_reasons=current_user.role == UserRole.ADMIN,  # paths in failure reasons
    )


def _seed() -> int:
    value = request.args.get("seed", "").strip()
    try:
        return int(value) if value else 0
    except ValueError:
        abort(400, "seed: not a number")
