"""Turn a decoded call into a role-attributed transcript with any Whisper engine.

Stereo calls are transcribed channel by channel and labelled by the channel map (or by what each
channel says, when the map is `auto`); mono calls are split into speakers by timbre and the agent
is found by content. Every segment passes the hallucination guard and comes out in simplified
Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from asr.diarize import SAMPLE_RATE_HZ, split_speakers
from asr.glossary import Glossary
from asr.protocol import ChannelEngine, TranscribeOptions
from asr.roles import pick_agent
from asr.text import (
    compression_ratio,
    full_width_punctuation,
    has_runaway_repetition,
    looks_invented,
    loop_start,
    to_simplified,
)
from asr.types import DecodedAudio, Role, Segment, Transcript, Word


@dataclass(frozen=True)
class GuardOptions:
    """Thresholds of the hallucination guard.

    Whisper's no-speech probability alone is unreliable on telephone audio (confident, correct
    segments can score 0.8), so, as in Whisper itself, it only drops a segment whose decoding
    was also unsure.
    """

    max_no_speech_prob: float = 0.6
    no_speech_logprob: float = -0.5
    min_avg_logprob: float = -1.0
    max_compression_ratio: float = 2.4


def resample_16k(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    if rate_hz == SAMPLE_RATE_HZ:
        return samples.astype(np.float32)
    import librosa

    return librosa.resample(samples, orig_sr=rate_hz, target_sr=SAMPLE_RATE_HZ).astype(np.float32)


def keep(segment: Segment, guard: GuardOptions) -> bool:
    """The hallucination guard: drop what is likely not speech or is a decoder loop."""
    text = segment.text.strip()
    if looks_invented(text) or has_runaway_repetition(text):
        return False
    if compression_ratio(text) > guard.max_compression_ratio:
        return False
    logprob = segment.avg_logprob
    if logprob is not None and logprob < guard.min_avg_logprob:
        return False
    unsure = logprob is None or logprob < guard.no_speech_logprob
    nsp = segment.no_speech_prob
    return not (nsp is not None and nsp > guard.max_no_speech_prob and unsure)


def _dedupe_repeats(segments: Sequence[Segment]) -> list[Segment]:
    """Drop a segment that repeats the previous one's text verbatim (a looping decoder)."""
    out: list[Segment] = []
    for seg in segments:
        if out and seg.text == out[-1].text and seg.start_s - out[-1].end_s < 5.0:
            continue
        out.append(seg)
    return out


def split_on_pauses(segment: Segment, max_gap_s: float) -> list[Segment]:
    """Split a segment where its words pause for longer than `max_gap_s` (turn boundaries)."""
    words = segment.words
    if len(words) < 2:
        return [segment]
    groups: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.start_s - groups[-1][-1].end_s > max_gap_s:
            groups.append([word])
        else:
            groups[-1].append(word)
    if len(groups) == 1:
        return [segment]
    return [
        replace(
            segment,
            start_s=g[0].start_s,
            end_s=g[-1].end_s,
            text="".join(w.text for w in g).strip(),
            confidence=float(np.mean([w.probability for w in g])),
            words=tuple(g),
        )
        for g in groups
    ]


def trim_loop(segment: Segment) -> Segment:
    """Cut a decoder loop (射射射射...) off a segment, keeping what came before it."""
    cut = loop_start(segment.text)
    if cut is None:
        return segment
    if not segment.words:
        return replace(segment, text=segment.text[:cut])
    kept: list[Word] = []
    length = 0
    for word in segment.words:
        if length + len(word.text) > cut and kept:
            break
        kept.append(word)
        length += len(word.text)
    return replace(
        segment,
        end_s=kept[-1].end_s,
        text="".join(w.text for w in kept).strip(),
        confidence=float(np.mean([w.probability for w in kept])),
        words=tuple(kept),
    )


def _shift(segment: Segment, offset_s: float) -> Segment:
    return replace(
        segment,
        start_s=segment.start_s + offset_s,
        end_s=segment.end_s + offset_s,
        words=tuple(
            replace(w, start_s=w.start_s + offset_s, end_s=w.end_s + offset_s)
            for w in segment.words
        ),
    )


def _recover_loops(
    engine: ChannelEngine, samples: np.ndarray, raw: list[Segment], options: TranscribeOptions
) -> list[Segment]:
    """A decoder loop swallows the speech after it: cut the loop and transcribe the rest again."""
    out: list[Segment] = []
    for seg in raw:
        trimmed = trim_loop(replace(seg, text=to_simplified(seg.text)))
        if trimmed.end_s >= seg.end_s - 0.5:
            out.append(seg)
            continue
        out.append(trimmed)
        start = int(trimmed.end_s * SAMPLE_RATE_HZ)
        end = int(seg.end_s * SAMPLE_RATE_HZ)
        again = engine.transcribe_channel(samples[start:end], options)
        # one retry only: a second loop in the retry is trimmed, not chased
        out.extend(trim_loop(_shift(s, trimmed.end_s)) for s in again)
    return out


