"""The facts behind the managers' dashboard as numpy columns, read once and kept while the
database does not change.

Every chart is a filter and a bincount over these columns: 100,000 calls and 1,000,000 survey
responses answer in milliseconds once read. Reading them is one scan per table; a cheap stamp
(row counts and highest ids of the tables that feed them, the latest review or appeal decision)
tells when they must be read again, so a new import or review shows on the next request.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.models import (
    Appeal,
    Call,
    CallFlag,
    ItemResultRow,
    Review,
    ScoreResult,
    SurveyResponse,
)
from surveys.indices import Level

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
    agent: np.ndarray  # int32 codes into agents
    team: np.ndarray
    queue: np.ndarray
    score: np.ndarray  # float64: the reviewed score when there is one
    fatal: np.ndarray  # bool
    failed: np.ndarray  # bool (calls, items)
    applicable: np.ndarray  # bool (calls, items)
    flagged: np.ndarray  # bool (calls, flags)
    agents: Names
    teams: Names
    queues: Names
    items: list[str]
    flags: list[str]

    def rows_of(self, call_pk: np.ndarray) -> np.ndarray:
        """Row of each call pk, -1 where the call is not here (not current or not scored)."""
        if not len(self.pk):
            return np.full(len(call_pk), -1, dtype=np.int64)
        at = np.clip(np.searchsorted(self.pk, call_pk), 0, len(self.pk) - 1)
        return np.where(self.pk[at] == call_pk, at, -1)


@dataclass(frozen=True)
class SurveyFacts:
    """One row per survey invitation that has a send time."""

    sent: np.ndarray  # int64 epoch seconds
    call_pk: np.ndarray  # int64, 0 = joined to no call
    responded: np.ndarray  # bool
    level: np.ndarray  # int8: 0 none, k+1 = LEVELS[k]
    nps: np.ndarray  # int8: -1 none, else 0..10
    scale: np.ndarray  # int8: 0 none, k+1 = SCALES[k]
    score: np.ndarray  # float32: the main answer (NaN none)


def _stamp(session: Session, *queries: Any) -> tuple[Any, ...]:
    return tuple(tuple(session.execute(q).one()) for q in queries)


def call_stamp(session: Session) -> tuple[Any, ...]:
    """Changes whenever calls, results, reviews, appeal decisions or flags change."""
    return _stamp(
        session,
        select(func.max(Call.id), func.count(Call.id).filter(Call.is_current)),
        select(func.max(ScoreResult.id), func.count(ScoreResult.id)),
        select(func.max(Review.id)),
        select(func.max(Appeal.id), func.max(Appeal.decided_at)),
        select(func.max(CallFlag.id), func.count(CallFlag.id)),
    )


def survey_stamp(session: Session) -> tuple[Any, ...]:
    return _stamp(session, select(func.max(SurveyResponse.id), func.count(SurveyResponse.id)))


def _epoch(value: datetime | None) -> int:
    if value is None:
        return -1
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def load_call_facts(session: Session) -> CallFacts:
    """Read current calls with their latest QA result, failed items and flags."""
    rows = session.execute(
        select(
            Call.id,
            Call.started_at,
            Call.agent_id,
            Call.team,
            Call.skill_queue,
            ScoreResult.id,
            func.coalesce(ScoreResult.final_score, ScoreResult.score),
            ScoreResult.fatal,
        )
        .join(ScoreResult, ScoreResult.call_pk == Call.id)
        .where(Call.is_current.is_(True))
        .order_by(Call.id, ScoreResult.id)
    ).all()
    latest: dict[int, Any] = {}
    for row in rows:
        latest[row[0]] = row  # ordered by result id: the last one wins
    picked = list(latest.values())
    n = len(picked)
    names = {k: ["(none)"] for k in ("agent", "team", "queue")}
    index: dict[str, dict[str, int]] = {k: {"(none)": 0} for k in names}

    def code(kind: str, value: str | None) -> int:
        key = value or "(none)"
        found = index[kind].get(key)
        if found is None:
            found = index[kind][key] = len(names[kind])
            names[kind].append(key)
        return found

    pk = np.fromiter((r[0] for r in picked), dtype=np.int64, count=n)
    result_ids = np.fromiter((r[5] for r in picked), dtype=np.int64, count=n)
    facts_cols = {
        "started": np.fromiter((_epoch(r[1]) for r in picked), dtype=np.int64, count=n),
        "agent": np.fromiter((code("agent", r[2]) for r in picked), dtype=np.int32, count=n),
        "team": np.fromiter((code("team", r[3]) for r in picked), dtype=np.int32, count=n),
        "queue": np.fromiter((code("queue", r[4]) for r in picked), dtype=np.int32, count=n),
        "score": np.fromiter((float(r[6]) for r in picked), dtype=np.float64, count=n),
        "fatal": np.fromiter((bool(r[7]) for r in picked), dtype=bool, count=n),
    }
    # only the exceptions are read: failed and not-applicable items (most items pass)
    item_rows = session.execute(
        select(ItemResultRow.result_id, ItemResultRow.item_id, ItemResultRow.status).where(
            ItemResultRow.status.in_(("failed", "not_applicable"))
        )
    ).all()
    all_items = sorted(set(session.scalars(select(ItemResultRow.item_id).distinct()).all()))
    item_code = {item: k for k, item in enumerate(all_items)}
    order = np.argsort(result_ids)
    failed = np.zeros((n, len(all_items)), dtype=bool)
    applicable = np.ones((n, len(all_items)), dtype=bool)
    if item_rows and n:
        rid = np.fromiter((r[0] for r in item_rows), dtype=np.int64, count=len(item_rows))
        col = np.fromiter(
            (item_code[r[1]] for r in item_rows), dtype=np.int64, count=len(item_rows)
        )
        is_failed = np.fromiter((r[2] == "failed" for r in item_rows), dtype=bool)
        at = np.clip(np.searchsorted(result_ids[order], rid), 0, n - 1)
        row = order[at]
        keep = result_ids[row] == rid
        failed[row[keep & is_failed], col[keep & is_failed]] = True
        applicable[row[keep & ~is_failed], col[keep & ~is_failed]] = False
    flag_rows = session.execute(select(CallFlag.call_pk, CallFlag.flag)).all()
    flag_names = sorted({f for _, f in flag_rows})
    flagged = np.zeros((n, len(flag_names)), dtype=bool)
    if flag_rows and n:
        fpk = np.fromiter((r[0] for r in flag_rows), dtype=np.int64, count=len(flag_rows))
        fcol = np.fromiter(
            (flag_names.index(r[1]) for r in flag_rows), dtype=np.int64, count=len(flag_rows)
        )
        at = np.clip(np.searchsorted(pk, fpk), 0, n - 1)
        keep = pk[at] == fpk
        flagged[at[keep], fcol[keep]] = True
    return CallFacts(
        pk=pk,
        failed=failed,
        applicable=applicable,
        flagged=flagged,
        agents=Names(names["agent"]),
        teams=Names(names["team"]),
        queues=Names(names["queue"]),
        items=all_items,
        flags=flag_names,
        **facts_cols,
    )


def _survey_sql(dialect: str) -> str:
    """One packed integer per response besides its send time: the driver builds two Python ints
    a row instead of seven values."""
    if dialect == "sqlite":
        epoch = "CAST(ROUND((julianday(sent_at) - 2440587.5) * 86400) AS INTEGER)"
    else:
        epoch = "CAST(EXTRACT(EPOCH FROM sent_at) AS BIGINT)"
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
    return f"SELECT {epoch}, {packed} FROM survey_responses WHERE sent_at IS NOT NULL"


def load_survey_facts(session: Session) -> SurveyFacts:
    """Read every invitation's send time, call and answer in one scan."""
    dialect = session.get_bind().dialect.name
    cursor = session.connection().connection.cursor()
    parts = []
    try:
        cursor.execute(_survey_sql(dialect))
        while batch := cursor.fetchmany(200_000):
            flat = itertools.chain.from_iterable(batch)
            parts.append(np.fromiter(flat, dtype=np.int64, count=2 * len(batch)))
    finally:
        cursor.close()
    a = np.concatenate(parts).reshape(-1, 2) if parts else np.zeros((0, 2), dtype=np.int64)
    packed = a[:, 1]
    score_code = (packed >> 10) & 63
    return SurveyFacts(
        sent=a[:, 0].copy(),
        call_pk=packed >> 16,
        responded=(packed & 1).astype(bool),
        level=((packed >> 1) & 3).astype(np.int8),
        nps=(((packed >> 3) & 15) - 1).astype(np.int8),
        scale=((packed >> 7) & 7).astype(np.int8),
        score=np.where(score_code > 0, (score_code - 1) / 2, np.nan).astype(np.float32),
    )


