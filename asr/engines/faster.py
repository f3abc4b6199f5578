"""faster-whisper (CTranslate2): int8 on CPU, fp16 on CUDA."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from asr.text import DEFAULT_PROMPT_ZH, build_prompt
from asr.transcriber import TranscribeOptions
from asr.types import Role, Segment, Word
from inspector.errors import TranscriptionError


def pick_device(device: str) -> tuple[str, str]:
    """(device, compute type): CUDA with fp16 when asked for or present, else CPU int8."""
    if device == "cpu":
        return "cpu", "int8"
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not has_cuda:
        raise TranscriptionError("setting 'asr_device' is cuda but no CUDA device is visible")
    return ("cuda", "float16") if has_cuda else ("cpu", "int8")


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "auto",
        compute_type: str = "",
        cpu_threads: int = 0,
        beam_size: int = 5,
    ) -> None:
        # A missing local file must fail here, not silently reach for a model hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        self.device, default_compute = pick_device(device)
        self.compute_type = compute_type or default_compute
        self.beam_size = beam_size
        self.model = WhisperModel(
            str(model_dir),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=cpu_threads or (os.cpu_count() or 1),
            local_files_only=True,
        )

    def transcribe_channel(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return []  # digital silence: nothing to hear, nothing to invent
        prompt = options.initial_prompt or (DEFAULT_PROMPT_ZH if options.language == "zh" else "")
        try:
            segments, _info = self.model.transcribe(
                samples,
                language=options.language,
                beam_size=self.beam_size,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 700, "speech_pad_ms": 200},
                word_timestamps=True,
                initial_prompt=build_prompt(prompt, options.hotwords) or None,
                condition_on_previous_text=False,
                hallucination_silence_threshold=2.0,
            )
            return [
                Segment(
                    start_s=float(s.start),
                    end_s=float(s.end),
                    role=Role.UNKNOWN,
                    text=s.text,
                    confidence=float(np.exp(s.avg_logprob)),
                    avg_logprob=float(s.avg_logprob),
                    no_speech_prob=float(s.no_speech_prob),
                    words=tuple(
                        Word(float(w.start), float(w.end), w.word, float(w.probability))
                        for w in (s.words or [])
                    ),
                )
                for s in segments
            ]
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionError(f"faster-whisper failed: {exc}") from exc
