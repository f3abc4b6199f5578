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

from inspector.store.models import (
    Assignment,
    Call,
    CallFlag,
    ItemResultRow,
    Job,
    JobStatus,
    ScoreResult,
    SurveyResponse,
    User,
)
from inspector.store.reason_models import CallReason
from inspector.store.worklist_models import dismissed, unsure

SORTS = {
    "priority": "flagged first (fatal, review needed, risk flags), newest first",
    "newest": "newest first",
    "oldest": "oldest first",
    "score": "lowest score first",
}
REVIEW_STATUSES = ("unreviewed", "reviewed", "appeal_accepted")
#: the flag filter's value for calls with a flag routed to a reviewer that nobody has decided
WAITING = "@waiting"
SURVEY_LEVELS = ("satisfied", "basic", "dissatisfied", "none")
#: the query-string keys a queue filter is made of (what a saved filter keeps)
FILTER_KEYS = (
    "from", "to", "agent", "team", "queue", "item", "flag", "reason", "score_min", "score_max",
    "survey", "review", "status", "sort", "sample", "seed",
)  # fmt: skip


@dataclass(frozen=True)
class QueueFilter:
    start: datetime | None = None
    end: datetime | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    item: str | None = None  # a failed scorecard item
    flag: str | None = None  # a flag in force, or WAITING: any flag awaiting a decision
    reason: str | None = None  # a call reason in force (the model's or a reviewer's)
    score_min: float | None = None
    score_max: float | None = None
    survey: str | None = None  # satisfied | basic | dissatisfied | none
    review: str | None = None  # unreviewed | reviewed | appeal_accepted
    status: str | None = None  # job status
    sort: str = "priority"
    assignee: int | None = None  # calls assigned to this user ("我的待办")


@dataclass(frozen=True)
class QueueRow:
    pk: int
    call_id: str
    started_at: datetime | None
    agent: str | None
    agent_name: str | None
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
    #: each flag's confidence and basis, as an item's ((None, ()): not known, e.g. a row written
    #: before they were kept)
    flag_basis: dict[str, tuple[float | None, tuple[str, ...]]] = field(default_factory=dict)
    #: items the machine was unsure of (routed to a reviewer or sampled): title, route,
    #: confidence
    unsure: list[tuple[str, str, float]] = field(default_factory=list)
    #: flags routed to a reviewer (or sampled) that nobody has confirmed or dismissed yet
    unsure_flags: list[str] = field(default_factory=list)
    #: the failure reason as the worker wrote it, paths included (admins and logs only)
    error_detail: str | None = None
    #: why the customer called: the reason codes in force
    reasons: list[str] = field(default_factory=list)
    #: why the call is flagged: its failed and review-needed items (title, status, fatal)
    why: list[tuple[str, str, bool]] = field(default_factory=list)
    #: the reviewer the call is assigned to (their display name or user name)
    assignee: str | None = None

    @property
    def state(self) -> str:
        """The call's status in one word: its processing state until scored, then the review
        state once reviewed, else what the machine found (fatal, needs review, flagged)."""
        if self.status != "done":
            return self.status
        if "no_speech" in self.flags:
            return "no_speech"
        if self.review_status in ("reviewed", "appeal_accepted"):
            return self.review_status
        if self.fatal:
            return "fatal"
        if self.needs_review or self.unsure_flags:
            return "needs_review"
        return "flagged" if self.flags else "scored"


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
    if f.flag == WAITING:
        conditions.append(Call.id.in_(select(CallFlag.call_pk).where(unsure())))
    elif f.flag:
        conditions.append(
            Call.id.in_(select(CallFlag.call_pk).where(CallFlag.flag == f.flag, ~dismissed()))
        )
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
    if f.assignee is not None:
        conditions.append(
            Call.id.in_(select(Assignment.call_pk).where(Assignment.assignee_id == f.assignee))
        )
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


def count_query(f: QueueFilter, scope: Any = None, *columns: Any, sorted_: bool = False) -> Any:
    """How many calls the filter finds (or these columns of them), joining only what its terms
    need (and the QA result when `sorted_` and the filter's order reads the score)."""
    conditions, needs_job, needs_result = _conditions(f)
    query = select(*columns) if columns else select(func.count(Call.id))
    if needs_job:
        query = query.join(Job, Job.call_pk == Call.id)
    if needs_result:
        query = query.join(ScoreResult, ScoreResult.call_pk == Call.id)
    elif sorted_ and f.sort == "score":
        query = query.outerjoin(ScoreResult, ScoreResult.call_pk == Call.id)
    if scope is not None:
        query = scope(query)
    query = query.where(and_(*conditions))
    return query.order_by(*order(f)) if sorted_ else query


