"""The facts behind the managers' dashboard as numpy columns, read once and kept while the
database does not change.

Every chart is a filter and a bincount over these columns: 100,000 calls and 1,000,000 survey
responses answer in milliseconds once read. Reading them is one scan per table; a cheap stamp
(row counts and highest ids of the tables that feed them, the latest review or appeal decision)
tells when they must be read again, so a new import or review shows on the next request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inspector.reports.reason_facts import ReasonFacts, load_reason_facts
from inspector.reports.satisfaction import local_days, scan_array
from inspector.store.models import (
    Appeal,
    Call,
    CallFlag,
    Review,
    ScoreResult,
    SurveyResponse,
    utcnow,
)
from inspector.store.reason_models import CallReason
from inspector.store.worklist_models import FlagDecision, dismissed, unsure
from surveys.indices import Level

logger = logging.getLogger(__name__)

#: with a refresh interval, the tables' stamps are checked at most this often
STAMP_TTL_S = 2.0
LEVELS = list(Level)  # level code k+1 = LEVELS[k]; 0 = no level
SCALES = ["ivr3", "csat5", "ten_point", "nps11"]  # scale code k+1; 0 = none


@dataclass(frozen=True)
class Names:
    """Codes of a text column: codes index `values`; code 0 is "(none)"."""

    values: list[str]

    def code(self, value: str | None) -> int:
        try:
            return self.values.index(value) if value else -1
        except ValueError:
            return -1


@dataclass(frozen=True)
class CallFacts:
    """One row per current call with a QA result, ordered by call pk."""

    pk: np.ndarray  # int64, sorted
    started: np.ndarray  # int64 epoch seconds (-1 unknown)
    day: np.ndarray  # int64 local day number (days since 1970-01-01 in the centre's zone)
    agent: np.ndarray  # int32 codes into agents
    team: np.ndarray
    queue: np.ndarray
    score: np.ndarray  # float64: the reviewed score when there is one
    fatal: np.ndarray  # bool
    failed: np.ndarray  # bool (calls, items)
    applicable: np.ndarray  # bool (calls, items)
    flagged: np.ndarray  # bool (calls, flags): the flags in force
    waiting: np.ndarray  # bool (calls, flags): in force and waiting for a reviewer's decision
    agents: Names
    teams: Names
    queues: Names
    items: list[str]
    flags: list[str]
    #: why each call was made (inspector/reports/reason_facts.py)
    why: ReasonFacts
    #: each agent code's name, as the calls give it (the latest call's name wins)
    agent_names: dict[str, str] = field(default_factory=dict)

    def rows_of(self, call_pk: np.ndarray) -> np.ndarray:
        """Row of each call pk, -1 where the call is not here (not current or not scored)."""
        if not len(self.pk):
            return np.full(len(call_pk), -1, dtype=np.int64)
        at = np.clip(np.searchsorted(self.pk, call_pk), 0, len(self.pk) - 1)
        return np.where(self.pk[at] == call_pk, at, -1)


@dataclass(frozen=True)
class SurveyFacts:
    """One row per survey invitation that has a send time, in id order."""

    last_id: int  # the highest survey id read
    sent: np.ndarray  # int64 epoch seconds
    day: np.ndarray  # int64 local day number
    call_pk: np.ndarray  # int64, 0 = joined to no call
    responded: np.ndarray  # bool
    level: np.ndarray  # int8: 0 none, k+1 = LEVELS[k]
    nps: np.ndarray  # int8: -1 none, else 0..10
    scale: np.ndarray  # int8: 0 none, k+1 = SCALES[k]
    score: np.ndarray  # float32: the main answer (NaN none)

    def __len__(self) -> int:
        return len(self.sent)

    def append(self, more: SurveyFacts) -> SurveyFacts:
        joined = {
            name: np.concatenate([getattr(self, name), getattr(more, name)])
            for name in ("sent", "day", "call_pk", "responded", "level", "nps", "scale", "score")
        }
        return SurveyFacts(last_id=max(self.last_id, more.last_id), **joined)


@dataclass(frozen=True)
class Facts:
    """What one dashboard request reads: calls, surveys and each survey's call row."""

    calls: CallFacts
    surveys: SurveyFacts | None
    survey_call_row: np.ndarray | None  # row into calls, -1 = not a current scored call
    as_of: datetime  # when the call facts were read
    refreshing: bool  # a newer read is under way


