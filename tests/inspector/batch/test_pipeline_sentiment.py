"""The sentiment stage inside the pipeline: per-turn scores, the trajectory and the anger flag
stored and exported for a real fixture call (ground-truth transcript, real sentiment model)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asr.types import Role, Segment, Transcript
from inspector.batch.jobs import CallInfo
from inspector.batch.pipeline import CallWork, SentimentStage
from inspector.cli import main
from tests.factories import FIXTURE_CALLS

pytestmark = pytest.mark.slow


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_processed_call_carries_sentiment_trajectory_and_anger_flag(tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    rec.mkdir()
    for name in ("c17_empathy_after_anger.wav", "c17_empathy_after_anger.json"):
        shutil.copy(FIXTURE_CALLS / name, rec / name)
    env = {
        "INSPECTOR_DATA_DIR": str(tmp_path / "var"),
        "INSPECTOR_ASR_ENGINE": "fixture",
        "INSPECTOR_FIXTURE_DIR": str(rec),
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    _run(env, "ingest", str(rec))
    _run(env, "work", "--burst")
    out = tmp_path / "export.jsonl"
    _run(env, "export", "--format", "jsonl", "--out", str(out))
    record = json.loads(out.read_text("utf-8"))
    assert all(s["sentiment"] is not None and s["anger"] is not None for s in record["segments"])
    customer = record["metrics"]["sentiment"]["customer"]
    first = next(s for s in record["segments"] if s["role"] == "customer")
    assert customer["peak"]["text"] == "你们怎么回事？这个月扣了我两次月租，太过分了！"
    assert customer["peak"]["score"] == pytest.approx(first["sentiment"], abs=1e-3)
    assert customer["end"] > 0.3 and customer["trend"] > 1.0  # angry start, thankful end
    assert len(customer["curve"]) == 4 and len(customer["quarters"]) == 4
    flags = {f["id"]: f["evidence"] for f in record["result"]["flags"]}
    assert flags["customer_anger"][0]["text"] == first["text"]
    # the evidence names what raised it: the sentiment stage's scores or the anger act's sentence
    match = flags["customer_anger"][0]["match"]
    assert "anger" in match or match in first["text"]

    csv_out = tmp_path / "export.csv"
    _run(env, "export", "--format", "csv", "--out", str(csv_out))
    row = next(csv.DictReader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig"))))
    assert float(row["customer_sentiment_trend"]) == pytest.approx(customer["trend"])


def test_stage_loads_the_model_only_for_calls_with_speech() -> None:
    loads = []

    def factory():
        loads.append(1)
        raise AssertionError("must not load for a silent call")

    stage = SentimentStage(factory)
    info = CallInfo(1, "c", 1, None, "0" * 64, 1, 8000, 1.0, None)
    work = CallWork(call=info, transcript=Transcript(()))
    stage.run(work)
    work.transcript = Transcript((Segment(0, 1, Role.AGENT, "  "),))
    stage.run(work)
    assert loads == []
