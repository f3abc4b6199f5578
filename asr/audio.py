"""Probe and decode recordings; every failure becomes AudioDecodeError naming the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from asr.types import AudioInfo, DecodedAudio
from core.errors import AudioDecodeError

# Containers libsndfile does not read; these are decoded by ffmpeg through librosa/audioread.
FFMPEG_ONLY_SUFFIXES = {".m4a", ".aac", ".amr", ".wma", ".mp4", ".3gp", ".webm"}


def _encodable(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def probe(path: Path) -> AudioInfo:
    """Read a recording's header (format, rate, channels, length) without decoding it."""
    path = Path(path)
    _check_file(path)
    try:
        if _encodable(path):
            info = sf.info(str(path))
        else:  # a name libsndfile cannot take (bytes of another encoding): read by handle
            with path.open("rb") as fh:
                info = sf.info(fh)
    except (sf.LibsndfileError, RuntimeError) as exc:
        return _probe_fallback(path, exc)
    if info.frames <= 0 or info.samplerate <= 0:
        raise AudioDecodeError(path, "the recording holds no audio frames")
    duration_s = float(info.frames) / float(info.samplerate)
    declared = _declared_wav_bytes(path) if info.format == "WAV" else None
    warning = ""
    if declared is not None:
        bytes_per_s = declared[1]
        if bytes_per_s and declared[0] / bytes_per_s > duration_s + 0.05:
            warning = (
                f"truncated: the header declares {declared[0] / bytes_per_s:.1f} s, "
                f"the file holds {duration_s:.1f} s"
            )
    return AudioInfo(
        format=str(info.format),
        subtype=str(info.subtype),
        sample_rate_hz=int(info.samplerate),
        channels=int(info.channels),
        duration_s=duration_s,
        frames=int(info.frames),
        warning=warning,
    )


def _declared_wav_bytes(path: Path) -> tuple[int, int] | None:
    """(data bytes the RIFF header declares, bytes per second), or None if unreadable."""
    import struct

    with path.open("rb") as fh:
        if fh.read(12)[8:12] != b"WAVE":
            return None
        byte_rate = 0
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return None
            chunk, size = header[:4], struct.unpack("<I", header[4:])[0]
            if chunk == b"fmt ":
                fmt = fh.read(size)
                byte_rate = struct.unpack("<I", fmt[8:12])[0] if len(fmt) >= 12 else 0
                fh.seek(size % 2, 1)
            elif chunk == b"data":
                return size, byte_rate
            else:
                fh.seek(size + size % 2, 1)


def decode(path: Path) -> DecodedAudio:
    """Decode a whole recording to float32 samples shaped (channels, frames)."""
    path = Path(path)
    info = probe(path)
    try:
        if _encodable(path):
            data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        else:
            with path.open("rb") as fh:
                data, rate = sf.read(fh, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        return _decode_fallback(path, info, exc)
    if data.shape[0] == 0:
        raise AudioDecodeError(path, "the recording holds no audio frames")
    if not np.isfinite(data).all():
        raise AudioDecodeError(path, "the recording holds invalid (non-finite) samples")
    return DecodedAudio(samples=np.ascontiguousarray(data.T), sample_rate_hz=int(rate), info=info)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioDecodeError(path, "file not found")
    if not path.is_file():
        raise AudioDecodeError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise AudioDecodeError(path, "empty file (0 bytes)")


def _librosa_load(path: Path) -> tuple[np.ndarray, int]:
    import warnings

    import librosa

    with warnings.catch_warnings():
        # librosa warns when it falls back to audioread; the failure, if any, is what matters.
        warnings.simplefilter("ignore")
        samples, rate = librosa.load(str(path), sr=None, mono=False)
    samples = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    return samples, int(rate)


def _probe_fallback(path: Path, first_error: Exception) -> AudioInfo:
    samples, rate = _decode_other(path, first_error)
    return AudioInfo(
        format=path.suffix.lstrip(".").upper() or "UNKNOWN",
        subtype="decoded",
        sample_rate_hz=rate,
        channels=int(samples.shape[0]),
        duration_s=samples.shape[1] / float(rate),
        frames=int(samples.shape[1]),
    )


def _decode_fallback(path: Path, info: AudioInfo, first_error: Exception) -> DecodedAudio:
    samples, rate = _decode_other(path, first_error)
    return DecodedAudio(samples=samples, sample_rate_hz=rate, info=info)


def _decode_other(path: Path, first_error: Exception) -> tuple[np.ndarray, int]:
    """Formats libsndfile cannot read (AAC, AMR...) go through librosa/audioread/ffmpeg."""
    if path.suffix.lower() not in FFMPEG_ONLY_SUFFIXES:
        raise AudioDecodeError(path, f"not a readable audio file ({_reason(first_error)})")
    try:
        samples, rate = _librosa_load(path)
    except Exception as exc:  # audioread raises many unrelated types; all mean "cannot decode"
        reason = _reason(first_error)
        raise AudioDecodeError(path, f"not a readable audio file ({reason})") from exc
    if samples.size == 0:
        raise AudioDecodeError(path, "the recording holds no audio frames")
    return samples, rate


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    # libsndfile prefixes messages with the path; the error already names the file.
    return text.split(": ", 1)[-1] if text.startswith("Error opening") else text
