"""What a transcription is asked for and what engines promise: the lowest module of `asr`.

`asr.call` (channels, roles, the guard) and `asr.transcriber` (the engines that wrap it) both
stand on this module, so neither imports the other's types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from asr.types import DecodedAudio, Segment, Transcript


@dataclass(frozen=True)
class TranscribeOptions:
    """How to transcribe one call."""

    language: str = "zh"
    agent_channel: str = "left"
    initial_prompt: str = ""
    hotwords: tuple[str, ...] = ()
    #: sha256 of the recording, so an engine may look up a known transcript.
    audio_sha256: str = ""


class Transcriber(Protocol):
    """Anything that turns decoded audio into a role-attributed transcript."""

    name: str

    def transcribe(self, audio: DecodedAudio, options: TranscribeOptions) -> Transcript: ...


class ChannelEngine(Protocol):
    """One engine's transcription of one mono 16 kHz channel into raw segments."""

    name: str

    def transcribe_channel(
        self, samples: np.ndarray, options: TranscribeOptions
    ) -> list[Segment]: ...