def call_stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever calls, results, reviews, appeal decisions, flags or flag decisions
    change."""
    queries = (
        select(func.max(Call.id), func.count(Call.id).filter(Call.is_current)),
        select(func.max(ScoreResult.id), func.count(ScoreResult.id)),
        select(func.max(Review.id)),
        select(func.max(Appeal.id), func.max(Appeal.decided_at)),
        select(func.max(CallFlag.id), func.count(CallFlag.id)),
        select(
            func.max(FlagDecision.id),
            func.max(FlagDecision.decided_at),
            func.count(FlagDecision.id).filter(FlagDecision.decision == "dismissed"),
        ),
        select(func.max(CallReason.id), func.count(CallReason.id)),
    )
    return tuple(tuple(session.execute(q).one()) for q in queries)


def survey_stamp(session: Session) -> tuple[int, int]:
    """(highest id, count): responses are only ever added, so this tells what is new."""
    top, n = session.execute(select(func.max(SurveyResponse.id), func.count())).one()
    return int(top or 0), int(n)


def _epoch_sql(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"CAST(ROUND((julianday({column}) - 2440587.5) * 86400) AS INTEGER)"
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"


def _rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """A plain driver query inside the session's transaction: Row objects for a few hundred
    thousand rows would cost more than the query."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, tuple(params)) if params else cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


class _Coder:
    def __init__(self) -> None:
        self.values = ["(none)"]
        self.index = {"(none)": 0}

    def __call__(self, value: str | None) -> int:
        key = value or "(none)"
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.values)
            self.values.append(key)
        return found


def load_call_facts(session: Session, tz: ZoneInfo, items: Sequence[str] = ()) -> CallFacts:
    """Read current calls with their latest QA result, failed items and flags."""
    dialect = session.get_bind().dialect.name
    rows = _rows(
        session,
        f"SELECT c.id, COALESCE({_epoch_sql(dialect, 'c.started_at')}, -1), c.agent_id, c.team,"
        " c.skill_queue, r.id, COALESCE(r.final_score, r.score), r.fatal, c.agent_name"
        " FROM calls c JOIN score_results r ON r.call_pk = c.id"
        " AND r.id = (SELECT MAX(id) FROM score_results WHERE call_pk = c.id)"
        " WHERE c.is_current ORDER BY c.id",
    )
    n = len(rows)
    agents, teams, queues = _Coder(), _Coder(), _Coder()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    pk = np.array(columns[0], dtype=np.int64)
    started = np.array(columns[1], dtype=np.int64)
    result_ids = np.array(columns[5], dtype=np.int64)
    # only the exceptions are read: failed and not-applicable items (most items pass)
    exceptions = _rows(
        session,
        "SELECT result_id, item_id, status FROM item_results"
        " WHERE status IN ('failed', 'not_applicable')",
    )
    all_items = sorted(set(items) | {r[1] for r in exceptions})
    item_code = {item: k for k, item in enumerate(all_items)}
    failed = np.zeros((n, len(all_items)), dtype=bool)
    applicable = np.ones((n, len(all_items)), dtype=bool)
    if exceptions and n:
        rid = np.array([r[0] for r in exceptions], dtype=np.int64)
        col = np.array([item_code[r[1]] for r in exceptions], dtype=np.int64)
        is_failed = np.array([r[2] == "failed" for r in exceptions], dtype=bool)
        order = np.argsort(result_ids)
        at = order[np.clip(np.searchsorted(result_ids[order], rid), 0, n - 1)]
        keep = result_ids[at] == rid
        failed[at[keep & is_failed], col[keep & is_failed]] = True
        applicable[at[keep & ~is_failed], col[keep & ~is_failed]] = False
    # the flags in force: one a reviewer dismissed (a false alarm) counts nowhere; and of
    # those, the ones still waiting for a reviewer's decision (the queue's rules, in SQL)
    flag_rows = session.execute(
        select(CallFlag.call_pk, CallFlag.flag, unsure()).where(~dismissed())
    ).all()
    flag_names = sorted({r[1] for r in flag_rows})
    flagged = np.zeros((n, len(flag_names)), dtype=bool)
    waiting = np.zeros_like(flagged)
    if flag_rows and n:
        fpk = np.array([r[0] for r in flag_rows], dtype=np.int64)
        code = {f: k for k, f in enumerate(flag_names)}
        fcol = np.array([code[r[1]] for r in flag_rows], dtype=np.int64)
        unsure_row = np.array([bool(r[2]) for r in flag_rows], dtype=bool)
        at = np.clip(np.searchsorted(pk, fpk), 0, n - 1)
        keep = pk[at] == fpk
        flagged[at[keep], fcol[keep]] = True
        waiting[at[keep & unsure_row], fcol[keep & unsure_row]] = True
    return CallFacts(
        pk=pk,
        started=started,
        day=np.where(started >= 0, local_days(started, tz), -1),
        agent=np.array([agents(v) for v in columns[2]], dtype=np.int32),
        team=np.array([teams(v) for v in columns[3]], dtype=np.int32),
        queue=np.array([queues(v) for v in columns[4]], dtype=np.int32),
        score=np.array(columns[6], dtype=np.float64),
        fatal=np.array(columns[7], dtype=bool),
        failed=failed,
        applicable=applicable,
        flagged=flagged,
        waiting=waiting,
        agents=Names(agents.values),
        teams=Names(teams.values),
        queues=Names(queues.values),
        items=all_items,
        flags=flag_names,
        why=load_reason_facts(session, _rows, pk),
        agent_names={a: name for a, name in zip(columns[2], columns[8], strict=True) if a and name},
    )


