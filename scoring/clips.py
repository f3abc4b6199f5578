"""Cutting training clips out of calls: spans snapped to sentences, sample-exact audio.

Pure functions over decoded audio and segments; the clip library (issue 9) stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from asr.types import DecodedAudio, Segment


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def snap(start_s: float, end_s: float, segments: Sequence[Segment]) -> Span:
    """Widen a span to the sentences it touches (a sentence is never cut in half)."""
    if end_s <= start_s:
        raise ValueError(f"clip span {start_s:.2f}-{end_s:.2f} s is empty")
    touched = [s for s in segments if s.end_s > start_s and s.start_s < end_s]
    if not touched:
        return Span(start_s, end_s)
    return Span(
        min(start_s, *(s.start_s for s in touched)), max(end_s, *(s.end_s for s in touched))
    )


def cut(audio: DecodedAudio, span: Span, mix: bool = False) -> np.ndarray:
    """The samples of [start, end) as (channels, n), or one mixed-down channel (1, n).

    Sample-exact: n = round(end * rate) - round(start * rate), clamped to the recording.
    """
    rate = audio.sample_rate_hz
    total = audio.samples.shape[1]
    first = min(max(int(round(span.start_s * rate)), 0), total)
    last = min(max(int(round(span.end_s * rate)), first), total)
    piece = audio.samples[:, first:last]
    if mix and piece.shape[0] > 1:
        return piece.mean(axis=0, keepdims=True).astype(audio.samples.dtype)
    return piece.copy()


def anonymise(
    samples: np.ndarray,
    rate_hz: int,
    offset_s: float,
    segments: Sequence[Segment],
    beep: bool = False,
) -> np.ndarray:
    """Mute (or beep over) every sentence that carries a personal number, in a clip that starts
    at `offset_s` of the call. Sentence-level: ASR word times are too loose to cut digits alone."""
    from scoring.pii import mask_pii

    out = samples.copy()
    n = out.shape[1]
    for seg in segments:
        if mask_pii(seg.text) == seg.text:
            continue
        a = min(max(int(round((seg.start_s - offset_s) * rate_hz)), 0), n)
        b = min(max(int(round((seg.end_s - offset_s) * rate_hz)), a), n)
        if beep:
            t = np.arange(b - a) / rate_hz
            out[:, a:b] = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(out.dtype)
        else:
            out[:, a:b] = 0
    return out


def wav_bytes(samples: np.ndarray, rate_hz: int) -> bytes:
    """(channels, n) float samples as a PCM16 WAV file."""
    import io

    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, samples.T, rate_hz, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def sidecar(segments: Sequence[Segment], span: Span, masked: bool = False) -> str:
    """The clip's transcript, times relative to the clip start, one sentence a line."""
    from scoring.pii import mask_pii

    lines = []
    for seg in segments:
        if seg.end_s > span.start_s and seg.start_s < span.end_s:
            text = mask_pii(seg.text) if masked else seg.text
            start = max(seg.start_s - span.start_s, 0.0)
            lines.append(f"[{start:06.2f}] {seg.role}: {text}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ClipFile:
    """One clip ready for a playlist archive."""

    position: int
    title: str
    call_id: str
    span: Span
    tags: tuple[str, ...]
    note: str
    wav: bytes
    transcript: str


def playlist_zip(name: str, clips: Sequence[ClipFile], skipped: Sequence[str] = ()) -> bytes:
    """A ZIP with each clip's WAV and transcript and an index.csv (UTF-8 with BOM) listing the
    clips in order with their transcripts; clips that could not be cut are named in README."""
    import io
    import re
    import zipfile

    from core.cells import csv_writer

    buffer = io.BytesIO()
    index = io.StringIO()
    writer = csv_writer(index)  # text cells that look like formulas are neutralised
    writer.writerow(
        [
            "position",
            "title",
            "call_id",
            "start_s",
            "end_s",
            "duration_s",
            "tags",
            "note",
            "file",
            "transcript_file",
            "transcript",
        ]
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for clip in sorted(clips, key=lambda c: c.position):
            stem = f"{clip.position:03d}_" + re.sub(r"[^\w\-]+", "_", clip.title).strip("_")[:60]
            zf.writestr(f"{stem}.wav", clip.wav)
            zf.writestr(f"{stem}.txt", clip.transcript)
            writer.writerow(
                [
                    clip.position,
                    clip.title,
                    clip.call_id,
                    f"{clip.span.start_s:.3f}",
                    f"{clip.span.end_s:.3f}",
                    f"{clip.span.duration_s:.3f}",
                    ";".join(clip.tags),
                    clip.note,
                    f"{stem}.wav",
                    f"{stem}.txt",
                    " / ".join(
                        line for line in clip.transcript.splitlines() if not line.startswith("#")
                    ),
                ]
            )
        zf.writestr("index.csv", "\ufeff" + index.getvalue())
        readme = f"{name}: {len(clips)} clips; index.csv lists them in order.\n"
        if skipped:
            readme += "Not included (recording unavailable):\n" + "".join(
                f"- {line}\n" for line in skipped
            )
        zf.writestr("README.txt", readme)
    return buffer.getvalue()
