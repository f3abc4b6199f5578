"""Benchmark ASR on the fixture corpus: audio s, wall s, RTF, peak RSS and CER per engine.

    python bench/asr.py                          # all calls, both engines, the 5-minute call
    python bench/asr.py --calls c01 c04 --engines faster-whisper --no-five-minutes
    python bench/asr.py --batch 1                # faster-whisper's one-by-one decoder

Each engine runs in its own process so peak RSS is its own. CER compares each role's text with
the ground truth (digits and 幺 normalised to Hanzi, punctuation removed); on the mono archive a
sentence given to the wrong speaker counts as errors. CER is printed without and with the
glossary correction (asr/glossary_zh.txt + the hotwords setting), from the same decoding, and
per role after the glossary (the agent voice and the customer voices differ in how hard they are).

The 5-minute call is calls c01-c08 (309 s) joined into one stereo recording and run through the
whole worker pipeline (decode, ASR, measures, sentiment, scoring) with the default settings;
model loading is not counted (a worker loads the model once).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CALLS = REPO / "fixtures" / "calls"
FIVE_MINUTES = [f"c0{i}" for i in range(1, 9)]
sys.path.insert(0, str(REPO))


def _scripted() -> list[str]:
    return [p.stem for p in sorted(CALLS.glob("c*.json"))]


def _truth(call: str) -> dict:
    return json.loads((CALLS / f"{call}.json").read_text(encoding="utf-8"))


def _role_errors(truth_segments: list[dict], segments) -> dict[str, tuple[float, int]]:  # type: ignore[no-untyped-def]
    """Per role: (character errors, reference characters)."""
    from asr.text import cer, normalize_for_cer

    out = {}
    for role in ("agent", "customer"):
        ref = "".join(s["text"] for s in truth_segments if s["role"] == role)
        hyp = "".join(s.text for s in segments if s.role.value == role)
        n = len(normalize_for_cer(ref))
        out[role] = (cer(ref, hyp) * n, n)
    return out


def _errors(truth_segments: list[dict], segments) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    per_role = _role_errors(truth_segments, segments).values()
    return sum(e for e, _ in per_role), sum(n for _, n in per_role)


def _engine(engine: str, threads: int, beam: int, batch: int):  # type: ignore[no-untyped-def]
    from inspector.settings import Settings
    from tests.factories import MODEL_CACHE

    models = Settings(model_cache=str(MODEL_CACHE)).models_dir
    if engine == "faster-whisper":
        from asr.engines.faster import FasterWhisperEngine
        from asr.models import prepare_base_ct2

        return FasterWhisperEngine(
            prepare_base_ct2(models),
            device="cpu",
            cpu_threads=threads,
            beam_size=beam,
            batch_size=batch,
        )
    import torch

    from asr.engines.openai import OpenAIWhisperEngine
    from asr.models import prepare_base_openai

    torch.set_num_threads(threads)
    return OpenAIWhisperEngine(prepare_base_openai(models), device="cpu", beam_size=beam)


def _run_engine(engine: str, calls: list[str], args: argparse.Namespace) -> dict:
    from asr.audio import decode
    from asr.call import apply_glossary
    from asr.protocol import TranscribeOptions
    from asr.transcriber import WhisperTranscriber
    from inspector.batch.pipeline import load_glossary
    from inspector.settings import Settings

    settings = Settings()
    t0 = time.perf_counter()
    eng = _engine(engine, args.threads, args.beam, args.batch)
    load_s = time.perf_counter() - t0
    glossary = load_glossary(settings)
    transcriber = WhisperTranscriber(eng, TranscribeOptions(hotwords=settings.asr_hotwords))
    rows = []
    for call in calls:
        truth = _truth(call)
        t0 = time.perf_counter()
        audio = decode(CALLS / truth["audio"]["file"])
        raw = transcriber.transcribe(audio, TranscribeOptions(agent_channel="left"))
        fixed = apply_glossary(raw, glossary) if glossary else raw
        wall = time.perf_counter() - t0
        errors_raw, chars = _errors(truth["segments"], raw.segments)
        by_role = _role_errors(truth["segments"], fixed.segments)
        errors = sum(e for e, _ in by_role.values())
        rows.append(
            {
                "call": call,
                "audio_s": audio.duration_s,
                "wall_s": wall,
                "errors_raw": errors_raw,
                "errors": errors,
                "chars": chars,
                **{f"errors_{role}": e for role, (e, _) in by_role.items()},
                **{f"chars_{role}": n for role, (_, n) in by_role.items()},
            }
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "load_s": load_s,
        "rows": rows,
        "peak_rss_mb": peak_mb,
    }


def _five_minutes(args: argparse.Namespace) -> dict:
    """The 5-minute call through the whole pipeline with the default settings."""
    import numpy as np
    import soundfile as sf

    from asr.audio import decode
    from inspector.batch.jobs import CallInfo
    from inspector.batch.pipeline import build_pipeline
    from inspector.settings import Settings
    from tests.factories import MODEL_CACHE

    parts, segments, offset = [], [], 0.0
    for call in FIVE_MINUTES:
        truth = _truth(next(c for c in _scripted() if c.startswith(call)))
        audio = decode(CALLS / truth["audio"]["file"])
        parts.append(audio.samples)
        segments += [
            dict(s, start=s["start"] + offset, end=s["end"] + offset) for s in truth["segments"]
        ]
        offset += audio.duration_s
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "five_minutes.wav"
        sf.write(path, np.concatenate(parts, axis=1).T, 8000, subtype="ULAW")
        settings = Settings(
            model_cache=str(MODEL_CACHE),
            asr_cpu_threads=args.threads,
            asr_beam_size=args.beam,
            asr_batch_size=args.batch,
        )
        t0 = time.perf_counter()
        pipeline = build_pipeline(settings)
        call = CallInfo(1, "five_minutes", 1, str(path), "", 2, 8000, offset, "left")
        pipeline.process(replace(call))  # warm-up: loads Whisper and the sentiment model
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        work = pipeline.process(call)
        wall = time.perf_counter() - t0
    errors, chars = _errors(segments, work.transcript.segments)
    return {"audio_s": offset, "wall_s": wall, "load_s": load_s, "cer": errors / chars}


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
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--batch", type=int, default=8, help="faster-whisper batch size")
    parser.add_argument("--no-five-minutes", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    calls = _scripted()
    if args.calls:
        calls = [c for c in calls if any(c.startswith(p) for p in args.calls)]
    if args.child:
        if args.child == "five-minutes":
            result = _five_minutes(args)
        else:
            result = _run_engine(args.child, calls, args)
        print(json.dumps(result))
        return
    common = ["--threads", str(args.threads), "--beam", str(args.beam), "--batch", str(args.batch)]
    results = []
    for engine in args.engines:
        subset = calls if engine == "faster-whisper" else calls[: args.openai_calls]
        cmd = [sys.executable, __file__, "--child", engine, *common, "--calls", *subset]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(
        f"beam {args.beam}, {args.threads} threads, faster-whisper batch {args.batch}\n"
        f"{'engine':<20} {'calls':>5} {'audio s':>8} {'wall s':>7} {'RTF':>6} {'x RT':>6} "
        f"{'peak RSS MB':>11} {'CER raw %':>9} {'CER %':>6} {'agent %':>7} {'customer %':>10}"
    )
    for r in results:
        audio = sum(x["audio_s"] for x in r["rows"])
        wall = sum(x["wall_s"] for x in r["rows"])
        chars = sum(x["chars"] for x in r["rows"])
        raw = sum(x["errors_raw"] for x in r["rows"]) / chars
        cer = sum(x["errors"] for x in r["rows"]) / chars
        role_cer = {
            role: sum(x[f"errors_{role}"] for x in r["rows"])
            / max(sum(x[f"chars_{role}"] for x in r["rows"]), 1)
            for role in ("agent", "customer")
        }
        label = r["engine"] + (" int8" if r["engine"] == "faster-whisper" else " fp32")
        print(
            f"{label:<20} {len(r['rows']):>5} {audio:>8.1f} {wall:>7.1f} "
            f"{wall / audio:>6.3f} {audio / wall:>6.1f} {r['peak_rss_mb']:>11.0f} "
            f"{100 * raw:>9.1f} {100 * cer:>6.1f} {100 * role_cer['agent']:>7.1f} "
            f"{100 * role_cer['customer']:>10.1f}"
        )
    if len(results) == 2:
        shared = {x["call"] for x in results[1]["rows"]}
        fw = sum(x["wall_s"] for x in results[0]["rows"] if x["call"] in shared)
        ow = sum(x["wall_s"] for x in results[1]["rows"])
        print(f"faster-whisper is {ow / fw:.1f}x faster than openai-whisper on the same calls")
    if results and results[0]["engine"] == "faster-whisper":
        print(
            "per call CER % (raw -> glossary): "
            + ", ".join(
                f"{x['call'][:3]} {100 * x['errors_raw'] / x['chars']:.0f}"
                f"->{100 * x['errors'] / x['chars']:.0f}"
                for x in results[0]["rows"]
            )
        )
    if not args.no_five_minutes:
        cmd = [sys.executable, __file__, "--child", "five-minutes", *common]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        speed = r["audio_s"] / r["wall_s"]
        print(
            f"\n5-minute stereo call (c01-c08 joined), whole pipeline, default settings: "
            f"{r['audio_s']:.0f} s of audio in {r['wall_s']:.1f} s = {speed:.1f}x real time, "
            f"CER {100 * r['cer']:.1f} % (target <= 45 s, >= 6.7x)"
        )


if __name__ == "__main__":
    main()
