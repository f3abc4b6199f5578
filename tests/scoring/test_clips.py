from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.audio import decode
from asr.types import DecodedAudio, Role, Segment
from scoring.clips import Span, cut, snap
from tests.factories import make_wav

SEGMENTS = [
    Segment(1.0, 3.0, Role.AGENT, "您好"),
    Segment(3.5, 6.0, Role.CUSTOMER, "我要投诉"),
    Segment(7.0, 9.0, Role.AGENT, "非常抱歉"),
]


def test_snap_widens_to_the_sentences_touched() -> None:
    assert snap(2.0, 4.0, SEGMENTS) == Span(1.0, 6.0)
    assert snap(6.2, 6.8, SEGMENTS) == Span(6.2, 6.8)  # silence between sentences
    assert snap(0.0, 10.0, SEGMENTS) == Span(0.0, 10.0)
    with pytest.raises(ValueError, match="empty"):
        snap(5.0, 5.0, SEGMENTS)


def audio(tmp_path: Path, channels: int = 2) -> DecodedAudio:
    """A real 10 s, 8 kHz recording (PCM16 so the values survive) decoded as the workers do."""
    return decode(
        make_wav(tmp_path / f"{channels}.wav", seconds=10, channels=channels, subtype="PCM_16")
    )


@pytest.mark.parametrize(("start", "end"), [(1.0, 6.0), (0.00006, 2.50006), (9.5, 12.0)])
def test_cut_is_sample_exact_and_keeps_or_mixes_channels(
    tmp_path: Path, start: float, end: float
) -> None:
    a = audio(tmp_path)
    piece = cut(a, Span(start, end))
    expected = min(round(end * 8000), 80000) - round(start * 8000)
    assert piece.shape == (2, expected)
    mixed = cut(a, Span(start, end), mix=True)
    assert mixed.shape == (1, expected)
    assert np.allclose(mixed[0], piece.mean(axis=0))
    assert np.array_equal(piece, a.samples[:, round(start * 8000) : round(start * 8000) + expected])
    assert cut(audio(tmp_path, channels=1), Span(start, end), mix=True).shape == (1, expected)
