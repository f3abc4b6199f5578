"""The call page as one workspace: player and timeline, transcript, verdicts with evidence, a
review round (and on to the next call), the lead's appeal decisions; audio and peaks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.review.flags import FlagDecisionError, decide_flag, decision_trail, decisions
from inspector.review.queue import next_unreviewed, public_reason, recording_name
from inspector.review.rounds import current_result, published_at, reviewed_state, submit_review
from inspector.store.models import (
    Appeal,
    Call,
    Review,
    SurveyResponse,
    User,
    UserRole,
    utcnow,
)
from inspector.store.worklist_models import decidable, waiting
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
from web.labels import agent_label, label
from web.review import bp, reasons
from web.review import workspace as ws
from web.review.common import _back, _load_call, _masked, _masked_evidence, scorecard
from web.security import finite


@bp.get("/calls/<int:pk>")
@requires(*EVERYONE)
def call_page(pk: int) -> tuple[str, int]:
    return _render(pk)


def _render(pk: int, error: str = "") -> tuple[str, int]:
    """The workspace; `error` shows inside the review form (a refused round)."""
    with sessions()() as session:
        call = _load_call(session, pk)
        result = max(call.score_results, key=lambda r: r.id, default=None)
        card = scorecard()
        state = reviewed_state(session, result, card) if result else None
        trail = (
            session.scalars(
                # the rounds on the current result: a transcript correction re-scores the call and
                # carries the verdicts that still hold (its trail lists those it invalidated)
                select(Review)
                .where(Review.call_pk == pk, Review.created_at >= result.created_at)
                .order_by(Review.round, Review.id)
            ).all()
            if result
            else []
        )
        appeals = session.scalars(
            select(Appeal).where(Appeal.call_pk == pk).order_by(Appeal.id)
        ).all()
        survey = session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.call_pk == pk)
            .order_by(SurveyResponse.sent_at.desc())
        ).first()
        names = _names(session, {r.reviewer_id for r in trail} | {a.agent_user_id for a in appeals})
        deadline = None
        if result is not None:
            published = published_at(session, result)
            deadline = published + timedelta(days=settings().appeal_window_days)
        next_pk = _next_call(session, pk)
        reason_view = reasons.reasons_context(session, call.id)
        flag_decisions = decisions(session, call.id)
        flag_trail = decision_trail(session, call.id)
    items = _items(result, state)
    flags_waiting = {
        f.flag: waiting(f.route, getattr(flag_decisions.get(f.flag), "decision", None), f.basis)
        for f in call.flags
    }
    titles = {i["id"]: i["title"] for i in items} | {i.id: i.title for i in card.items}
    open_items = {a.item_id for a in appeals if a.status == "open"}
    window_open = deadline is not None and not result.locked and utcnow() <= deadline
    for item in items:
        item["open_appeal"] = item["id"] in open_items
    hits = ws.segment_hits(
        call.segments, [(i["id"], i["raw_evidence"]) for i in items if i["group"] != "rest"]
    )
    segments = [_segment(i, s, hits.get(i, [])) for i, s in enumerate(call.segments)]
    metrics = call.metrics.data if call.metrics else {}
    duration = call.duration_s or (call.metrics.duration_s if call.metrics else 0.0) or 0.0
    if not duration and segments:
        duration = max(s["end"] for s in segments)
    key = ws.call_state(
        ws.CallFacts(
            job=call.job.status if call.job else "done",
            has_result=result is not None,
            # an unsure flag nobody has decided waits for a reviewer as an unsure verdict does
            needs_review=bool(result and (result.needs_review or any(flags_waiting.values()))),
            review_status=result.review_status if result else "unreviewed",
            locked=bool(result and result.locked),
            appeals=tuple(a.status for a in appeals),
        )
    )
    flag_titles = {f.id: f.title for f in card.flags}
    return render_template(
        "review/call.html",
        call=call,
        reason=_reason(call),
        result=result,
        state_key=key,
        state_label=ws.STATES[key],
        state_colour=ws.state_colour(key),
        items=items,
        counts=Counter(i["group"] for i in items),
        segments=segments,
        has_low=any(s["low"] or any(r.low for r in s["runs"]) for s in segments),
        group_labels=ws.GROUP_LABELS,
        duration=duration,
        channel_roles=_channel_roles(call.segments),
        markers=ws.markers(items, metrics, duration),
        metrics=call.metrics,
        silences=metrics.get("silences", []),
        flags=[
            {
                "flag": f.flag,
                "title": flag_titles.get(f.flag) or label(f.flag, "flag"),
                "confidence": f.confidence,
                "basis": [b for b in (f.basis or "").split(",") if b],
                "evidence": [_masked_evidence(e) for e in f.evidence],
                "route": f.route,
                "decision": _shown_decision(flag_decisions.get(f.flag)),
                "decidable": decidable(f.basis),
                "waiting": flags_waiting[f.flag],
            }
            for f in call.flags
        ],
        flag_titles=flag_titles,
        flag_trail=[
            (e, who, _masked(e.comment) if e.comment else "")
            for e, who in (flag_trail if current_user.role != UserRole.AGENT else [])
        ],
        # an agent sees that a flag was decided, not who decided it or why
        show_decider=current_user.role != UserRole.AGENT,
        can_decide_flags=current_user.role in REVIEWERS and not (result and result.locked),
        survey=survey,
        survey_comment=_masked(survey.comment) if survey and survey.comment else "",
        trail=[(r, names.get(r.reviewer_id, "?"), titles.get(r.item_id or "", "")) for r in trail],
        appeals=[
            (a, names.get(a.agent_user_id, "?"), titles.get(a.item_id, a.item_id)) for a in appeals
        ],
        deadline=deadline,
        window_open=window_open,
        error=error,
        can_review=current_user.role in REVIEWERS and result is not None and not result.locked,
        can_appeal=current_user.role == UserRole.AGENT and window_open,
        can_decide=current_user.role == UserRole.QA_LEAD,
        can_clip=current_user.role in TRAINERS and bool(call.audio_path),
        scorecard_items=[(i.id, i.title) for i in card.items],
        next_pk=next_pk,
        **reason_view,
    ), (409 if error else 200)


def _shown_decision(decision: Any) -> Any:
    """A flag decision with its reason masked for a user who sees numbers masked."""
    return replace(decision, comment=_masked(decision.comment)) if decision else None


def _items(result: Any, state: Any) -> list[dict[str, Any]]:
    """The verdicts, current after every review round, fatal first, then failed, then the
    ones that need review, then the rest."""
    current = {i.item_id: i for i in state.items} if state else {}
    reviewed = bool(result) and (result.review_status != "unreviewed" or result.locked)
    items = []
    for row in result.items if result else []:
        now = current.get(row.item_id)
        status = now.status if now else row.status
        evidence = [_masked_evidence(e) for e in row.evidence]
        items.append(
            {
                "id": row.item_id,
                "title": row.title or row.item_id,
                "machine": row.status,
                "status": status,
                "changed": status != row.status,
                "deduction": now.deduction if now else row.deduction,
                "fatal": row.fatal,
                "needs_review": row.needs_review,
                "confidence": row.confidence,
                "basis": [b for b in row.basis.split(",") if b],
                "route": row.route,
                "review_reason": row.review_reason,
                "group": ws.severity(status, row.fatal, row.needs_review, row.route, reviewed),
                "raw_evidence": row.evidence,
                "evidence": evidence,
                "rows": ws.evidence_rows(row.evidence, row.item_id, _masked),
            }
        )
    return ws.ordered(items)


def _segment(i: int, s: Any, hits: list[tuple[int, int, str]]) -> dict[str, Any]:
    shown = _masked(s.text)
    return {
        "i": i,
        "start": s.start_s,
        "end": s.end_s,
        "role": s.role,
        "text": shown,
        "runs": ws.runs(s.text, shown, hits, ws.low_words(s.text, s.words)),
        "low": ws.sentence_is_low(s.confidence, s.words),
        "confidence": s.confidence,
    }


def _channel_roles(segments: Any) -> list[str]:
    """Each channel's speaker (the role most of its sentences have), channel 0 first."""
    by_channel: dict[int, Counter] = {}
    for s in segments:
        if s.channel is not None:
            by_channel.setdefault(s.channel, Counter())[s.role] += 1
    return [by_channel[c].most_common(1)[0][0] for c in sorted(by_channel)]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    """Users as people know them: the name, the agent code beside it."""
    return {
        u.id: agent_label(u.display_name, u.agent_id) or u.username
        for u in session.scalars(select(User).where(User.id.in_(ids)))
    }


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