class FactsCache:
    """The latest facts per database, re-read when their stamp changes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: tuple[tuple[Any, ...], CallFacts] | None = None
        self._surveys: tuple[tuple[Any, ...], SurveyFacts] | None = None

    def calls(self, session: Session) -> CallFacts:
        stamp = call_stamp(session)
        with self._lock:
            if self._calls is None or self._calls[0] != stamp:
                self._calls = (stamp, load_call_facts(session))
            return self._calls[1]

    def surveys(self, session: Session) -> SurveyFacts:
        stamp = survey_stamp(session)
        with self._lock:
            if self._surveys is None or self._surveys[0] != stamp:
                self._surveys = (stamp, load_survey_facts(session))
            return self._surveys[1]


def local_days(epoch: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Days since 1970-01-01 in the centre's time zone (daylight saving respected)."""
    from inspector.surveys_report import constant_offsets

    if not len(epoch):
        return epoch.copy()
    first = datetime.fromtimestamp(int(epoch.min()), UTC)
    last = datetime.fromtimestamp(int(epoch.max()), UTC)
    stretches = constant_offsets(tz, first, last)
    bounds = np.array([int(hi.timestamp()) for _, hi, _ in stretches[:-1] if hi is not None])
    offsets = np.array([60 * off for _, _, off in stretches], dtype=np.int64)
    return (epoch + offsets[np.searchsorted(bounds, epoch, side="right")]) // 86400


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_date(day: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + int(day))
