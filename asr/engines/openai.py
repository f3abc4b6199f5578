"""openai-whisper (PyTorch) on a checkpoint converted from the same weights.

openai-whisper has no voice-activity detection of its own, so the Silero VAD that ships inside
faster-whisper gates it: only speech is transcribed and timestamps are mapped back.
"""

from __future__ import annotations

import numpy as np

from asr.protocol import TranscribeOptions
from asr.text import DEFAULT_PROMPT_ZH, build_prompt
from asr.types import Role, Segment, Word
from core.errors import TranscriptionError

SAMPLE_RATE_HZ = 16000


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, checkpoint: object, *, device: str = "auto", beam_size: int = 5) -> None:
        import torch
        import whisper

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.beam_size = beam_size
        loaded = torch.load(str(checkpoint), map_location="cpu", weights_only=False)
        model = whisper.model.Whisper(whisper.model.ModelDimensions(**loaded["dims"]))
        model.load_state_dict(loaded["model_state_dict"])
        heads = loaded.get("alignment_heads") or []
        if heads:
            mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
            for layer, head in heads:
                mask[layer, head] = True
            model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
        self.model = model.to(device).eval()
        if device == "cpu":
            self.model = self.model.float()

    def transcribe_channel(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        import whisper
        from faster_whisper.transcribe import SpeechTimestampsMap
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return []
        vad = VadOptions(min_silence_duration_ms=700, speech_pad_ms=200)
        speech = get_speech_timestamps(samples, vad)
        if not speech:
            return []
        chunks, _ = collect_chunks(samples, speech)
        audio = np.concatenate(chunks).astype(np.float32)
        mapping = SpeechTimestampsMap(speech, SAMPLE_RATE_HZ)
        prompt = options.initial_prompt or (DEFAULT_PROMPT_ZH if options.language == "zh" else "")
        try:
            result = whisper.transcribe(
                self.model,
                audio,
                language=options.language,
                beam_size=self.beam_size,
                fp16=self.device != "cpu",
                word_timestamps=True,
                initial_prompt=build_prompt(prompt, options.hotwords, options.language) or None,
                condition_on_previous_text=False,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionError(f"openai-whisper failed: {exc}") from exc
        out = []
        for s in result["segments"]:
            words = tuple(
                Word(
                    mapping.get_original_time(w["start"]),
                    mapping.get_original_time(w["end"], is_end=True),
                    w["word"],
                    float(w["probability"]),
                )
                for w in s.get("words", [])
            )
            out.append(
                Segment(
                    start_s=mapping.get_original_time(s["start"]),
                    end_s=mapping.get_original_time(s["end"], is_end=True),
                    role=Role.UNKNOWN,
                    text=s["text"],
                    confidence=float(np.exp(s["avg_logprob"])),
                    avg_logprob=float(s["avg_logprob"]),
                    no_speech_prob=float(s["no_speech_prob"]),
                    words=words,
                )
            )
        return out
