"""Transcripts as plain JSON-ready dicts and back: what crosses from an ASR worker to an
analysis worker (inspector/batch/tasks.py) through the database."""

from __future__ import annotations

import dataclasses
from typing import Any

from asr.types import Role, Segment, Transcript, Word


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    """Every field, segments and words included; floats stay floats."""
    return {
        "segments": [
            {
                **{
                    f.name: getattr(seg, f.name)
                    for f in dataclasses.fields(seg)
                    if f.name != "words"
                },
                "role": str(seg.role),
                "words": [dataclasses.asdict(w) for w in seg.words],
            }
            for seg in transcript.segments
        ],
        "language": transcript.language,
        "engine": transcript.engine,
        "role_method": transcript.role_method,
        "role_confidence": transcript.role_confidence,
        "notes": list(transcript.notes),
        "dropped": [list(span) for span in transcript.dropped],
    }


def transcript_from_dict(data: dict[str, Any]) -> Transcript:
    """The inverse of transcript_to_dict (a KeyError names a missing field)."""
    names = {f.name for f in dataclasses.fields(Segment)}
    segments = []
    for raw in data["segments"]:
        fields = {k: v for k, v in raw.items() if k in names and k not in ("role", "words")}
        segments.append(
            Segment(
                role=Role(raw["role"]),
                words=tuple(Word(**w) for w in raw.get("words") or ()),
                **fields,
            )
        )
    return Transcript(
        segments=tuple(segments),
        language=data["language"],
        engine=data["engine"],
        role_method=data["role_method"],
        role_confidence=data["role_confidence"],
        notes=tuple(data["notes"]),
        dropped=tuple((float(a), float(b)) for a, b in data["dropped"]),
    )
