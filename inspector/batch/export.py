"""Export one record per call: metadata, transcript, metrics, score and call reasons, as JSONL
or CSV (cells made spreadsheet-safe by `core.cells`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.cells import CsvDictWriter
from inspector.store.models import Call, ScoreResult
from inspector.store.reason_models import CallReason
from inspector.store.worklist_models import FlagDecision

CSV_COLUMNS = [
    "call_id",
    "version",
    "status",
    "error",
    "agent_id",
    "agent_name",
    "team",
    "skill_queue",
    "direction",
    "started_at",
    "duration_s",
    "channel_layout",
    "sample_rate_hz",
    "audio_sha256",
    "score",
    "fatal",
    "needs_review",
    "failed_items",
    "flags",
    "reasons",
    "complaint_class",
    "agent_talk_ratio",
    "customer_talk_ratio",
    "longest_silence_s",
    "overlap_count",
    "agent_rate_cpm",
    "customer_sentiment_peak",
    "customer_sentiment_end",
    "customer_sentiment_trend",
    "transcript",
    # added last, so readers that go by position keep their columns
    "flag_details",
]


def _score(
    result: ScoreResult | None, flags: list[Any], decisions: dict[str, str]
) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "scorecard": result.scorecard,
        "scorecard_version": result.scorecard_version,
        "score": result.score,
        "final_score": result.final_score,
        "fatal": result.fatal,
        "needs_review": result.needs_review,
        "items": [
            {
                "id": item.item_id,
                "status": item.status,
                "deduction": item.deduction,
                "confidence": item.confidence,
                "basis": item.basis.split(",") if item.basis else [],
                "route": item.route,
                "review_reason": item.review_reason,
                "evidence": item.evidence,
            }
            for item in result.items
        ],
        "flags": [
            {
                "id": f.flag,
                "confidence": f.confidence,
                "basis": f.basis.split(",") if f.basis else [],
                "route": f.route,
                # a reviewer's: confirmed, dismissed (a false alarm: counted nowhere), or None
                "decision": decisions.get(f.flag),
                "evidence": f.evidence,
            }
            for f in flags
        ],
    }


def _flag_detail(flag: dict[str, Any]) -> str:
    """A flag as one CSV cell: `complaint_risk 0.83 intent`, the id alone where not known; then
    its route when not final and a reviewer's decision (`customer_anger 0.78 intent review
    dismissed`)."""
    words = [flag["id"]]
    if flag.get("confidence") is not None:
        words += [f"{flag['confidence']:.2f}", ",".join(flag["basis"])]
    if flag.get("route", "final") != "final":
        words.append(flag["route"])
    if flag.get("decision"):
        words.append(flag["decision"])
    return " ".join(w for w in words if w)


def call_record(
    call: Call, reasons: Sequence[CallReason] = (), decisions: dict[str, str] | None = None
) -> dict[str, Any]:
    """The export record of one call (the shape `inspector export` writes); `reasons` are the
    call's reasons in force (the model's or a reviewer's), `decisions` the reviewers' on its
    flags (flag -> confirmed | dismissed)."""
    result = max(call.score_results, key=lambda r: r.id, default=None)
    return {
        "call_id": call.call_id,
        "version": call.version,
        "status": call.job.status if call.job else None,
        "error": call.job.error if call.job else None,
        "metadata": {
            **call.metadata_dict(),
            "customer_number_hash": call.customer_number_hash,
            "channel_layout": call.channel_layout,
            "sample_rate_hz": call.sample_rate_hz,
            "audio_sha256": call.audio_sha256,
        },
        "segments": [
            {
                "role": s.role,
                "channel": s.channel,
                "start": s.start_s,
                "end": s.end_s,
                "text": s.text,
                "confidence": s.confidence,
                "sentiment": s.sentiment,
                "anger": s.anger,
            }
            for s in call.segments
        ],
        "metrics": call.metrics.data if call.metrics else None,
        "result": _score(result, call.flags, decisions or {}),
        "reasons": [
            {
                "reason": r.reason,
                "probability": r.probability,
                "source": r.source,
                "evidence": r.evidence,
                "start": r.start_s,
                "complaint_class": r.complaint_class,
            }
            for r in reasons
        ],
    }


def iter_records(session: Session, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Current versions of every call, in batches so memory stays flat."""
    last = 0
    while True:
        calls = session.scalars(
            select(Call)
            .where(Call.is_current.is_(True), Call.id > last)
            .order_by(Call.id)
            .limit(batch)
            .options(
                selectinload(Call.job),
                selectinload(Call.segments),
                selectinload(Call.metrics),
                selectinload(Call.score_results).selectinload(ScoreResult.items),
                selectinload(Call.flags),
            )
        ).all()
        if not calls:
            return
        reasons: dict[int, list[CallReason]] = {}
        for row in session.scalars(
            select(CallReason)
            .where(CallReason.call_pk.in_([c.id for c in calls]), CallReason.active.is_(True))
            .order_by(CallReason.call_pk, CallReason.probability.desc(), CallReason.id)
        ):
            reasons.setdefault(row.call_pk, []).append(row)
        decided: dict[int, dict[str, str]] = {}
        for pk, flag, decision in session.execute(
            select(FlagDecision.call_pk, FlagDecision.flag, FlagDecision.decision).where(
                FlagDecision.call_pk.in_([c.id for c in calls])
            )
        ):
            decided.setdefault(pk, {})[flag] = decision
        for call in calls:
            yield call_record(call, reasons.get(call.id, []), decided.get(call.id, {}))
        last = calls[-1].id
        session.expunge_all()


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    meta, metrics, result = record["metadata"], record["metrics"] or {}, record["result"] or {}
    roles = metrics.get("roles", {})
    customer = (metrics.get("sentiment") or {}).get("customer", {})
    return {
        "call_id": record["call_id"],
        "version": record["version"],
        "status": record["status"],
        "error": record["error"] or "",
        **{k: meta.get(k) for k in CSV_COLUMNS[4:14]},
        "score": result.get("score"),
        "fatal": result.get("fatal"),
        "needs_review": result.get("needs_review"),
        "failed_items": ";".join(
            i["id"] for i in result.get("items", []) if i["status"] == "failed"
        ),
        # the flags in force: a flag a reviewer dismissed stays in flag_details only
        "flags": ";".join(
            f["id"] for f in result.get("flags", []) if f.get("decision") != "dismissed"
        ),
        "reasons": ";".join(r["reason"] for r in record["reasons"]),
        "complaint_class": next(
            (r["complaint_class"] for r in record["reasons"] if r["complaint_class"]), ""
        ),
        "agent_talk_ratio": roles.get("agent", {}).get("talk_ratio"),
        "customer_talk_ratio": roles.get("customer", {}).get("talk_ratio"),
        "longest_silence_s": metrics.get("longest_silence_s"),
        "overlap_count": len(metrics.get("overlaps", [])) if metrics else None,
        "agent_rate_cpm": roles.get("agent", {}).get("speech_rate_cpm"),
        "customer_sentiment_peak": customer.get("peak", {}).get("score"),
        "customer_sentiment_end": customer.get("end"),
        "customer_sentiment_trend": customer.get("trend"),
        "transcript": " ".join(f"[{s['role']}] {s['text']}" for s in record["segments"]),
        "flag_details": ";".join(_flag_detail(f) for f in result.get("flags", [])),
    }


def write_export(session: Session, out: TextIO, fmt: str) -> int:
    """Write every current call to `out`; returns the number of records."""
    n = 0
    if fmt == "jsonl":
        for record in iter_records(session):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = CsvDictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for record in iter_records(session):
        writer.writerow(csv_row(record))
        n += 1
    return n
