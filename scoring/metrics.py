"""Conversation metrics from segment timing: talk time, silences, overlaps, speech rate."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from asr.types import Role, Segment, Transcript
from scoring.types import Metrics, Overlap, RoleMetrics, Silence

_NON_SPEECH = re.compile(r"[\s\W_]+", re.UNICODE)
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def merge_intervals(
    intervals: Iterable[tuple[float, float]], gap_s: float = 0.0
) -> list[tuple[float, float]]:
    """Union of intervals, sorted; with gap_s, also bridging pauses up to that long."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + gap_s:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def spoken_units(text: str) -> int:
    """Characters for Chinese (字), words for Latin-script text."""
    latin = _LATIN_WORD.findall(text)
    rest = _LATIN_WORD.sub("", text)
    return len(_NON_SPEECH.sub("", rest)) + len(latin)


def _silences(segments: Sequence[Segment], duration_s: float, min_s: float) -> list[Silence]:
    out: list[Silence] = []
    ordered = sorted(segments, key=lambda s: s.start_s)
    covered_until = 0.0
    last_role = "start"
    for seg in ordered:
        if seg.start_s - covered_until >= min_s:
            out.append(Silence(covered_until, seg.start_s, last_role, str(seg.role)))
        if seg.end_s >= covered_until:
            covered_until, last_role = seg.end_s, str(seg.role)
    if ordered and duration_s - covered_until >= min_s:
        out.append(Silence(covered_until, duration_s, last_role, "end"))
    return out


def _overlaps(segments: Sequence[Segment], min_s: float) -> list[Overlap]:
    agent = [s for s in segments if s.role == Role.AGENT]
    customer = [s for s in segments if s.role == Role.CUSTOMER]
    out: list[Overlap] = []
    for a in agent:
        for c in customer:
            start, end = max(a.start_s, c.start_s), min(a.end_s, c.end_s)
            if end - start >= min_s:
                later, earlier = (a, c) if a.start_s >= c.start_s else (c, a)
                out.append(Overlap(start, end - start, str(later.role), str(earlier.role)))
    return sorted(out, key=lambda o: o.start_s)


def role_metrics(talk_s: float, duration_s: float, turns: int, chars: int) -> RoleMetrics:
    """Talk time, its share of the call, turns and rate (字/分钟 over the role's own talk time)."""
    return RoleMetrics(
        talk_s=round(talk_s, 3),
        talk_ratio=round(talk_s / duration_s, 4) if duration_s else 0.0,
        turns=turns,
        chars=chars,
        speech_rate_cpm=round(chars / (talk_s / 60.0), 1) if talk_s > 0 and chars else None,
    )


def measure(
    transcript: Transcript,
    duration_s: float,
    *,
    min_silence_s: float = 1.0,
    min_overlap_s: float = 0.2,
) -> Metrics:
    """Measure a call from its segments (timing only; audio-based refinements come later)."""
    segments = transcript.segments
    all_speech = merge_intervals((s.start_s, s.end_s) for s in segments)
    talk_s = sum(end - start for start, end in all_speech)
    duration_s = max(duration_s, all_speech[-1][1] if all_speech else 0.0)
    roles: dict[str, RoleMetrics] = {}
    for role in (Role.AGENT, Role.CUSTOMER):
        own = [s for s in segments if s.role == role]
        role_talk = sum(e - s for s, e in merge_intervals((x.start_s, x.end_s) for x in own))
        chars = sum(spoken_units(s.text) for s in own)
        roles[str(role)] = role_metrics(role_talk, duration_s, len(own), chars)
    return Metrics(
        duration_s=round(duration_s, 3),
        talk_s=round(talk_s, 3),
        non_talk_s=round(max(duration_s - talk_s, 0.0), 3),
        roles=roles,
        silences=tuple(_silences(segments, duration_s, min_silence_s)),
        overlaps=tuple(_overlaps(segments, min_overlap_s)),
    )
