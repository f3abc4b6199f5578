"""Benchmark ASR on the fixture corpus: audio s, wall s, RTF, peak RSS and CER per engine.

    python bench/asr.py                          # faster-whisper on every call, both engines on 4
    python bench/asr.py --calls c01 c04 --engines faster-whisper
    python bench/asr.py --no-hotwords            # measure the glossary's effect

Each engine runs in its own process so peak RSS is its own. CER compares each role's text with
the ground truth (digits and 幺 normalised to Hanzi, punctuation removed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CALLS = REPO / "fixtures" / "calls"
sys.path.insert(0, str(REPO))


def _scripted() -> list[str]:
    return [p.stem for p in sorted(CALLS.glob("c*.json"))]


def _run_engine(engine: str, calls: list[str], hotwords: bool, threads: int, beam: int) -> dict:
    from asr.audio import decode
    from asr.text import cer
    from asr.transcriber import TranscribeOptions, WhisperTranscriber
    from inspector.settings import Settings
    from tests.factories import MODEL_CACHE

    settings = Settings(model_cache=str(MODEL_CACHE))
    t0 = time.perf_counter()
    if engine == "faster-whisper":
        from asr.engines.faster import FasterWhisperEngine
        from asr.models import prepare_base_ct2

        eng = FasterWhisperEngine(
            prepare_base_ct2(settings.models_dir), device="cpu", cpu_threads=threads, beam_size=beam
        )
    else:
        import torch

        from asr.engines.openai import OpenAIWhisperEngine
        from asr.models import prepare_base_openai

        torch.set_num_threads(threads)
        eng = OpenAIWhisperEngine(
            prepare_base_openai(settings.models_dir), device="cpu", beam_size=beam
        )
    load_s = time.perf_counter() - t0
    transcriber = WhisperTranscriber(
        eng, TranscribeOptions(hotwords=settings.asr_hotwords if hotwords else ())
    )
    rows = []
    for call in calls:
        truth = json.loads((CALLS / f"{call}.json").read_text(encoding="utf-8"))
        audio = decode(CALLS / truth["audio"]["file"])
        t0 = time.perf_counter()
        result = transcriber.transcribe(audio, TranscribeOptions(agent_channel="left"))
        wall = time.perf_counter() - t0
        errors = chars = 0.0
        for role in ("agent", "customer"):
            ref = "".join(s["text"] for s in truth["segments"] if s["role"] == role)
            hyp = "".join(s.text for s in result.segments if s.role == role)
            from asr.text import normalize_for_cer

            errors += cer(ref, hyp) * len(normalize_for_cer(ref))
            chars += len(normalize_for_cer(ref))
        rows.append(
            {
                "call": call,
                "audio_s": audio.duration_s,
                "wall_s": wall,
                "cer": errors / chars if chars else 0.0,
                "chars": chars,
            }
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "load_s": load_s, "rows": rows, "peak_rss_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", nargs="*", help="call ids (prefixes) to run; default all")
    parser.add_argument("--engines", nargs="*", default=["faster-whisper", "openai-whisper"])
    parser.add_argument(
        "--openai-calls",
        type=int,
        default=4,
        help="openai-whisper is slow: run it on the first N of the calls",
    )
    parser.add_argument("--no-hotwords", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    calls = _scripted()
    if args.calls:
        calls = [c for c in calls if any(c.startswith(p) for p in args.calls)]
    if args.child:
        result = _run_engine(args.child, calls, not args.no_hotwords, args.threads, args.beam)
        print(json.dumps(result))
        return
    results = []
    for engine in args.engines:
        subset = calls if engine == "faster-whisper" else calls[: args.openai_calls]
        cmd = [
            sys.executable,
            __file__,
            "--child",
            engine,
            "--threads",
            str(args.threads),
            "--beam",
            str(args.beam),
            "--calls",
            *subset,
        ]
        if args.no_hotwords:
            cmd.append("--no-hotwords")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(
        f"{'engine':<15} {'calls':>5} {'audio s':>8} {'wall s':>7} {'RTF':>6} {'x RT':>6} "
        f"{'peak RSS MB':>11} {'CER %':>6}"
    )
    for r in results:
        audio = sum(x["audio_s"] for x in r["rows"])
        wall = sum(x["wall_s"] for x in r["rows"])
        chars = sum(x["chars"] for x in r["rows"])
        cer = sum(x["cer"] * x["chars"] for x in r["rows"]) / chars
        print(
            f"{r['engine']:<15} {len(r['rows']):>5} {audio:>8.1f} {wall:>7.1f} "
            f"{wall / audio:>6.3f} {audio / wall:>6.1f} {r['peak_rss_mb']:>11.0f} {100 * cer:>6.1f}"
        )
    if len(results) == 2:
        shared = {x["call"] for x in results[1]["rows"]}
        fw = sum(x["wall_s"] for x in results[0]["rows"] if x["call"] in shared)
        ow = sum(x["wall_s"] for x in results[1]["rows"])
        print(f"faster-whisper is {ow / fw:.1f}x faster than openai-whisper on the same calls")
    print(
        "\nper call (faster-whisper): "
        + ", ".join(f"{x['call'][:3]} {100 * x['cer']:.0f}%" for x in results[0]["rows"])
    )


if __name__ == "__main__":
    main()
