"""faster-whisper (CTranslate2): int8 on CPU, fp16 on CUDA."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from asr.protocol import TranscribeOptions
from asr.text import DEFAULT_PROMPT_ZH, build_prompt
from asr.types import Role, Segment, Word
from core.errors import TranscriptionError


def pick_device(device: str) -> tuple[str, str]:
    """(device, compute type): CUDA with fp16 when asked for or present, else CPU int8."""
    if device == "cpu":
        return "cpu", "int8"
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not has_cuda:
        raise TranscriptionError("setting 'asr_device' is cuda but no CUDA device is visible")
    return ("cuda", "float16") if has_cuda else ("cpu", "int8")


VAD_PARAMETERS = {"min_silence_duration_ms": 700, "speech_pad_ms": 200}


class FasterWhisperEngine:
    """faster-whisper with VAD; speech is decoded in batches of up to 30 s chunks.

    `batch_size` > 1 decodes the voice-activity chunks of a channel together (faster-whisper's
    batched pipeline: one encoder pass and one beam search for several chunks at once), with
    word timings so that turns can be split at pauses. `batch_size` 1 uses the sequential
    decoder, which also falls back to higher temperatures when a window fails. Measured on the
    fixture corpus (docs/benchmarks.md), re-decoding failed chunks sequentially after a batch cost
    12 % more time and lost accuracy: loops are cut and the rest decoded again by the caller
    (asr.call), low-confidence chunks are dropped by the hallucination guard.
    """

    name = "faster-whisper"

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "auto",
        compute_type: str = "",
        cpu_threads: int = 0,
        beam_size: int = 5,
        batch_size: int = 8,
    ) -> None:
        # A missing local file must fail here, not silently reach for a model hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.device, default_compute = pick_device(device)
        self.compute_type = compute_type or default_compute
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.model = WhisperModel(
            str(model_dir),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=cpu_threads or (os.cpu_count() or 1),
            local_files_only=True,
        )
        self.batched = BatchedInferencePipeline(self.model) if batch_size > 1 else None

    def transcribe_channel(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return []  # digital silence: nothing to hear, nothing to invent
        prompt = options.initial_prompt or (DEFAULT_PROMPT_ZH if options.language == "zh" else "")
        common = {
            "language": options.language,
            "beam_size": self.beam_size,
            "vad_filter": True,
            "vad_parameters": VAD_PARAMETERS,
            "word_timestamps": True,
            "initial_prompt": build_prompt(prompt, options.hotwords, options.language) or None,
        }
        try:
            if self.batched is None:
                segments, _info = self.model.transcribe(
                    samples,
                    condition_on_previous_text=False,
                    hallucination_silence_threshold=2.0,
                    **common,
                )
            else:
                segments, _info = self.batched.transcribe(
                    samples, batch_size=self.batch_size, **common
                )
            return [_segment(s) for s in segments]
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionError(f"faster-whisper failed: {exc}") from exc


def _segment(s) -> Segment:  # type: ignore[no-untyped-def]
    return Segment(
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