def _clean(
    segments: Sequence[Segment],
    guard: GuardOptions,
    max_gap_s: float,
    dropped: list[tuple[float, float]],
) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        seg = replace(
            seg,
            text=to_simplified(seg.text.strip()),
            words=tuple(replace(w, text=to_simplified(w.text)) for w in seg.words),
        )
        seg = trim_loop(seg)
        if not keep(seg, guard):
            if seg.text.strip():
                dropped.append((round(seg.start_s, 2), round(seg.end_s, 2)))
            continue
        out.extend(
            replace(s, text=full_width_punctuation(s.text))
            for s in split_on_pauses(seg, max_gap_s)
            if s.text
        )
    return _dedupe_repeats(out)


def _transcribe_samples(
    engine: ChannelEngine,
    samples: np.ndarray,
    options: TranscribeOptions,
    guard: GuardOptions,
    max_gap_s: float,
    dropped: list[tuple[float, float]],
) -> list[Segment]:
    raw = _recover_loops(engine, samples, engine.transcribe_channel(samples, options), options)
    return _clean(raw, guard, max_gap_s, dropped)


def transcribe_call(
    engine: ChannelEngine,
    audio: DecodedAudio,
    options: TranscribeOptions,
    guard: GuardOptions | None = None,
    glossary: Glossary | None = None,
) -> Transcript:
    """Transcribe a decoded call (stereo by channel, mono with speaker separation)."""
    guard = guard or GuardOptions()
    if audio.channels >= 2:
        transcript = _stereo(engine, audio, options, guard)
    else:
        transcript = _mono(engine, audio, options, guard)
    return apply_glossary(transcript, glossary) if glossary is not None else transcript


def apply_glossary(transcript: Transcript, glossary: Glossary) -> Transcript:
    """Misheard domain terms put right in every segment; the changes listed in the notes.

    Word timings keep the engine's own text: they carry timing, the segment text is what people
    read and what scoring matches.
    """
    fixes: list[str] = []
    segments: list[Segment] = []
    for seg in transcript.segments:
        text, corrections = glossary.correct(seg.text)
        fixes.extend(f"{c.heard}->{c.written}" for c in corrections)
        segments.append(replace(seg, text=text) if corrections else seg)
    if not fixes:
        return transcript
    note = f"glossary corrected {len(fixes)}: {', '.join(fixes[:20])}"
    if len(fixes) > 20:
        note += ", ..."
    return replace(transcript, segments=tuple(segments), notes=(*transcript.notes, note))


def _stereo(
    engine: ChannelEngine, audio: DecodedAudio, options: TranscribeOptions, guard: GuardOptions
) -> Transcript:
    per_channel: list[list[Segment]] = []
    dropped: list[tuple[float, float]] = []
    for channel in range(2):
        samples = resample_16k(audio.samples[channel], audio.sample_rate_hz)
        segs = _transcribe_samples(engine, samples, options, guard, 1.0, dropped)
        per_channel.append([replace(s, channel=channel) for s in segs])
    notes: list[str] = [f"dropped unreliable segment {s:.1f}-{e:.1f} s" for s, e in dropped]
    if options.agent_channel == "auto":
        agent_ch, confidence = pick_agent([[s.text for s in segs] for segs in per_channel])
        method = "auto_content"
        notes.append(f"agent channel {agent_ch} chosen by content (confidence {confidence})")
    else:
        agent_ch = 0 if options.agent_channel == "left" else 1
        confidence, method = 1.0, "channel_map"
    segments = [
        replace(s, role=Role.AGENT if ch == agent_ch else Role.CUSTOMER)
        for ch, segs in enumerate(per_channel)
        for s in segs
    ]
    return Transcript(
        segments=tuple(sorted(segments, key=lambda s: (s.start_s, s.end_s))),
        language=options.language,
        engine=engine.name,
        role_method=method,
        role_confidence=confidence,
        notes=tuple(notes),
        dropped=tuple(sorted(dropped)),
    )


def _mono(
    engine: ChannelEngine, audio: DecodedAudio, options: TranscribeOptions, guard: GuardOptions
) -> Transcript:
    samples = resample_16k(audio.samples[0], audio.sample_rate_hz)
    dropped: list[tuple[float, float]] = []
    segments = _transcribe_samples(engine, samples, options, guard, 0.5, dropped)
    split = split_speakers(samples, [(s.start_s, s.end_s) for s in segments])
    speakers = [
        [s.text for s, lab in zip(segments, split.labels, strict=True) if lab == k] for k in (0, 1)
    ]
    agent_label, content_conf = pick_agent(speakers)
    confidence = round(content_conf * (0.5 + 0.5 * split.separation), 3)
    labelled = [
        replace(s, role=Role.AGENT if lab == agent_label else Role.CUSTOMER, channel=0)
        for s, lab in zip(segments, split.labels, strict=True)
    ]
    return Transcript(
        segments=tuple(labelled),
        language=options.language,
        engine=engine.name,
        role_method="mono_diarization",
        role_confidence=confidence,
        notes=(
            f"mono: two speakers by timbre (separation {split.separation}), "
            f"agent by content (confidence {content_conf})",
            *(f"dropped unreliable segment {s:.1f}-{e:.1f} s" for s, e in dropped),
        ),
        dropped=tuple(sorted(dropped)),
    )