def order(f: QueueFilter) -> tuple[Any, ...]:
    """The ORDER BY of the filter's sort (every order ends on the call id: a total order)."""
    newest = (Call.started_at.desc(), Call.id.desc())  # SQLite and PostgreSQL: NULLs last
    if f.sort == "newest":
        return newest
    if f.sort == "oldest":
        return (Call.started_at.asc(), Call.id)
    if f.sort == "score":
        return (ScoreResult.final_score.asc().nulls_last(), *newest)
    return (Call.queue_priority, *newest)


def queue_query(f: QueueFilter, scope: Any = None) -> Any:
    """Current calls with their job and QA result, filtered and sorted."""
    query = (
        select(Call.id, Call.call_id, Call.started_at, Call.agent_id, Call.agent_name)
        .add_columns(Call.team, Call.skill_queue)
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
    return query.where(and_(*conditions)).order_by(*order(f))


def _rows(session: Session, query: Any) -> list[QueueRow]:
    """The page's rows, with what each shows besides its columns read by one IN query per kind
    over the page's ids (never one query per row)."""
    rows = session.execute(query).all()
    pks = [r[0] for r in rows]
    details = _Details.load(session, pks) if pks else _Details()
    out = []
    for *columns, source_path, audio_path in rows:
        pk = columns[0]
        row = QueueRow(
            *columns,
            flags=sorted(set(details.flags.get(pk, []))),
            flag_basis=details.flag_basis.get(pk, {}),
            unsure_flags=sorted(details.unsure_flags.get(pk, set())),
            unsure=details.unsure.get(pk, []),
            why=details.why.get(pk, []),
            assignee=details.assignees.get(pk),
        )
        name = recording_name(source_path, row.call_id)
        shown = public_reason(row.error, name, (source_path, audio_path)) or None
        out.append(
            replace(row, error=shown, error_detail=row.error, reasons=details.reasons.get(pk, []))
        )
    return out


@dataclass
class _Details:
    flags: dict[int, list[str]] = field(default_factory=dict)
    flag_basis: dict[int, dict[str, tuple[float | None, tuple[str, ...]]]] = field(
        default_factory=dict
    )
    unsure: dict[int, list[tuple[str, str, float]]] = field(default_factory=dict)
    unsure_flags: dict[int, set[str]] = field(default_factory=dict)
    why: dict[int, list[tuple[str, str, bool]]] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    assignees: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, pks: list[int]) -> _Details:
        d = cls()
        for pk, flag, confidence, basis, waiting in session.execute(
            select(CallFlag.call_pk, CallFlag.flag, CallFlag.confidence, CallFlag.basis)
            .add_columns(unsure())
            .where(CallFlag.call_pk.in_(pks), ~dismissed())
        ):
            d.flags.setdefault(pk, []).append(flag)
            kinds = tuple(b for b in (basis or "").split(",") if b)
            d.flag_basis.setdefault(pk, {})[flag] = (confidence, kinds)
            if waiting:
                d.unsure_flags.setdefault(pk, set()).add(flag)
        flagged = ItemResultRow.status.in_(("failed", "needs_review"))
        for pk, title, status, fatal, route, confidence in session.execute(
            select(ScoreResult.call_pk, ItemResultRow.title, ItemResultRow.status)
            .add_columns(ItemResultRow.fatal, ItemResultRow.route, ItemResultRow.confidence)
            .join(ItemResultRow, ItemResultRow.result_id == ScoreResult.id)
            .where(ScoreResult.call_pk.in_(pks), flagged | (ItemResultRow.route != "final"))
            .order_by(ItemResultRow.fatal.desc(), ItemResultRow.id)
        ):
            if status in ("failed", "needs_review"):
                d.why.setdefault(pk, []).append((title, status, bool(fatal)))
            if route != "final":
                d.unsure.setdefault(pk, []).append((title, route, confidence))
        for pk, reason in session.execute(
            select(CallReason.call_pk, CallReason.reason)
            .where(CallReason.call_pk.in_(pks), CallReason.active.is_(True))
            .order_by(CallReason.probability.desc(), CallReason.id)
        ):
            d.reasons.setdefault(pk, []).append(reason)
        for pk, name, username in session.execute(
            select(Assignment.call_pk, User.display_name, User.username)
            .join(User, User.id == Assignment.assignee_id)
            .where(Assignment.call_pk.in_(pks))
        ):
            d.assignees[pk] = name or username
        return d


