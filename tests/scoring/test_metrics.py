from __future__ import annotations

import pytest

from asr.types import Role, Segment, Transcript
from scoring.metrics import measure, merge_intervals, spoken_units

A, C = Role.AGENT, Role.CUSTOMER


def _t(*segs: tuple[float, float, Role, str]) -> Transcript:
    return Transcript(segments=tuple(Segment(s, e, r, t) for s, e, r, t in segs))


@pytest.mark.parametrize(
    ("intervals", "merged"),
    [
        ([], []),
        ([(0, 1), (2, 3)], [(0, 1), (2, 3)]),
        ([(2, 3), (0, 2.5)], [(0, 3)]),
        ([(0, 5), (1, 2)], [(0, 5)]),
    ],
)
def test_merge_intervals(intervals, merged) -> None:
    assert merge_intervals(intervals) == merged


@pytest.mark.parametrize(
    ("text", "units"),
    [("您好，很高兴为您服务！", 9), ("", 0), ("hello world", 2), ("套餐 5G plan", 5)],
)
def test_spoken_units(text: str, units: int) -> None:
    assert spoken_units(text) == units


def test_talk_silence_overlap_and_rate() -> None:
    t = _t(
        (0.0, 3.0, A, "您好很高兴为您服务"),  # 9 chars in 3 s
        (2.0, 5.0, C, "我要查话费"),  # customer starts while the agent speaks: 1 s overlap
        (8.0, 10.0, A, "好的请稍等"),  # 3 s of silence before
        (9.5, 10.0, C, "嗯"),  # 0.5 s overlap, the customer interrupts
    )
    m = measure(t, duration_s=12.0)
    assert m.duration_s == 12.0 and m.talk_s == 7.0 and m.non_talk_s == 5.0
    assert m.roles["agent"].talk_s == 5.0 and m.roles["agent"].turns == 2
    assert m.roles["agent"].speech_rate_cpm == pytest.approx(14 / (5 / 60))
    assert [(s.start_s, s.end_s, s.before_role, s.after_role) for s in m.silences] == [
        (5.0, 8.0, "customer", "agent"),
        (10.0, 12.0, "customer", "end"),  # both stop at 10 s; the customer started last
    ]
    assert m.longest_silence_s == 3.0
    assert [(o.start_s, o.duration_s, o.interrupter) for o in m.overlaps] == [
        (2.0, 1.0, "customer"),
        (9.5, 0.5, "customer"),
    ]


def test_empty_transcript() -> None:
    m = measure(Transcript(segments=()), duration_s=4.0)
    assert m.talk_s == 0.0 and m.non_talk_s == 4.0 and m.silences == ()
    assert m.roles["agent"].speech_rate_cpm is None
