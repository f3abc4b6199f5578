"""The review queue: flagged calls first, filters, sorting, pagination and QA sampling."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from inspector.store.models import Call, CallFlag, ItemResultRow, Job, ScoreResult, SurveyResponse
from inspector.store.reason_models import CallReason

SORTS = {
    "priority": "flagged first (fatal, review needed, risk flags), newest first",
    "newest": "newest first",
    "oldest": "oldest first",
    "score": "lowest score first",
}
REVIEW_STATUSES = ("unreviewed", "reviewed", "appeal_accepted")


@dataclass(frozen=True)
class QueueFilter:
    start: datetime | None = None
    end: datetime | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    item: str | None = None  # a failed scorecard item
    flag: str | None = None
    reason: str | None = None  # a call reason in force (the model's or a reviewer's)
    score_min: float | None = None
    score_max: float | None = None
    survey: str | None = None  # satisfied | basic | dissatisfied | none
    review: str | None = None  # unreviewed | reviewed | appeal_accepted
    status: str | None = None  # job status
    sort: str = "priority"


@dataclass(frozen=True)
class QueueRow:
    pk: int
    call_id: str
    started_at: datetime | None
    agent: str | None
    team: str | None
    queue: str | None
    status: str
    #: why processing failed, with server paths replaced by the recording's name (every role)
    error: str | None
    score: float | None
    fatal: bool
    needs_review: bool
    review_status: str | None
    flags: list[str] = field(default_factory=list)
    #: items the machine was unsure of (routed to a reviewer or sampled): title, route,
    #: confidence
    unsure: list[tuple[str, str, float]] = field(default_factory=list)
    #: the failure reason as the worker wrote it, paths included (admins and logs only)
    error_detail: str | None = None
    #: why the customer called: the reason codes in force
    reasons: list[str] = field(default_factory=list)


#: an absolute file path inside a message (POSIX or Windows), up to a space, quote or colon
_PATH = re.compile(r"""(?<![\w.:/])(?:[A-Za-z]:)?[/\\](?:[^\s'"():/\\]+[/\\])+[^\s'"():,;]*""")


def public_reason(error: str | None, recording: str, paths: tuple[str | None, ...] = ()) -> str:
    """A failure reason fit for every role: the recording's paths (source file, stored copy)
    become its name, and any other absolute path its last component."""
    if not error:
        return ""
    for path in sorted((p for p in paths if p), key=len, reverse=True):
        error = error.replace(path, recording)
    return _PATH.sub(lambda m: PurePath(m.group(0).replace("\\", "/")).name or "…", error)


def recording_name(source_path: str | None, call_id: str) -> str:
    """The name people know a recording by: its file name as ingested."""
    return PurePath(source_path).name if source_path else call_id


def _conditions(f: QueueFilter) -> tuple[list[Any], bool, bool]:
    """The filter's WHERE terms, and whether they need the job and the QA result joined."""
    conditions: list[Any] = [Call.is_current.is_(True)]
    if f.start is not None:
        conditions.append(Call.started_at >= f.start)
    if f.end is not None:
        conditions.append(Call.started_at < f.end)
    for column, value in (
        (Call.agent_id, f.agent),
        (Call.team, f.team),
        (Call.skill_queue, f.queue),
    ):
        if value:
            conditions.append(column == value)
    if f.flag:
        conditions.append(Call.id.in_(select(CallFlag.call_pk).where(CallFlag.flag == f.flag)))
    if f.reason:
        conditions.append(
            Call.id.in_(
                select(CallReason.call_pk).where(
                    CallReason.reason == f.reason, CallReason.active.is_(True)
                )
            )
        )
    if f.survey == "none":
        conditions.append(~exists().where(SurveyResponse.call_pk == Call.id))
    elif f.survey:
        conditions.append(
            exists().where(SurveyResponse.call_pk == Call.id, SurveyResponse.level == f.survey)
        )
    needs_job = bool(f.status)
    if f.status:
        conditions.append(Job.status == f.status)
    result_terms = []
    if f.item:
        # a list of call pks from the item index, like the flag filter (a correlated test per
        # call is slower, and SQLite plans an IN over result ids badly inside the count)
        conditions.append(
            Call.id.in_(
                select(ScoreResult.call_pk)
                .join(ItemResultRow, ItemResultRow.result_id == ScoreResult.id)
                .where(ItemResultRow.item_id == f.item, ItemResultRow.status == "failed")
            )
        )
    if f.score_min is not None:
        result_terms.append(ScoreResult.final_score >= f.score_min)
    if f.score_max is not None:
        result_terms.append(ScoreResult.final_score <= f.score_max)
    if f.review:
        result_terms.append(ScoreResult.review_status == f.review)
    return conditions + result_terms, needs_job, bool(result_terms)


def count_query(f: QueueFilter, scope: Any = None, *columns: Any) -> Any:
    """How many calls the filter finds (or these columns of them), joining only what its terms
    need."""
    conditions, needs_job, needs_result = _conditions(f)
    query = select(*columns) if columns else select(func.count(Call.id))
    if needs_job:
        query = query.join(Job, Job.call_pk == Call.id)
    if needs_result:
        query = query.join(ScoreResult, ScoreResult.call_pk == Call.id)
    if scope is not None:
        query = scope(query)
    return query.where(and_(*conditions))


def queue_query(f: QueueFilter, scope: Any = None) -> Any:
    """Current calls with their job and QA result, filtered and sorted."""
    query = (
        select(Call.id, Call.call_id, Call.started_at, Call.agent_id, Call.team, Call.skill_queue)
        .add_columns(Job.status, Job.error, ScoreResult.final_score, ScoreResult.fatal)
        .add_columns(ScoreResult.needs_review, ScoreResult.review_status)
        .add_columns(Call.source_path, Call.audio_path)
        .join(Job, Job.call_pk == Call.id)
        # a call has at most one result: re-processing replaces it (inspector/batch/results.py)
        .outerjoin(ScoreResult, ScoreResult.call_pk == Call.id)
    )
    if scope is not None:
        query = scope(query)
    conditions, _, _ = _conditions(f)
    query = query.where(and_(*conditions))
    newest = (Call.started_at.desc(), Call.id.desc())  # SQLite and PostgreSQL: NULLs last
    if f.sort == "newest":
        return query.order_by(*newest)
    if f.sort == "oldest":
        return query.order_by(Call.started_at.asc(), Call.id)
    if f.sort == "score":
        return query.order_by(ScoreResult.final_score.asc(), *newest)
    return query.order_by(Call.queue_priority, *newest)


def _rows(session: Session, query: Any) -> list[QueueRow]:
    rows = session.execute(query).all()
    flags: dict[int, list[str]] = {}
    unsure: dict[int, list[tuple[str, str, float]]] = {}
    reasons: dict[int, list[str]] = {}
    pks = [r[0] for r in rows]
    if pks:
        for pk, flag in session.execute(
            select(CallFlag.call_pk, CallFlag.flag).where(CallFlag.call_pk.in_(pks))
        ):
            flags.setdefault(pk, []).append(flag)
        for pk, title, route, confidence in session.execute(
            select(ScoreResult.call_pk, ItemResultRow.title, ItemResultRow.route)
            .add_columns(ItemResultRow.confidence)
            .join(ItemResultRow, ItemResultRow.result_id == ScoreResult.id)
            .where(ScoreResult.call_pk.in_(pks), ItemResultRow.route != "final")
        ):
            unsure.setdefault(pk, []).append((title, route, confidence))
        for pk, reason in session.execute(
            select(CallReason.call_pk, CallReason.reason)
            .where(CallReason.call_pk.in_(pks), CallReason.active.is_(True))
            .order_by(CallReason.probability.desc(), CallReason.id)
        ):
            reasons.setdefault(pk, []).append(reason)
    out = []
    for *columns, source_path, audio_path in rows:
        pk = columns[0]
        row = QueueRow(*columns, flags=sorted(set(flags.get(pk, []))), unsure=unsure.get(pk, []))
        name = recording_name(source_path, row.call_id)
        shown = public_reason(row.error, name, (source_path, audio_path)) or None
        out.append(replace(row, error=shown, error_detail=row.error, reasons=reasons.get(pk, [])))
    return out


def page(
    session: Session, f: QueueFilter, number: int, size: int, scope: Any = None
) -> tuple[list[QueueRow], int]:
    """One page of the queue and the total count."""
    query = queue_query(f, scope)
    total = session.scalar(count_query(f, scope)) or 0
    return _rows(session, query.offset((number - 1) * size).limit(size)), int(total)


def sample(
    session: Session,
    f: QueueFilter,
    per_agent: str,
    seed: int,
    number: int = 1,
    size: int = 50,
    scope: Any = None,
) -> tuple[list[QueueRow], int]:
    """Routine QA: N calls ("5") or N percent ("10%") per agent, drawn reproducibly (the same
    seed draws the same calls); returns one page of the draw and its size."""
    text = per_agent.strip()
    percent = text.endswith("%")
    try:
        amount = float(text.rstrip("%"))
    except ValueError:
        raise ValueError(f"sample {per_agent!r}: use a count (5) or a percentage (10%)") from None
    if not math.isfinite(amount) or amount <= 0 or (percent and amount > 100):
        raise ValueError(f"sample {per_agent!r} is out of range")
    ids = session.connection().execute(count_query(f, scope, Call.id, Call.agent_id)).all()
    by_agent: dict[str | None, list[int]] = {}
    for pk, agent in ids:
        by_agent.setdefault(agent, []).append(pk)
    rng = random.Random(seed)
    chosen: list[int] = []
    for agent in sorted(by_agent, key=lambda a: a or ""):
        pks = sorted(by_agent[agent])  # the same seed draws the same calls
        n = round(len(pks) * amount / 100) if percent else int(amount)
        chosen += rng.sample(pks, min(max(n, 1 if percent else 0), len(pks)))
    chosen.sort(reverse=True)  # newest calls (highest ids) first
    shown = chosen[(number - 1) * size : number * size]
    if not shown:
        return [], len(chosen)
    rows = {r.pk: r for r in _rows(session, queue_query(f, scope).where(Call.id.in_(shown)))}
    return [rows[pk] for pk in shown if pk in rows], len(chosen)


def next_unreviewed(session: Session, after_pk: int, scope: Any = None) -> int | None:
    """The next call a reviewer should open: the top of the queue among unreviewed calls."""
    query = queue_query(QueueFilter(review="unreviewed"), scope).where(Call.id != after_pk)
    return session.scalar(query.with_only_columns(Call.id).limit(1))