def _survey_sql(dialect: str) -> str:
    """One packed integer per response besides its send time: the driver builds two Python ints
    a row instead of seven values."""
    level = " ".join(f"WHEN '{lv}' THEN {k + 1}" for k, lv in enumerate(LEVELS))
    scale = " ".join(f"WHEN '{s}' THEN {k + 1}" for k, s in enumerate(SCALES))
    responded = "CASE WHEN responded THEN 1 ELSE 0 END"
    # bits: responded 1 | level 2 | nps+1 4 | scale 3 | round(2 * score) + 1 6 | call_pk above
    packed = (
        f"({responded}) + 2 * (CASE level {level} ELSE 0 END)"
        " + 8 * (CASE WHEN nps IS NULL THEN 0 ELSE CAST(nps AS INTEGER) + 1 END)"
        f" + 128 * (CASE scale {scale} ELSE 0 END)"
        " + 1024 * (CASE WHEN score IS NULL THEN 0 ELSE CAST(ROUND(2 * score) AS INTEGER) + 1 END)"
        " + 65536 * COALESCE(call_pk, 0)"
    )
    return (
        f"SELECT {_epoch_sql(dialect, 'sent_at')}, {packed} FROM survey_responses"
        " WHERE sent_at IS NOT NULL AND id > {after} AND id <= {upto}"
    )


def load_survey_facts(
    session: Session, tz: ZoneInfo, after_id: int = 0, upto_id: int | None = None
) -> SurveyFacts:
    """Read the invitations with after_id < id <= upto_id: send time, call and answer."""
    dialect = session.get_bind().dialect.name
    if upto_id is None:
        upto_id = survey_stamp(session)[0]
    sql = _survey_sql(dialect).format(after=int(after_id), upto=int(upto_id))
    a = scan_array(session, sql, (), 2, np.int64)
    packed = a[:, 1]
    score_code = (packed >> 10) & 63
    sent = a[:, 0].copy()
    return SurveyFacts(
        last_id=int(upto_id),
        sent=sent,
        day=local_days(sent, tz),
        call_pk=packed >> 16,
        responded=(packed & 1).astype(bool),
        level=((packed >> 1) & 3).astype(np.int8),
        nps=(((packed >> 3) & 15) - 1).astype(np.int8),
        scale=((packed >> 7) & 7).astype(np.int8),
        score=np.where(score_code > 0, (score_code - 1) / 2, np.nan).astype(np.float32),
    )


