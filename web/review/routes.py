"""Review area: the flagged-call queue, the call page with audio and evidence, review rounds
and appeals."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from inspector.batch import jobs
from inspector.batch.manifest import parse_range
from inspector.batch.results import NO_SPEECH
from inspector.review.queue import (
    REVIEW_STATUSES,
    SORTS,
    QueueFilter,
    next_unreviewed,
    page,
    public_reason,
    recording_name,
    sample,
)
from inspector.review.rounds import (
    current_result,
    decide_appeal,
    file_appeal,
    published_at,
    reviewed_state,
    submit_review,
)
from inspector.store.models import (
    Appeal,
    Call,
    Review,
    ScoreResult,
    SurveyResponse,
    User,
    UserRole,
    utcnow,
)
from scoring.pii import mask_pii
from scoring.review import ManualItem, ReviewError, Verdict
from web.access import (
    EVERYONE,
    REVIEWERS,
    TRAINERS,
    me,
    require_visible,
    requires,
    scope_calls,
    sessions,
    settings,
)
from web.review import bp
from web.security import finite, page_number

#: what a verdict rests on, as reviewers read it
BASIS_LABELS = {
    "exact": "原文",
    "regex": "规则",
    "metric": "测量",
    "metadata": "随路数据",
    "intent": "意图模型",
    "sentiment": "情感模型",
    "pinyin": "谐音",
    "similar": "语义相似",
}
ROUTE_LABELS = {"final": "自动定案", "sampled": "抽检", "review": "人工复核"}


PAGE_SIZE = 50
LEVEL_LABEL = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


def scorecard():
    """The settings' scorecard, parsed once per process (again when its file changes)."""
    return current_app.extensions["inspector.scorecard"].get()


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


@bp.get("/calls/<int:pk>")
@requires(*EVERYONE)
def call_page(pk: int) -> str:
    with sessions()() as session:
        call = _load_call(session, pk)
        result = max(call.score_results, key=lambda r: r.id, default=None)
        card = scorecard()
        state = reviewed_state(session, result, card) if result else None
        trail = (
            session.execute(
                select(Review, User.username)
                .join(User, User.id == Review.reviewer_id)
                .where(Review.call_pk == pk)
                .order_by(Review.round, Review.id)
            ).all()
            if result
            else []
        )
        appeals = session.execute(
            select(Appeal, User.username)
            .join(User, User.id == Appeal.agent_user_id)
            .where(Appeal.call_pk == pk)
            .order_by(Appeal.id)
        ).all()
        survey = session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.call_pk == pk)
            .order_by(SurveyResponse.sent_at.desc())
        ).first()
        window_open = False
        if result is not None:
            deadline = published_at(session, result) + timedelta(days=settings().appeal_window_days)
            window_open = not result.locked and utcnow() <= deadline
        next_pk = _next_call(session, pk)
        reason_view = reasons.reasons_context(session, call.id)
    segments = [
        {
            "i": i,
            "start": s.start_s,
            "end": s.end_s,
            "role": s.role,
            "text": _masked(s.text),
            "sentiment": s.sentiment,
        }
        for i, s in enumerate(call.segments)
    ]
    current = {i.item_id: i for i in state.items} if state else {}
    items = [
        {
            "id": row.item_id,
            "title": row.title,
            "machine": row.status,
            "status": current[row.item_id].status if row.item_id in current else row.status,
            "deduction": current[row.item_id].deduction if row.item_id in current else 0,
            "fatal": row.fatal,
            "needs_review": row.needs_review,
            "confidence": row.confidence,
            "basis": [BASIS_LABELS.get(b, b) for b in row.basis.split(",") if b],
            "route": row.route,
            "review_reason": row.review_reason,
            "evidence": [_masked_evidence(e) for e in row.evidence],
        }
        for row in (result.items if result else [])
    ]
    metrics = call.metrics.data if call.metrics else {}
    return render_template(
        "review/call.html",
        call=call,
        reason=_reason(call),
        result=result,
        route_labels=ROUTE_LABELS,
        state=state,
        items=items,
        segments=segments,
        metrics=call.metrics,
        silences=metrics.get("silences", []),
        sentiment=metrics.get("sentiment", {}),
        flags=[
            {
                "flag": f.flag,
                "evidence": [_masked_evidence(e) for e in f.evidence],
            }
            for f in call.flags
        ],
        survey=survey,
        survey_comment=_masked(survey.comment) if survey and survey.comment else "",
        level_label=LEVEL_LABEL,
        trail=trail,
        appeals=appeals,
        can_review=current_user.role in REVIEWERS and result is not None and not result.locked,
        can_appeal=current_user.role == UserRole.AGENT and window_open,
        can_decide=current_user.role == UserRole.QA_LEAD,
        can_clip=current_user.role in TRAINERS and bool(call.audio_path),
        scorecard_items=[(i.id, i.title) for i in card.items],
        next_pk=next_pk,
        **reason_view,
    )


