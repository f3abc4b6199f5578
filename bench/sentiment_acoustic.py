"""Do acoustic cues (loudness, pitch level, pitch rise) improve customer-turn sentiment?

python bench/sentiment_acoustic.py

For every customer turn of the stereo fixture calls: the text head's three probabilities, and
librosa features relative to the same speaker in the same call (RMS level in dB, median f0 in
semitones, f0 slope in semitones per second). Labels come from the script's speaking style
(angry/upset = negative, happy = positive, neutral = neutral). Leave-one-call-out logistic
regression, text alone vs text + acoustic. Caveat printed with the table: the fixture generator
sets a turn's gain from its style, so loudness carries the label by construction here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from asr.audio import decode  # noqa: E402
from scoring.sentiment import shared_model  # noqa: E402

STYLE_LABEL = {"angry": 0, "upset": 0, "neutral": 1, "happy": 2}


def features(samples: np.ndarray, rate: int, start: float, end: float) -> tuple[float, ...]:
    import librosa

    clip = samples[int(start * rate) : int(end * rate)]
    rms = float(np.sqrt(np.mean(clip**2)) + 1e-9)
    f0 = librosa.yin(clip, fmin=70, fmax=400, sr=rate, frame_length=512)
    f0 = f0[(f0 > 70) & (f0 < 400)]
    if len(f0) < 3:
        return 20 * np.log10(rms), float("nan"), 0.0
    semis = 12 * np.log2(f0)
    slope = float(np.polyfit(np.linspace(0, end - start, len(semis)), semis, 1)[0])
    return 20 * np.log10(rms), float(np.median(semis)), slope


def collect():
    model = shared_model()
    rows = []
    for truth_path in sorted((REPO / "fixtures/calls").glob("c*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        audio_file = REPO / "fixtures/calls" / truth["audio"]["file"]
        turns = [s for s in truth["segments"] if s["role"] == "customer" and s.get("style")]
        if not turns or not audio_file.exists():
            continue
        audio = decode(audio_file)
        if audio.channels < 2:
            continue
        probs = model.predict([t["text"] for t in turns], ["customer"] * len(turns))
        feats = np.array(
            [
                features(audio.samples[t["channel"]], audio.sample_rate_hz, t["start"], t["end"])
                for t in turns
            ]
        )
        level = feats[:, 0] - np.nanmedian(feats[:, 0])
        pitch = np.nan_to_num(feats[:, 1] - np.nanmedian(feats[:, 1]))
        for t, p, lv, pt, sl in zip(turns, probs, level, pitch, feats[:, 2], strict=True):
            rows.append((truth["call_id"], STYLE_LABEL[t["style"]], p.probabilities, (lv, pt, sl)))
    return rows


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    rows = collect()
    calls = sorted({r[0] for r in rows})
    y = np.array([r[1] for r in rows])
    text = np.array([r[2] for r in rows])
    acoustic = np.array([r[3] for r in rows])
    variants = {
        "text head alone (argmax)": None,
        "text probs, LOCO LR": text,
        "text + pitch (level, rise)": np.hstack([text, acoustic[:, 1:]]),
        "text + loudness + pitch": np.hstack([text, acoustic]),
    }
    print(f"{len(rows)} customer turns in {len(calls)} stereo calls")
    print(f"{'features':<30} {'accuracy':>9}")
    for name, x in variants.items():
        if x is None:
            pred = text.argmax(axis=1)
        else:
            pred = np.zeros(len(y), dtype=int)
            for call in calls:
                test = np.array([r[0] == call for r in rows])
                if len(set(y[~test])) < 2:
                    continue
                model = LogisticRegression(max_iter=2000).fit(x[~test], y[~test])
                pred[test] = model.predict(x[test])
        print(f"{name:<30} {(pred == y).mean():>9.3f}")
    print("note: the generator raises angry/upset turns by 6/2.5 dB, so loudness is circular here")


if __name__ == "__main__":
    main()