class FactsCache:
    """The latest facts of one database, kept between requests.

    Survey responses are only ever added: new ones are read and appended (a full read only when
    the count says some were removed). Calls change in place (reviews, appeals, flags): when
    their stamp changes they are read again, in the background when `background` is set, the
    previous facts answering meanwhile (`Facts.refreshing`, `as_of` say so), and no sooner than
    `min_refresh_s` after the previous read began.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        tz: ZoneInfo,
        items: Callable[[], Sequence[str]] = tuple,
        background: bool = True,
        min_refresh_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = session_factory
        self._tz = tz
        self._items = items  # the scorecard's items, read when the facts are
        self._background = background
        # while reviews keep arriving the stamp changes every few seconds: a read of 100,000
        # calls costs about a core-second, so each server process reads at most this often
        self._min_refresh_s = min_refresh_s
        self._clock = clock
        self._read_at = float("-inf")
        # the stamps themselves cost a count over each table (~50 ms at 1,000,000 responses):
        # with an interval set, the seven requests of one dashboard load share one check
        self._stamp_ttl_s = min(STAMP_TTL_S, min_refresh_s)
        self._calls_checked: tuple[float, bool] = (float("-inf"), False)  # (when, refreshing)
        self._surveys_checked = float("-inf")
        self._lock = threading.RLock()
        self._calls: tuple[tuple[Any, ...], CallFacts, datetime] | None = None
        self._surveys: tuple[tuple[int, int], SurveyFacts] | None = None
        self._join: tuple[int, np.ndarray] | None = None  # (id of the call facts, rows)
        self._refresh: threading.Thread | None = None

    def get(self, session: Session, with_surveys: bool = True) -> Facts:
        calls, as_of, refreshing = self._current_calls(session)
        if not with_surveys:
            return Facts(calls, None, None, as_of, refreshing)
        surveys = self._current_surveys(session)
        with self._lock:
            done = 0
            if self._join is not None and self._join[0] == id(calls):
                done = len(self._join[1])
            if done > len(surveys):
                done = 0
            if done < len(surveys):
                more = calls.rows_of(surveys.call_pk[done:])
                rows = more if done == 0 else np.concatenate([self._join[1][:done], more])  # type: ignore[index]
                self._join = (id(calls), rows)
            joined = self._join[1] if self._join else np.zeros(0, dtype=np.int64)
        return Facts(calls, surveys, joined[: len(surveys)], as_of, refreshing)

    def _current_calls(self, session: Session) -> tuple[CallFacts, datetime, bool]:
        with self._lock:
            cached, (checked, refreshing) = self._calls, self._calls_checked
            if cached is not None and self._clock() - checked < self._stamp_ttl_s:
                return cached[1], cached[2], refreshing
        stamp = call_stamp(session)
        with self._lock:
            cached = self._calls
            self._calls_checked = (self._clock(), cached is not None and cached[0] != stamp)
            if cached is not None and cached[0] == stamp:
                return cached[1], cached[2], False
            if cached is not None and self._background:
                due = self._clock() - self._read_at >= self._min_refresh_s
                if due and (self._refresh is None or not self._refresh.is_alive()):
                    self._read_at = self._clock()
                    self._refresh = threading.Thread(
                        target=self._reload_calls, name="dashboard-facts", daemon=True
                    )
                    self._refresh.start()
                return cached[1], cached[2], True
            facts = load_call_facts(session, self._tz, self._items())
            self._calls = (stamp, facts, utcnow())
            self._read_at = self._clock()
            return facts, self._calls[2], False

    def _reload_calls(self) -> None:
        try:
            with self._sessions() as session:
                stamp = call_stamp(session)
                facts = load_call_facts(session, self._tz, self._items())
            with self._lock:
                self._calls = (stamp, facts, utcnow())
                self._calls_checked = (self._calls_checked[0], False)
        except Exception:  # the next request tries again; the old facts keep answering
            logger.exception("dashboard facts refresh failed")

    def wait(self, timeout_s: float = 30.0) -> None:
        """Wait for a background refresh under way (tests, warm-up)."""
        thread = self._refresh
        if thread is not None:
            thread.join(timeout_s)

    def _current_surveys(self, session: Session) -> SurveyFacts:
        with self._lock:
            cached = self._surveys
            if cached is not None and self._clock() - self._surveys_checked < self._stamp_ttl_s:
                return cached[1]
        top, count = survey_stamp(session)
        with self._lock:
            self._surveys_checked = self._clock()
            cached = self._surveys
            if cached is not None and cached[0] == (top, count):
                return cached[1]
            if cached is not None and top >= cached[0][0] and count >= cached[0][1]:
                more = load_survey_facts(session, self._tz, cached[0][0], top)
                new_rows = session.scalar(
                    select(func.count()).where(SurveyResponse.id > cached[0][0])
                )
                if cached[0][1] + (new_rows or 0) == count:
                    facts = cached[1].append(more)
                    self._surveys = ((top, count), facts)
                    return facts
            facts = load_survey_facts(session, self._tz, 0, top)
            self._surveys = ((top, count), facts)
            return facts

    def warm(self) -> None:
        """Read everything now (at server start), so the first dashboard request is quick."""
        with self._sessions() as session:
            self.get(session)
