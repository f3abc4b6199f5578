from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from asr.audio import decode, probe
from core.errors import AudioDecodeError
from tests.factories import make_wav


@pytest.mark.parametrize(
    ("name", "subtype", "fmt", "rate", "channels"),
    [
        ("ulaw.wav", "ULAW", None, 8000, 2),
        ("alaw.wav", "ALAW", None, 8000, 2),
        ("pcm16.wav", "PCM_16", None, 16000, 1),
        ("pcm8.wav", "PCM_U8", None, 8000, 1),
        ("cd.wav", "PCM_16", None, 44100, 2),
        ("hi.flac", "PCM_16", "FLAC", 48000, 1),
        ("call.mp3", "MPEG_LAYER_III", "MP3", 16000, 1),
    ],
)
def test_formats_decode(tmp_path: Path, name, subtype, fmt, rate, channels) -> None:
    path = make_wav(
        tmp_path / name, seconds=1.5, channels=channels, rate_hz=rate, subtype=subtype, fmt=fmt
    )
    info = probe(path)
    assert (info.sample_rate_hz, info.channels) == (rate, channels)
    audio = decode(path)
    assert audio.samples.shape[0] == channels and audio.samples.dtype == np.float32
    # MP3 frames pad the end a little
    assert abs(audio.duration_s - 1.5) < 0.1
    assert np.abs(audio.samples).max() > 0.05


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        (b"hello, I am text pretending to be audio", "not a readable audio file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "not a readable audio file"),
    ],
)
def test_broken_files_raise_audio_decode_error_naming_the_file(
    tmp_path: Path, content, reason
) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(content)
    with pytest.raises(AudioDecodeError, match=re.escape(reason)) as caught:
        decode(path)
    assert caught.value.path == str(path) and str(path) in str(caught.value)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioDecodeError, match="file not found"):
        probe(tmp_path / "missing.wav")
    with pytest.raises(AudioDecodeError, match="not a regular file"):
        probe(tmp_path)


def test_truncated_wav_decodes_what_is_there_with_a_warning(tmp_path: Path) -> None:
    whole = make_wav(tmp_path / "whole.wav", seconds=4.0, subtype="PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: 44 + 8000 * 2 * 2])  # header + 1 s of stereo PCM16
    info = probe(cut)
    assert abs(info.duration_s - 1.0) < 0.01
    assert info.warning == "truncated: the header declares 4.0 s, the file holds 1.0 s"
    assert probe(whole).warning == ""
    assert decode(cut).samples.shape == (2, 8000)
