"""Separate two speakers in a mono recording by clustering the timbre of each segment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE_HZ = 16000


@dataclass(frozen=True)
class SpeakerSplit:
    labels: tuple[int, ...]
    #: 0-1: how well separated the two clusters are (silhouette, clipped).
    separation: float


def _features(audio: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    import librosa

    piece = audio[int(start_s * SAMPLE_RATE_HZ) : max(int(end_s * SAMPLE_RATE_HZ), 1)]
    if piece.size < SAMPLE_RATE_HZ // 10:
        piece = np.pad(piece, (0, SAMPLE_RATE_HZ // 10 - piece.size))
    mfcc = librosa.feature.mfcc(y=piece, sr=SAMPLE_RATE_HZ, n_mfcc=20, n_fft=512, hop_length=160)
    voiced = mfcc[:, mfcc[0] > np.percentile(mfcc[0], 30)] if mfcc.shape[1] > 3 else mfcc
    f0 = librosa.yin(piece, fmin=70, fmax=400, sr=SAMPLE_RATE_HZ, frame_length=1024)
    pitch = np.median(f0[np.isfinite(f0)]) if np.isfinite(f0).any() else 0.0
    return np.concatenate([voiced.mean(axis=1)[1:], voiced.std(axis=1)[1:], [np.log(pitch + 1.0)]])


def split_speakers(audio: np.ndarray, spans: Sequence[tuple[float, float]]) -> SpeakerSplit:
    """Label each (start, end) span 0 or 1 by speaker; one span or one voice gives all zeros."""
    if len(spans) < 2:
        return SpeakerSplit(tuple(0 for _ in spans), 0.0)
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    feats = np.stack([_features(audio, s, e) for s, e in spans])
    feats = StandardScaler().fit_transform(feats)
    labels = AgglomerativeClustering(n_clusters=2, linkage="ward").fit_predict(feats)
    if len(set(labels)) < 2:
        return SpeakerSplit(tuple(0 for _ in spans), 0.0)
    if len(spans) < 3:  # a silhouette needs a third span; two spans split, nothing measured
        return SpeakerSplit(tuple(int(x) for x in labels), 0.0)
    separation = float(np.clip(silhouette_score(feats, labels), 0.0, 1.0))
    return SpeakerSplit(tuple(int(x) for x in labels), round(separation, 3))
