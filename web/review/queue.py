"""The review queue: filters, sorting, sampling, paging; saved filters; assignment and each
reviewer's "我的待办"."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qsl

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from inspector.batch.manifest import parse_range
from inspector.batch.results import NO_SPEECH
from inspector.review import saved_filters
from inspector.review.assignment import MAX_CALLS, assign, reviewer, reviewers
from inspector.review.queue import (
    FILTER_KEYS,
    REVIEW_STATUSES,
    SORTS,
    SURVEY_LEVELS,
    WAITING,
    QueueFilter,
    first_ids,
    page,
    sample,
    status_counts,
)
from inspector.store.models import JobStatus, UserRole
from web.access import EVERYONE, REVIEWERS, me, requires, scope_calls, sessions, settings
from web.labels import label
from web.review import bp, reasons
from web.review.common import scorecard
from web.security import finite, form_id, local_url, page_number

PAGE_SIZE = 50
#: the sort orders as the filter form offers them
SORT_LABELS = {
    "priority": _l("Problems first (fatal, needs review, risk), newest first"),
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "score": _l("Lowest score first"),
}
assert set(SORT_LABELS) == set(SORTS)
#: the filters folded away under "more filters" (open when one of them is set)
ADVANCED = ("team", "queue", "item", "reason", "flag", "score_min", "score_max", "survey")


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    with sessions()() as session:
        session.execute(select(1))
    return {"status": "ok"}


def _filter(a: MultiDict[str, str], **overrides: Any) -> QueueFilter:
    def number(name: str) -> float | None:
        value = a.get(name, "").strip()
        return finite(value, name) if value else None

    try:
        # the form's "到" names the last day shown: the range ends at the next midnight
        start, end = parse_range(a.get("from"), a.get("to"), settings().tz, inclusive_end=True)
    except ValueError:
        abort(400, _("Dates must be written as YYYY-MM-DD, between the years 1900 and 2999."))
    sort = a.get("sort") or "priority"
    if sort not in SORTS:
        abort(400, _("Unknown sort order."))
    values: dict[str, Any] = {
        "start": start,
        "end": end,
        "agent": a.get("agent", "").strip() or None,
        "team": a.get("team", "").strip() or None,
        "queue": a.get("queue", "").strip() or None,
        "item": a.get("item") or None,
        "flag": a.get("flag") or None,
        "reason": a.get("reason") or None,
        "score_min": number("score_min"),
        "score_max": number("score_max"),
        "survey": a.get("survey") or None,
        "review": a.get("review") or None,
        "status": a.get("status") or None,
        "sort": sort,
    }
    return QueueFilter(**(values | overrides))


def _scope(query: Any) -> Any:
    return scope_calls(query, current_user)


@bp.get("/")
@requires(*EVERYONE)
def index() -> str:
    return _queue(_filter(request.args), mine=False)


@bp.get("/mine")
@requires(*REVIEWERS)
def my_tasks() -> str:
    """The calls assigned to the signed-in reviewer that nobody has reviewed yet."""
    return _queue(_filter(request.args, assignee=current_user.id, review="unreviewed"), mine=True)


def _queue(f: QueueFilter, mine: bool) -> str:
    number = page_number(PAGE_SIZE)
    lead = current_user.role == UserRole.QA_LEAD
    with sessions()() as session:
        if request.args.get("sample") and not mine:
            try:
                rows, total = sample(
                    session, f, request.args["sample"], _seed(), number, PAGE_SIZE, _scope
                )
            except ValueError:
                abort(400, _("Sample: give a number of calls per agent, or a percentage."))
        else:
            rows, total = page(session, f, number, PAGE_SIZE, _scope)
        # an agent counts their own calls, everyone else the centre's
        counts = status_counts(session, _scope if current_user.role == UserRole.AGENT else None)
        saved = saved_filters.saved(session, current_user.id)
        people = reviewers(session) if lead else []
    card = scorecard()
    flag_titles = {fl.id: fl.title for fl in card.flags}
    flag_titles |= {k: label(k, "flag") for k in ("qa_survey_mismatch", NO_SPEECH)}
    taxonomy = reasons.taxonomy()
    return render_template(
        "review/index.html",
        rows=rows,
        counts=counts,
        total=total,
        page=number,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        args=request.args,
        mine=mine,
        lead=lead,
        reviewers=people,
        max_assign=MAX_CALLS,
        saved=saved,
        current_query=_query_string(request.args),
        advanced_open=any(request.args.get(k) for k in ADVANCED),
        sorts=SORT_LABELS,
        review_statuses=REVIEW_STATUSES,
        job_statuses=[str(s) for s in JobStatus],
        survey_levels=SURVEY_LEVELS,
        items=[(i.id, i.title) for i in card.items],
        flags=list(flag_titles.items()),
        flag_titles=flag_titles,
        waiting_flag=WAITING,
        reason_choices=[(r.code, r.label) for r in taxonomy.reasons],
        reason_labels={r.code: r.label for r in taxonomy.reasons},
        full_reasons=current_user.role == UserRole.ADMIN,  # paths in failure reasons
    )


def _seed() -> int:
    value = request.args.get("seed", "").strip()
    try:
        return int(value) if value else 0
    except ValueError:
        abort(400, _("The sampling seed must be a whole number."))


def _query_string(a: MultiDict[str, str]) -> str:
    return saved_filters.query_string(a.items(multi=True), FILTER_KEYS)


def _back_to_queue(query: str) -> Any:
    target = local_url(request.form.get("next"), url_for("review.index"))
    return redirect(target if request.form.get("next") else f"{target}?{query}")


# -- assignment --------------------------------------------------------------------------------


@bp.post("/assignments")
@requires(UserRole.QA_LEAD)
def assign_calls() -> Any:
    """Give the ticked calls, or the current filter's first N, to a reviewer (or take them back
    with "nobody")."""
    query = _query_string(MultiDict(parse_qsl(request.form.get("filter", ""))))
    assignee_id = form_id("assignee")
    with sessions().begin() as session:
        assignee = reviewer(session, assignee_id) if assignee_id is not None else None
        if assignee_id is not None and assignee is None:
            abort(400, _("Calls can only be assigned to an active QA reviewer or QA lead."))
        if request.form.get("mode") == "first":
            n = _count()
            pks = first_ids(session, _filter(MultiDict(parse_qsl(query))), n, _scope)
        else:
            pks = [_pk(v) for v in request.form.getlist("pk")]
        if not pks:
            abort(400, _("Tick the calls to assign, or give how many of the filtered calls."))
        done = assign(session, me(session), pks, assignee)
    if assignee is None:
        flash(_("%(n)d calls are no longer assigned.", n=done))
    else:
        name = assignee.display_name or assignee.username
        flash(_("%(n)d calls assigned to %(name)s.", n=done, name=name))
    return _back_to_queue(query)


def _count() -> int:
    value = request.form.get("count", "").strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_CALLS:
        abort(400, _("Give a number of calls from 1 to %(max)d.", max=MAX_CALLS))
    return int(value)


def _pk(value: str) -> int:
    if not value.strip().isdigit():
        abort(400, _("Tick the calls to assign, or give how many of the filtered calls."))
    return int(value)


# -- saved filters -----------------------------------------------------------------------------


@bp.post("/filters")
@requires(*EVERYONE)
def save_filter() -> Any:
    """Keep the current filter under a name of the user's own (the same name replaces it)."""
    query = _query_string(MultiDict(parse_qsl(request.form.get("filter", ""))))
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > saved_filters.MAX_NAME:
        abort(400, _("Name the filter (at most %(max)d characters).", max=saved_filters.MAX_NAME))
    with sessions().begin() as session:
        try:
            saved_filters.save(session, current_user.id, name, query)
        except ValueError:
            abort(409, _("You have too many saved filters: delete one first."))
    flash(_("Filter saved as “%(name)s”.", name=name))
    return redirect(f"{url_for('review.index')}?{query}")


@bp.post("/filters/<int:filter_id>/delete")
@requires(*EVERYONE)
def delete_filter(filter_id: int) -> Any:
    with sessions().begin() as session:
        if not saved_filters.remove(session, current_user.id, filter_id):
            abort(404)  # another user's filter is not there for this one
    flash(_("Saved filter deleted."))
    return redirect(local_url(request.form.get("next"), url_for("review.index")))