def _reason(call: Call) -> str:
    """Why processing failed: server paths for admins, the recording's name for the rest."""
    error = call.job.error if call.job else None
    if current_user.role == UserRole.ADMIN:
        return error or ""
    name = recording_name(call.source_path, call.call_id)
    return public_reason(error, name, (call.source_path, call.audio_path))


def _next_call(session: Session, pk: int) -> int | None:
    """The next call to review (keyboard: j): the top unreviewed call of the queue."""
    return next_unreviewed(session, pk, lambda q: scope_calls(q, current_user))


@bp.get("/calls/<int:pk>/audio")
@requires(*EVERYONE)
def audio(pk: int):
    """The stored recording, with HTTP range support; the path comes from the database only."""
    with sessions()() as session:
        call = require_visible(session.get(Call, pk), current_user)
        path = call.audio_path
    if not path or not Path(path).is_file():
        abort(404)
    # the call id may come from any file name: no line breaks or quotes in the header
    name = re.sub(r"[\x00-\x1f\x7f\"\\\\/]", "_", call.call_id) or "call"
    return send_file(path, conditional=True, max_age=0, download_name=f"{name}.wav")


@bp.get("/calls/<int:pk>/peaks.json")
@requires(*EVERYONE)
def peaks(pk: int) -> dict[str, Any]:
    """Waveform peaks per channel (max |sample| per bucket) for the player."""
    import soundfile as sf

    with sessions()() as session:
        call = require_visible(session.get(Call, pk), current_user)
        path = call.audio_path
    if not path or not Path(path).is_file():
        abort(404)
    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError):
        from asr.audio import decode

        decoded = decode(Path(path))
        data, rate = decoded.samples.T, decoded.sample_rate_hz
    buckets = 1000
    per = max(len(data) // buckets, 1)
    usable = data[: per * (len(data) // per)] if len(data) >= per else data
    shaped = np.abs(usable).reshape(-1, per, data.shape[1]).max(axis=1)
    return {
        "duration_s": len(data) / rate,
        "channels": [np.round(shaped[:, c], 3).tolist() for c in range(data.shape[1])],
    }


def _back(pk: int):
    return redirect(url_for("review.call_page", pk=pk))


@bp.post("/calls/<int:pk>/review")
@requires(*REVIEWERS)
def review(pk: int):
    form = request.form
    verdicts: dict[str, Verdict] = {}
    comments: dict[str, str] = {}
    for key, value in form.items():
        if key.startswith("verdict:") and value in ("confirm", "overturn"):
            verdicts[key.removeprefix("verdict:")] = Verdict(value)
        if key.startswith("comment:"):
            comments[key.removeprefix("comment:")] = value.strip()
    manual = []
    for title, points, note in zip(
        form.getlist("manual_title"),
        form.getlist("manual_points"),
        form.getlist("manual_comment"),
        strict=False,
    ):
        if title.strip() or points.strip():
            deduction = finite(points, f"manual deduction {points!r}")
            manual.append(ManualItem(title.strip(), deduction, note.strip()))
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        result = current_result(session, call.id)
        if result is None:
            abort(409, "this call has no QA result to review")
        try:
            score = submit_review(
                session, me(session), result, scorecard(), verdicts, comments, manual
            )
        except ReviewError as exc:
            abort(409, str(exc))
    flash(f"复核已保存，最终得分 {score:.0f}")
    return _back(pk)


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


# the call-reason views register on bp (kept in their own module)
from web.review import reasons  # noqa: E402
