"""The JSON shapes of `inspector score`: transcript lines in, result lines out."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from asr.transcriber import segments_from_json
from asr.types import Transcript
from core.errors import TranscriptionError
from scoring.types import CallResult, Evidence, Metrics


@dataclass(frozen=True)
class TranscriptLine:
    call_id: str
    transcript: Transcript
    metadata: dict[str, Any]
    duration_s: float


def parse_line(line: str, where: str) -> TranscriptLine:
    """`{"call_id", "segments": [{"role", "start", "end", "text"}], "metadata": {...}}`."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"{where}: invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a line must be a JSON object")
    if "call_id" not in data:
        raise ValueError(f"{where}: field 'call_id': missing")
    if not isinstance(data.get("segments"), list):
        raise ValueError(f"{where}: field 'segments': must be a list")
    try:
        segments = segments_from_json(data["segments"], where)
    except TranscriptionError as exc:
        raise ValueError(str(exc)) from exc
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError(f"{where}: field 'metadata': must be an object")
    end = max((s.end_s for s in segments), default=0.0)
    duration = float(metadata.get("duration_s") or end)
    return TranscriptLine(str(data["call_id"]), Transcript(segments), metadata, max(duration, end))


def evidence_json(evidence: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [
        {
            "start": round(e.start_s, 3),
            "end": round(e.end_s, 3),
            "role": e.role,
            "text": e.text,
            "match": e.match,
        }
        for e in evidence
    ]


def metrics_json(metrics: Metrics) -> dict[str, Any]:
    data = dataclasses.asdict(metrics)
    data["longest_silence_s"] = metrics.longest_silence_s
    data["overlap_s"] = round(metrics.overlap_s, 3)
    return data


def result_json(call_id: str, result: CallResult, metrics: Metrics) -> dict[str, Any]:
    """The output line of `inspector score` (and the stored result's export shape)."""
    return {
        "call_id": call_id,
        "scorecard": result.scorecard,
        "scorecard_version": result.scorecard_version,
        "score": result.score,
        "fatal": result.fatal,
        "needs_review": result.needs_review,
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "status": str(i.status),
                "deduction": i.deduction,
                "confidence": i.confidence,
                "basis": list(i.basis),
                "route": i.route,
                "review_reason": i.review_reason,
                "evidence": evidence_json(i.evidence),
            }
            for i in result.items
        ],
        "no_speech": result.no_speech,
        "flags": [
            {
                "id": f.id,
                "confidence": f.confidence,
                "basis": list(f.basis),
                "route": f.route,
                "evidence": evidence_json(f.evidence),
            }
            for f in result.flags
        ],
        "metrics": metrics_json(metrics),
    }
