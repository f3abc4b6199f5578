"""The call page: player, transcript, verdicts and evidence, a review round, audio and peaks."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from flask import (
    abort,
    flash,
    render_template,
    request,
    send_file,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.review.queue import (
    next_unreviewed,
    public_reason,
    recording_name,
)
from inspector.review.rounds import (
    current_result,
    published_at,
    reviewed_state,
    submit_review,
)
from inspector.store.models import (
    Appeal,
    Call,
    Review,
    SurveyResponse,
    User,
    UserRole,
    utcnow,
)
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
from web.review import bp, reasons
from web.review.common import _back, _load_call, _masked, _masked_evidence, scorecard
from web.security import finite

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


LEVEL_LABEL = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


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
