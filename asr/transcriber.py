"""The engines behind the Transcriber protocol: fixture, null and the Whisper wrapper."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from asr.call import transcribe_call
from asr.protocol import ChannelEngine, TranscribeOptions
from asr.text import to_simplified
from asr.types import DecodedAudio, Role, Segment, Transcript
from core.errors import TranscriptionError

if TYPE_CHECKING:
    from asr.glossary import Glossary


class NullTranscriber:
    """Produces no text at all: for pipeline benchmarks and metadata-only runs."""

    name = "none"

    def transcribe(self, audio: DecodedAudio, options: TranscribeOptions) -> Transcript:
        return Transcript(segments=(), language=options.language, engine=self.name)


def segments_from_json(items: list[dict], source: str) -> tuple[Segment, ...]:
    """Parse `[{"role", "start", "end", "text", ...}]` into segments, naming bad entries. Text
    in traditional characters (another vendor's transcripts, a chat or social-media export) is
    read as simplified, as Whisper's is (asr.call): the intent heads and the sentiment model
    learnt simplified text, and a reviewer sees one script."""
    out: list[Segment] = []
    for index, item in enumerate(items):
        try:
            role = Role(item.get("role", "unknown"))
            start, end = float(item["start"]), float(item["end"])
            text = to_simplified(str(item["text"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise TranscriptionError(f"{source}: segment {index}: {exc!r}") from exc
        if end < start:
            raise TranscriptionError(f"{source}: segment {index}: end {end} before start {start}")
        out.append(
            Segment(
                start_s=start,
                end_s=end,
                role=role,
                text=text,
                confidence=float(item.get("confidence", 1.0)),
                channel=item.get("channel"),
                sentiment=_optional_float(item, "sentiment", source, index),
                anger=_optional_float(item, "anger", source, index),
            )
        )
    return tuple(sorted(out, key=lambda s: (s.start_s, s.end_s)))


def _optional_float(item: dict, key: str, source: str, index: int) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TranscriptionError(f"{source}: segment {index}: field {key!r}: {value!r}") from exc


class FixtureTranscriber:
    """Serves the ground-truth transcripts that sit beside fixture recordings.

    A recording `x.wav` is known when `x.json` lies next to it with a `segments` list; lookup is
    by the recording's sha256, so renamed or re-ingested copies still match. Unknown recordings
    get an empty transcript with a note, never invented text.
    """

    name = "fixture"

    def __init__(self, directories: list[Path], delay_s: float = 0.0) -> None:
        #: seconds each call takes, as a real engine's would (tests that stop a worker mid-call)
        self.delay_s = delay_s
        self._by_sha: dict[str, Path] = {}
        for directory in directories:
            for truth in sorted(Path(directory).glob("**/*.json")):
                for audio in truth.parent.glob(truth.stem + ".*"):
                    if audio.suffix != ".json" and audio.is_file():
                        digest = hashlib.sha256(audio.read_bytes()).hexdigest()
                        self._by_sha[digest] = truth

    def transcribe(self, audio: DecodedAudio, options: TranscribeOptions) -> Transcript:
        if self.delay_s > 0:
            import time

            time.sleep(self.delay_s)
        truth = self._by_sha.get(options.audio_sha256)
        if truth is None:
            return Transcript(
                segments=(),
                language=options.language,
                engine=self.name,
                notes=("no fixture transcript for this recording",),
            )
        data = json.loads(truth.read_text(encoding="utf-8"))
        return Transcript(
            segments=segments_from_json(data.get("segments", []), str(truth)),
            language=options.language,
            engine=self.name,
            role_method="fixture",
        )


class WhisperTranscriber:
    """A Whisper engine (loaded once) wrapped with channel handling, roles and the guard."""

    def __init__(
        self,
        engine: ChannelEngine,
        defaults: TranscribeOptions | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.engine = engine
        self.name = engine.name
        self.defaults = defaults
        #: domain terms misheard as homophones are corrected towards these (None = off)
        self.glossary = glossary

    def transcribe(self, audio: DecodedAudio, options: TranscribeOptions) -> Transcript:
        if self.defaults is not None:
            options = replace(
                options,
                initial_prompt=options.initial_prompt or self.defaults.initial_prompt,
                hotwords=options.hotwords or self.defaults.hotwords,
            )
        return transcribe_call(self.engine, audio, options, glossary=self.glossary)