def _review_error(exc: ReviewError) -> str:
    """A refused round in the reviewer's language (the rules speak English)."""
    text = str(exc)
    if text.startswith("nothing to record"):
        return _("Nothing ticked: confirm or overturn at least one item, or add a deduction.")
    if "final judgement" in text:
        return _("This call has a final judgement and can no longer be reviewed.")
    if text.startswith("manual deduction") or "needs a title" in text:
        return _("A manual deduction needs a title and points between 0 and 100.")
    return _("The review could not be saved: %(reason)s", reason=text)


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
    error = ""
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        result = current_result(session, call.id)
        if result is None:
            abort(409, _("This call has no QA result to review."))
        try:
            score = submit_review(
                session, me(session), result, scorecard(), verdicts, comments, manual
            )
        except ReviewError as exc:
            error = _review_error(exc)
        else:
            following = _next_call(session, pk) if form.get("then") == "next" else None
    if error:
        return _render(pk, error)
    flash(_("Review saved. Final score: %(score)s", score=round(score)), "success")
    if form.get("then") == "next":
        if following is not None:
            return redirect(url_for("review.call_page", pk=following))
        flash(_("No unreviewed calls left in the queue."), "info")
        return redirect(url_for("review.index"))
    return _back(pk)


@bp.post("/calls/<int:pk>/flags/<flag>")
@requires(*REVIEWERS)
def decide_flag_route(pk: int, flag: str):
    """A reviewer confirms or dismisses a flag the machine raised."""
    decision = request.form.get("decision", "")
    with sessions().begin() as session:
        call = require_visible(session.get(Call, pk), current_user)
        try:
            decide_flag(
                session, me(session), call.id, flag, decision, request.form.get("comment", "")[:500]
            )
        except FlagDecisionError as exc:
            abort(400, _("The flag could not be decided: %(reason)s", reason=str(exc)))
    shown = next((f.title for f in scorecard().flags if f.id == flag), None) or label(flag, "flag")
    if decision == "dismissed":
        flash(_("Flag dismissed: %(flag)s", flag=shown), "success")
    else:
        flash(_("Flag confirmed: %(flag)s", flag=shown), "success")
    return redirect(url_for("review.call_page", pk=pk))


@bp.app_template_filter("clock")
def clock(seconds: float | None) -> str:
    """A time in the call as m:ss."""
    whole = int(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"
