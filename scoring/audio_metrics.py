"""Who speaks when, from the audio of each channel: talk time, overlaps, silences, loudness.

On dual-channel recordings each party has its own channel, so voice activity per channel gives
overlap (抢话) and silence exactly, independent of how ASR cut its segments.
"""

from __future__ import annotations

import numpy as np

from asr.types import DecodedAudio, Transcript
from scoring.metrics import merge_intervals, role_metrics, spoken_units
from scoring.types import Metrics, Overlap, RoleMetrics, Silence

FRAME_S = 0.02
MIN_SPEECH_S = 0.15
BRIDGE_S = 0.35


def _db(x: np.ndarray | float) -> np.ndarray | float:
    return 20 * np.log10(np.maximum(x, 1e-9))


def voice_activity(samples: np.ndarray, rate_hz: int) -> list[tuple[float, float]]:
    """Speech intervals of one channel: frames well above the channel's own noise floor."""
    hop = max(int(rate_hz * FRAME_S), 1)
    frames = samples[: len(samples) // hop * hop].reshape(-1, hop)
    if frames.size == 0:
        return []
    level = _db(np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1)))
    floor = np.percentile(level, 10)
    threshold = max(floor + 12.0, -50.0)
    active = level > threshold
    intervals: list[tuple[float, float]] = []
    start = None
    for i, on in enumerate(np.append(active, False)):
        if on and start is None:
            start = i
        elif not on and start is not None:
            intervals.append((start * FRAME_S, i * FRAME_S))
            start = None
    bridged = merge_intervals(intervals, gap_s=BRIDGE_S)
    return [(round(s, 3), round(e, 3)) for s, e in bridged if e - s >= MIN_SPEECH_S]


def _loudness(samples: np.ndarray, intervals: list[tuple[float, float]], rate_hz: int) -> dict:
    if not intervals:
        return {"mean_dbfs": None, "peak_dbfs": None}
    voiced = np.concatenate([samples[int(s * rate_hz) : int(e * rate_hz)] for s, e in intervals])
    return {
        "mean_dbfs": round(float(_db(np.sqrt(np.mean(np.square(voiced, dtype=np.float64))))), 1),
        "peak_dbfs": round(float(_db(np.max(np.abs(voiced)))), 1),
    }


TURN_BRIDGE_S = 1.0


def _turns(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Talk spurts joined across short pauses: a sentence's commas do not start a new turn."""
    return merge_intervals(intervals, gap_s=TURN_BRIDGE_S)


def _turn_start(turns: list[tuple[float, float]], at: float) -> float:
    return next((s for s, e in turns if s <= at <= e), at)


def _intersections(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> list[tuple[float, float, bool]]:
    """Overlapping spans of two interval lists, and whether `a`'s turn started last."""
    turns_a, turns_b = _turns(a), _turns(b)
    out = []
    for sa, ea in a:
        for sb, eb in b:
            start, end = max(sa, sb), min(ea, eb)
            if end > start:
                out.append((start, end, _turn_start(turns_a, start) > _turn_start(turns_b, start)))
    return out


def measure_stereo(
    audio: DecodedAudio,
    transcript: Transcript,
    agent_channel: int,
    *,
    min_silence_s: float = 1.0,
    min_overlap_s: float = 0.2,
) -> Metrics:
    """Metrics of a dual-channel call from per-channel voice activity (plus text for rates)."""
    rate = audio.sample_rate_hz
    duration = audio.duration_s
    channel_of = {"agent": agent_channel, "customer": 1 - agent_channel}
    speech = {role: voice_activity(audio.samples[ch], rate) for role, ch in channel_of.items()}
    roles: dict[str, RoleMetrics] = {}
    loudness: dict[str, float] = {}
    for role, intervals in speech.items():
        talk = sum(e - s for s, e in intervals)
        chars = sum(spoken_units(s.text) for s in transcript.segments if str(s.role) == role)
        turns = sum(1 for s in transcript.segments if str(s.role) == role)
        roles[role] = role_metrics(talk, duration, turns, chars)
        level = _loudness(audio.samples[channel_of[role]], intervals, rate)
        if level["mean_dbfs"] is not None:
            loudness[f"{role}_mean"] = level["mean_dbfs"]
            loudness[f"{role}_peak"] = level["peak_dbfs"]
    overlaps = [
        Overlap(
            round(s, 3),
            round(e - s, 3),
            "agent" if agent_later else "customer",
            "customer" if agent_later else "agent",
        )
        for s, e, agent_later in _intersections(speech["agent"], speech["customer"])
        if e - s >= min_overlap_s
    ]
    union = merge_intervals(speech["agent"] + speech["customer"])
    owner = {iv: role for role, ivs in speech.items() for iv in ivs}
    silences: list[Silence] = []
    cursor, last = 0.0, "start"
    for s, e in union:
        if s - cursor >= min_silence_s:
            after = next((owner[iv] for iv in owner if iv[0] == s), "unknown")
            silences.append(Silence(round(cursor, 3), round(s, 3), last, after))
        ending = [owner[iv] for iv in owner if abs(iv[1] - e) < 1e-6]
        cursor, last = e, (ending[0] if ending else last)
    if union and duration - cursor >= min_silence_s:
        silences.append(Silence(round(cursor, 3), round(duration, 3), last, "end"))
    talk_s = sum(e - s for s, e in union)
    return Metrics(
        duration_s=round(duration, 3),
        talk_s=round(talk_s, 3),
        non_talk_s=round(max(duration - talk_s, 0.0), 3),
        roles=roles,
        silences=tuple(silences),
        overlaps=tuple(sorted(overlaps, key=lambda o: o.start_s)),
        loudness_dbfs=loudness,
    )
