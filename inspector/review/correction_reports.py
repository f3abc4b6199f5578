"""Transcript corrections read back: the trail a call page shows, the export (`inspector export
--corrections`) and the glossary terms they suggest (`inspector glossary suggest`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asr.glossary_suggest import Suggestion, suggest
from inspector.store.correction_models import TranscriptCorrection
from inspector.store.models import Call, User
from scoring.pii import mask_pii


@dataclass(frozen=True)
class TrailEntry:
    """One correction as the call page lists it."""

    id: int
    at: datetime
    who: str
    segment_idx: int
    start_s: float
    text_before: str
    text_after: str
    role_before: str
    role_after: str
    comment: str
    score_before: float | None
    score_after: float | None
    carried: int
    #: (item id, verdict) of each reviewer's verdict the re-score invalidated
    invalidated: tuple[tuple[str, str], ...]

    @property
    def delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 2)


def correction_trail(session: Session, call_pk: int) -> list[TrailEntry]:
    """Every correction of a call's transcript, oldest first, with who made it."""
    rows = session.execute(
        select(TranscriptCorrection, User.username, User.display_name)
        .join(User, User.id == TranscriptCorrection.user_id)
        .where(TranscriptCorrection.call_pk == call_pk)
        .order_by(TranscriptCorrection.created_at, TranscriptCorrection.id)
    )
    return [
        TrailEntry(
            c.id,
            c.created_at,
            display or username,
            c.segment_idx,
            c.start_s,
            c.text_before,
            c.text_after,
            c.role_before,
            c.role_after,
            c.comment or "",
            c.score_before,
            c.score_after,
            len(c.carried or []),
            tuple((i.get("item_id") or "", i.get("verdict") or "") for i in c.invalidated or []),
        )
        for c, username, display in rows
    ]


#: the export's columns: key, header
EXPORT_COLUMNS = (
    ("call_id", "通话编号"),
    ("agent_id", "坐席工号"),
    ("segment", "句序"),
    ("start_s", "开始（秒）"),
    ("role_before", "原说话人"),
    ("role_after", "更正说话人"),
    ("text_before", "原文"),
    ("text_after", "更正文本"),
    ("reviewer", "更正人"),
    ("corrected_at", "更正时间"),
    ("comment", "说明"),
    ("score_before", "更正前得分"),
    ("score_after", "更正后得分"),
    ("delta", "得分变化"),
    ("invalidated", "失效的复核结论"),
)


def export_rows(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    unmasked: bool = False,
    tz: tzinfo = UTC,
) -> list[dict[str, Any]]:
    """Every correction (oldest first) as an export row, its time in `tz`; phone, ID and card
    numbers masked unless `unmasked` (the sentences are customers' words)."""
    query = (
        select(TranscriptCorrection, Call.call_id, Call.agent_id, User.username)
        .join(Call, Call.id == TranscriptCorrection.call_pk)
        .join(User, User.id == TranscriptCorrection.user_id)
        .order_by(TranscriptCorrection.created_at, TranscriptCorrection.id)
    )
    if start is not None:
        query = query.where(TranscriptCorrection.created_at >= start)
    if end is not None:
        query = query.where(TranscriptCorrection.created_at < end)
    show = (lambda t: t) if unmasked else mask_pii
    out = []
    for c, call_id, agent_id, username in session.execute(query):
        delta = (
            round(c.score_after - c.score_before, 2)
            if c.score_before is not None and c.score_after is not None
            else None
        )
        out.append(
            {
                "call_id": call_id,
                "agent_id": agent_id or "",
                "segment": c.segment_idx,
                "start_s": c.start_s,
                "role_before": c.role_before,
                "role_after": c.role_after,
                "text_before": show(c.text_before),
                "text_after": show(c.text_after),
                "reviewer": username,
                "corrected_at": c.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                "comment": show(c.comment or ""),
                "score_before": c.score_before,
                "score_after": c.score_after,
                "delta": delta,
                "invalidated": ";".join(
                    f"{i.get('item_id')}:{i.get('verdict')}" for i in c.invalidated or []
                ),
            }
        )
    return out


def glossary_suggestions(
    session: Session, min_count: int = 3, known: frozenset[str] = frozenset()
) -> list[Suggestion]:
    """Terms reviewers wrote in place of what the ASR heard in at least `min_count` corrections
    (text corrections only), leaving out the glossary's `known` terms."""
    rows = session.execute(
        select(Call.call_id, TranscriptCorrection.text_before, TranscriptCorrection.text_after)
        .join(Call, Call.id == TranscriptCorrection.call_pk)
        .where(TranscriptCorrection.text_before != TranscriptCorrection.text_after)
        .order_by(TranscriptCorrection.created_at, TranscriptCorrection.id)
    )
    return suggest(((c, b, a) for c, b, a in rows), min_count, known)
