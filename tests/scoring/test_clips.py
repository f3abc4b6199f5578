from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.audio import decode
from asr.types import DecodedAudio, Role, Segment
from scoring.clips import ClipFile, Span, anonymise, cut, playlist_zip, sidecar, snap, wav_bytes
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


def test_anonymise_mutes_or_beeps_sentences_with_personal_numbers(tmp_path: Path) -> None:
    a = audio(tmp_path)
    span = Span(1.0, 9.0)
    piece = cut(a, span)
    segs = [
        Segment(2.0, 3.0, Role.CUSTOMER, "我的手机号是一三八一二三四五六七八"),
        Segment(4.0, 5.0, Role.AGENT, "好的"),
    ]
    muted = anonymise(piece, 8000, span.start_s, segs)
    assert np.all(muted[:, 8000:16000] == 0)  # 2-3 s of the call = 1-2 s of the clip
    assert np.array_equal(muted[:, 24000:32000], piece[:, 24000:32000])  # 好的 untouched
    beeped = anonymise(piece, 8000, span.start_s, segs, beep=True)
    assert np.abs(beeped[:, 8000:16000]).max() > 0.05 and not np.array_equal(beeped, piece)


def test_wav_sidecar_and_playlist_zip(tmp_path: Path) -> None:
    import csv
    import io
    import zipfile

    import soundfile as sf

    a = audio(tmp_path)
    span = snap(2.0, 4.0, SEGMENTS)
    data = wav_bytes(cut(a, span), 8000)
    back, rate = sf.read(io.BytesIO(data), always_2d=True)
    assert rate == 8000 and back.shape == (40000, 2)  # 1.0-6.0 s, both channels
    text = sidecar(SEGMENTS, span)
    assert text.splitlines() == ["[000.00] agent: 您好", "[002.50] customer: 我要投诉"]
    clips = [
        ClipFile(2, "坏例子 推诿", "c15", span, ("bad", "deflection"), "注意", data, text),
        ClipFile(1, "好例子", "c17", span, ("good",), "", data, text),
    ]
    archive = zipfile.ZipFile(io.BytesIO(playlist_zip("安抚", clips)))
    names = archive.namelist()
    assert {"index.csv", "001_好例子.wav", "002_坏例子_推诿.txt"} <= set(names)
    rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["好例子", "坏例子 推诿"]
    header = rows[0]
    second = dict(zip(header, rows[2], strict=True))
    assert second["tags"] == "bad;deflection" and second["file"] == "002_坏例子_推诿.wav"
    assert second["duration_s"] == "5.000" and second["transcript_file"] == "002_坏例子_推诿.txt"
    assert second["transcript"] == "[000.00] agent: 您好 / [002.50] customer: 我要投诉"
    assert "Not included" not in archive.read("README.txt").decode()
    skipped = zipfile.ZipFile(io.BytesIO(playlist_zip("安抚", clips[:1], ["坏例子: gone"])))
    assert "- 坏例子: gone" in skipped.read("README.txt").decode()
