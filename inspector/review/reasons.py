"""A call's reasons as reviewers see and correct them; corrections stay in the audit trail and
are exported for retraining the reason heads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.review.rounds import call_trail
from inspector.store.models import AuditEntry, Call, TranscriptSegment, User
from inspector.store.reason_models import CallReason
from scoring.pii import mask_pii
from scoring.reasons.taxonomy import Taxonomy

ACTION = "reasons_corrected"


class ReasonCorrectionError(ValueError):
    """A correction names no reason, an unknown one, or a complaint without its class."""


@dataclass(frozen=True)
class ShownReason:
    code: str
    label: str
    probability: float
    source: str
    evidence: str
    start_s: float | None
    complaint_class: str | None
    complaint_label: str | None


def active_reasons(session: Session, call_pk: int, taxonomy: Taxonomy) -> list[ShownReason]:
    """The reasons that count for a call: a reviewer's correction, else the model's."""
    rows = session.scalars(
        select(CallReason)
        .where(CallReason.call_pk == call_pk, CallReason.active.is_(True))
        .order_by(CallReason.probability.desc(), CallReason.id)
    )
    return [
        ShownReason(
            r.reason,
            taxonomy.label(r.reason),
            r.probability,
            r.source,
            r.evidence,
            r.start_s,
            r.complaint_class,
            taxonomy.complaint_classes.get(r.complaint_class or ""),
        )
        for r in rows
    ]


def correct_reasons(
    session: Session,
    user: User,
    call_pk: int,
    codes: list[str],
    complaint_class: str | None,
    taxonomy: Taxonomy,
    comment: str = "",
) -> list[str]:
    """Replace a call's reasons with a reviewer's; the machine's rows stay (inactive) and the
    change goes to the audit trail. Returns the reasons now in force."""
    chosen = list(dict.fromkeys(c for c in codes if c))
    if not chosen:
        raise ReasonCorrectionError("choose at least one reason")
    unknown = [c for c in chosen if taxonomy.get(c) is None]
    if unknown:
        raise ReasonCorrectionError(f"unknown reason {', '.join(unknown)}")
    complaint = taxonomy.complaint_reason in chosen
    if complaint and complaint_class not in taxonomy.complaint_classes:
        raise ReasonCorrectionError("a complaint needs its class (网络质量 / 资费 / 服务)")
    if not complaint:
        complaint_class = None
    current = list(
        session.scalars(
            select(CallReason).where(CallReason.call_pk == call_pk, CallReason.active.is_(True))
        )
    )
    machine = {
        r.reason: r
        for r in session.scalars(
            select(CallReason).where(CallReason.call_pk == call_pk, CallReason.source == "model")
        )
    }
    before = _state(current)
    for row in current:
        row.active = False
    added = []
    for code in chosen:
        seen = machine.get(code)
        added.append(
            CallReason(
                call_pk=call_pk,
                reason=code,
                probability=1.0,
                segment_idx=seen.segment_idx if seen else None,
                evidence=seen.evidence if seen else "",
                start_s=seen.start_s if seen else None,
                complaint_class=complaint_class if code == taxonomy.complaint_reason else None,
                source="review",
                active=True,
                reviewer_id=user.id,
            )
        )
    session.add_all(added)
    session.add(
        AuditEntry(
            user_id=user.id,
            action=ACTION,
            entity="call",
            entity_id=str(call_pk),
            before=before,
            after=_state(added),
            comment=comment or None,
        )
    )
    session.flush()
    return chosen


def _state(rows: list[CallReason]) -> dict[str, Any]:
    return {
        "reasons": [r.reason for r in rows],
        "complaint_class": next((r.complaint_class for r in rows if r.complaint_class), None),
    }


def correction_trail(session: Session, call_pk: int) -> list[tuple[AuditEntry, str]]:
    """Every correction of a call's reasons, oldest first, with who made it."""
    return call_trail(session, call_pk, ACTION)


CORRECTION_COLUMNS = (
    ("call_id", "通话编号"),
    ("started_at", "通话时间"),
    ("machine", "模型原因"),
    ("corrected", "更正后原因"),
    ("complaint_class", "投诉分类"),
    ("reviewer", "复核人"),
    ("corrected_at", "更正时间"),
    ("customer_text", "客户话语（已脱敏）"),
)


def corrections(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """The latest correction of every corrected call, with the customer's sentences (masked):
    the material to label into scoring/reason_data/ before `inspector models train-reasons`."""
    query = (
        select(AuditEntry, User.username, Call)
        .join(User, User.id == AuditEntry.user_id)
        .join(Call, Call.id == AuditEntry.entity_id.cast(Call.id.type))
        .where(AuditEntry.action == ACTION, AuditEntry.entity == "call")
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    if start is not None:
        query = query.where(AuditEntry.at >= start)
    if end is not None:
        query = query.where(AuditEntry.at < end)
    latest: dict[int, tuple[AuditEntry, str, Call]] = {}
    for entry, username, call in session.execute(query):
        latest[call.id] = (entry, username, call)
    out = []
    for call_pk, (entry, username, call) in latest.items():
        machine = session.scalars(
            select(CallReason.reason)
            .where(CallReason.call_pk == call_pk, CallReason.source == "model")
            .order_by(CallReason.probability.desc())
        ).all()
        text = session.scalars(
            select(TranscriptSegment.text)
            .where(TranscriptSegment.call_pk == call_pk, TranscriptSegment.role == "customer")
            .order_by(TranscriptSegment.start_s)
        ).all()
        after = entry.after or {}
        out.append(
            {
                "call_id": call.call_id,
                "started_at": call.started_at,
                "machine": ",".join(machine),
                "corrected": ",".join(after.get("reasons", [])),
                "complaint_class": after.get("complaint_class") or "",
                "reviewer": username,
                "corrected_at": entry.at,
                "customer_text": mask_pii(" / ".join(text)),
            }
        )
    return out