def page(
    session: Session, f: QueueFilter, number: int, size: int, scope: Any = None
) -> tuple[list[QueueRow], int]:
    """One page of the queue and the total count."""
    query = queue_query(f, scope)
    total = session.scalar(count_query(f, scope)) or 0
    return _rows(session, query.offset((number - 1) * size).limit(size)), int(total)


def first_ids(session: Session, f: QueueFilter, n: int, scope: Any = None) -> list[int]:
    """The ids of the filter's first n calls, in its order (what "assign the first N" takes)."""
    query = queue_query(f, scope).with_only_columns(Call.id).limit(n)
    return list(session.scalars(query))


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
    seed draws the same calls, whatever the sort), shown in the filter's sort order; returns one
    page of the draw and its size."""
    amount, percent = _sample_size(per_agent)
    # every call the filter finds, in its order: the draw is made from them by agent, then
    # the drawn ones keep that order (by score: newest first here, then a stable sort by the
    # score, faster than joining every call's result into the scan)
    by_score = f.sort == "score"
    scan = replace(f, sort="newest") if by_score else f
    ids = session.connection().execute(
        count_query(scan, scope, Call.id, Call.agent_id, sorted_=True)
    )
    ordered: list[int] = []
    by_agent: dict[str | None, list[int]] = {}
    for pk, agent in ids:
        ordered.append(pk)
        by_agent.setdefault(agent, []).append(pk)
    rng = random.Random(seed)
    chosen: set[int] = set()
    for agent in sorted(by_agent, key=lambda a: a or ""):
        pks = sorted(by_agent[agent])  # the same seed draws the same calls
        n = round(len(pks) * amount / 100) if percent else int(amount)
        chosen.update(rng.sample(pks, min(max(n, 1 if percent else 0), len(pks))))
    drawn = [pk for pk in ordered if pk in chosen]
    if by_score:
        scores: dict[int, float | None] = {
            pk: score
            for pk, score in session.connection().execute(
                select(ScoreResult.call_pk, ScoreResult.final_score)
            )
        }
        drawn.sort(key=lambda pk: (scores.get(pk) is None, scores.get(pk) or 0.0))
    shown = drawn[(number - 1) * size : number * size]
    if not shown:
        return [], len(drawn)
    rows = {r.pk: r for r in _rows(session, queue_query(f, scope).where(Call.id.in_(shown)))}
    return [rows[pk] for pk in shown if pk in rows], len(drawn)


def _sample_size(per_agent: str) -> tuple[float, bool]:
    text = per_agent.strip()
    percent = text.endswith("%")
    try:
        amount = float(text.rstrip("%"))
    except ValueError:
        raise ValueError(f"sample {per_agent!r}: use a count (5) or a percentage (10%)") from None
    if not math.isfinite(amount) or amount <= 0 or (percent and amount > 100):
        raise ValueError(f"sample {per_agent!r} is out of range")
    return amount, percent


def status_counts(session: Session, scope: Any = None) -> dict[str, int]:
    """Calls by processing status (every status present, zero when none); with a scope, only
    the calls it lets through (an agent counts their own)."""
    query = select(Job.status, func.count()).group_by(Job.status)
    if scope is not None:
        query = scope(query.join(Call, Call.id == Job.call_pk))
    out = {str(status): 0 for status in JobStatus}
    out.update({str(status): int(n) for status, n in session.execute(query)})
    return out


def next_unreviewed(session: Session, after_pk: int, scope: Any = None) -> int | None:
    """The next call a reviewer should open: the top of the queue among unreviewed calls."""
    query = queue_query(QueueFilter(review="unreviewed"), scope).where(Call.id != after_pk)
    return session.scalar(query.with_only_columns(Call.id).limit(1))
