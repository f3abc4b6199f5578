"""The hallucination guard and loop recovery, on hand-made segments (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from asr.call import GuardOptions, keep, split_on_pauses, transcribe_call, trim_loop
from asr.protocol import TranscribeOptions
from asr.text import has_runaway_repetition, loop_start
from asr.types import AudioInfo, DecodedAudio, Role, Segment, Word


def _seg(text: str, start: float = 0.0, end: float = 2.0, **kw) -> Segment:
    return Segment(start_s=start, end_s=end, role=Role.UNKNOWN, text=text, **kw)


@pytest.mark.parametrize(
    ("text", "looping"),
    [
        ("射射射射射射射射射射", True),
        ("谢谢谢谢谢谢谢谢", True),  # 谢谢 x4
        ("机主是高节、" + "Hoseway 1805、" * 6, True),  # a 13-character unit
        ("好的好的，没问题。", False),
        ("您好，工号幺零零幺很高兴为您服务。", False),
    ],
)
def test_loops_of_short_and_long_units(text: str, looping: bool) -> None:
    assert has_runaway_repetition(text) is looping
    assert (loop_start(text) is not None) is looping


def test_loop_start_keeps_one_unit() -> None:
    text = "机主是高节、" + "Hoseway 1805、" * 6
    assert text[: loop_start(text)] == "机主是高节、Hoseway 1805"  # one unit of the loop kept


@pytest.mark.parametrize(
    ("segment", "kept"),
    [
        (_seg("您好，请问有什么可以帮您？", avg_logprob=-0.3, no_speech_prob=0.1), True),
        # Whisper's no-speech probability alone is not trusted on telephone audio
        (_seg("您好，请问有什么可以帮您？", avg_logprob=-0.2, no_speech_prob=0.9), True),
        (_seg("您好，请问有什么可以帮您？", avg_logprob=-0.7, no_speech_prob=0.9), False),
        (_seg("我太吻了应该是否会参加", avg_logprob=-1.14, no_speech_prob=0.05), False),
        (_seg("字幕由Amara.org社区提供", avg_logprob=-0.2), False),
        (_seg("嗯", avg_logprob=-0.2), False),
        (_seg("好" * 60, avg_logprob=-0.2), False),  # compression ratio far over 2.4
    ],
)
def test_guard(segment: Segment, kept: bool) -> None:
    assert keep(segment, GuardOptions()) is kept


def test_trim_loop_cuts_at_the_words() -> None:
    words = (Word(0.0, 0.5, "您好", 0.9), Word(0.6, 1.0, "谢谢", 0.9)) + tuple(
        Word(1.0 + i * 0.2, 1.2 + i * 0.2, "射", 0.9) for i in range(12)
    )
    seg = _seg("您好谢谢" + "射" * 12, end=3.4, words=words)
    trimmed = trim_loop(seg)
    assert trimmed.text == "您好谢谢射射" and trimmed.end_s == pytest.approx(1.4)


def test_split_on_pauses() -> None:
    words = (
        Word(0.0, 0.5, "好的", 0.9),
        Word(0.5, 1.0, "。", 0.9),
        Word(2.5, 3.0, "请问", 0.8),
        Word(3.0, 3.4, "还有", 0.8),
    )
    parts = split_on_pauses(_seg("好的。请问还有", end=3.4, words=words), max_gap_s=1.0)
    assert [(p.text, p.start_s, p.end_s) for p in parts] == [
        ("好的。", 0.0, 1.0),
        ("请问还有", 2.5, 3.4),
    ]


class LoopingEngine:
    """First pass loops after its first words; the retry of the rest hears the true text."""

    name = "looping"

    def __init__(self) -> None:
        self.calls: list[float] = []

    def transcribe_channel(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        self.calls.append(samples.size / 16000)
        if len(self.calls) == 1:
            words = (Word(0.5, 1.5, "您好", 0.9),) + tuple(
                Word(1.5 + i * 0.5, 2.0 + i * 0.5, "射", 0.5) for i in range(40)
            )
            return [_seg("您好" + "射" * 40, 0.5, 21.5, words=words, avg_logprob=-0.3)]
        return [
            _seg(
                "我想查一下话费。",
                3.0,
                5.0,
                words=(Word(3.0, 4.0, "我想查一下", 0.9), Word(4.0, 5.0, "话费。", 0.9)),
                avg_logprob=-0.2,
            )
        ]


def test_a_loop_is_cut_and_the_rest_transcribed_again() -> None:
    rate = 16000
    samples = np.full((1, 25 * rate), 0.1, dtype=np.float32)
    audio = DecodedAudio(samples, rate, AudioInfo("WAV", "PCM_16", rate, 1, 25.0, 25 * rate))
    engine = LoopingEngine()
    t = transcribe_call(engine, audio, TranscribeOptions())
    assert engine.calls[1] == pytest.approx(21.5 - 2.5, abs=0.01)  # the rest after the loop
    texts = [(s.text, round(s.start_s, 1)) for s in t.segments]
    assert texts == [
        ("您好射射", 0.5),
        ("我想查一下话费。", 5.5),
    ]  # retry shifted by the cut (2.5 s)


def test_prompt_carries_terms_in_the_call_language() -> None:
    from asr.text import build_prompt

    terms = ("话费", "携号转网", "eSIM")
    assert build_prompt("转写：", terms) == "转写：常用词：话费、携号转网。"
    assert build_prompt("", terms, "en") == "Glossary: eSIM."
    assert build_prompt("", ("话费",), "en") == ""
    assert build_prompt("base", ()) == "base"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "您好,工号103很高兴为您服务.请问有什么可以帮您?",
            "您好，工号103很高兴为您服务。请问有什么可以帮您？",
        ),
        ("工号103 , 很高兴!", "工号103，很高兴！"),
        ("费用3.5元,共1,000元.", "费用3.5元，共1,000元。"),  # numbers keep their marks
        ("10:30到期:好", "10:30到期：好"),
        ("Hello, how are you? Fine.", "Hello, how are you? Fine."),  # English untouched
    ],
)
def test_full_width_punctuation(text: str, expected: str) -> None:
    from asr.text import full_width_punctuation

    assert full_width_punctuation(text) == expected


class CommaEngine:
    """Writes ASCII punctuation, as Whisper does on Mandarin."""

    name = "comma"

    def transcribe_channel(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        words = (
            Word(0.5, 1.0, "您好,", 0.9),
            Word(1.0, 2.0, "请问有什么可以帮您?", 0.9),
            Word(4.0, 5.0, "好的.", 0.9),
        )
        return [_seg("您好,请问有什么可以帮您?好的.", 0.5, 5.0, words=words, avg_logprob=-0.2)]


def test_transcripts_carry_chinese_punctuation() -> None:
    rate = 16000
    samples = np.full((1, 6 * rate), 0.1, dtype=np.float32)
    audio = DecodedAudio(samples, rate, AudioInfo("WAV", "PCM_16", rate, 1, 6.0, 6 * rate))
    t = transcribe_call(CommaEngine(), audio, TranscribeOptions())
    assert [s.text for s in t.segments] == ["您好，请问有什么可以帮您？", "好的。"]
