"""Metrics from each channel's voice activity agree with the corpus ground truth."""

from __future__ import annotations

import json

import numpy as np
import pytest

from asr.audio import decode
from asr.transcriber import segments_from_json
from asr.types import AudioInfo, DecodedAudio, Transcript
from scoring.audio_metrics import measure_stereo, voice_activity
from tests.factories import FIXTURE_CALLS


def _measure(call: str):  # type: ignore[no-untyped-def]
    truth = json.loads((FIXTURE_CALLS / f"{call}.json").read_text("utf-8"))
    transcript = Transcript(segments_from_json(truth["segments"], call))
    return truth, measure_stereo(decode(FIXTURE_CALLS / truth["audio"]["file"]), transcript, 0)


def test_agent_interruptions_are_found_where_the_script_put_them() -> None:
    truth, m = _measure("c11_agent_interrupts")
    agent = [o for o in m.overlaps if o.interrupter == "agent" and o.duration_s >= 0.5]
    assert len(agent) == 2
    for found, expected in zip(agent, truth["overlaps"], strict=True):
        assert abs(found.start_s - expected["start"]) < 0.7
    _, m = _measure("c12_customer_interrupts")
    assert [o.interrupter for o in m.overlaps if o.duration_s >= 0.5] == ["customer"]


@pytest.mark.parametrize("call", ["c10_dead_air", "c04_announced_hold"])
def test_long_silences_match_the_truth(call: str) -> None:
    truth, m = _measure(call)
    longest = max(s["end"] - s["start"] for s in truth["silences"])
    assert abs(m.longest_silence_s - longest) < 0.5


def test_talk_time_rate_and_loudness() -> None:
    truth, calm = _measure("c24_churn_port_out")
    _, angry = _measure("c18_no_empathy")
    agent_truth = sum(s["end"] - s["start"] for s in truth["segments"] if s["role"] == "agent")
    assert abs(calm.roles["agent"].talk_s - agent_truth) / agent_truth < 0.1
    assert 150 < calm.roles["agent"].speech_rate_cpm < 350
    assert -26 < calm.loudness_dbfs["agent_mean"] < -16
    assert angry.loudness_dbfs["customer_mean"] > calm.loudness_dbfs["customer_mean"] + 2


def test_silent_channel_has_no_speech() -> None:
    rng = np.random.default_rng(1)
    noise = (0.001 * rng.standard_normal(8000 * 5)).astype(np.float32)
    assert voice_activity(noise, 8000) == []
    audio = DecodedAudio(
        np.stack([noise, noise]), 8000, AudioInfo("WAV", "PCM", 8000, 2, 5.0, 40000)
    )
    m = measure_stereo(audio, Transcript(()), 0)
    assert m.talk_s == 0 and m.overlaps == () and m.roles["agent"].speech_rate_cpm is None
