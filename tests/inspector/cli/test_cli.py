"""The CLI end to end on the embedded default: ingest, work, status, export, retry."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inspector.cli import main
from tests.factories import make_truth, make_wav

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "INSPECTOR_DATA_DIR": str(tmp_path / "var"),
        "INSPECTOR_ASR_ENGINE": "fixture",
        "INSPECTOR_FIXTURE_DIR": str(tmp_path / "rec"),
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_work_status_export(env: dict[str, str], tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    wav = make_wav(rec / "call1.wav", seed=1, seconds=6)
    make_truth(
        wav,
        [
            {"role": "agent", "start": 0.2, "end": 2.0, "text": "您好，很高兴为您服务"},
            {"role": "customer", "start": 2.5, "end": 4.0, "text": "我想查一下话费"},
        ],
    )
    make_wav(rec / "call2.wav", seed=2)
    (rec / "broken.wav").write_text("nope")
    assert "2 added, 0 new versions, 0 unchanged, 1 failed" in _run(env, "ingest", str(rec))
    assert "processed 2 calls" in _run(env, "work", "--burst", "--workers", "2")
    status = _run(env, "status")
    assert "done: 2" in status and "failed: 1" in status
    assert "failed broken v1 [decode]" in status and "broken.wav" in status

    out = tmp_path / "export.jsonl"
    _run(env, "export", "--format", "jsonl", "--out", str(out))
    records = {r["call_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(records) == {"call1", "call2", "broken"}
    call1 = records["call1"]
    assert call1["status"] == "done"
    assert [s["role"] for s in call1["segments"]] == ["agent", "customer"]
    assert (
        call1["segments"][0] | {"text": "您好，很高兴为您服务", "start": 0.2, "end": 2.0}
        == (call1["segments"][0])
    )
    assert call1["metrics"]["roles"]["agent"]["turns"] == 1
    result = call1["result"]
    assert result["scorecard"] == "telecom_hotline" and 0 <= result["score"] <= 100
    statuses = {i["id"]: i["status"] for i in result["items"]}
    assert statuses["greeting"] == "passed" and statuses["closing"] == "failed"
    assert records["call2"]["segments"] == []  # an unknown recording gets no invented text
    assert records["broken"]["status"] == "failed"

    csv_out = tmp_path / "export.csv"
    _run(env, "export", "--format", "csv", "--out", str(csv_out))
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["call_id"] for r in rows} == {"call1", "call2", "broken"}
    assert "[agent] 您好" in next(r for r in rows if r["call_id"] == "call1")["transcript"]

    (rec / "broken.wav").unlink()
    assert "1 calls queued again" in _run(env, "retry", "broken")
    _run(env, "work", "--burst")
    assert "failed: 1" in _run(env, "status")  # the stored copy is still not audio


def test_config_and_errors_are_reported_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status"], env={**env, "INSPECTOR_WORKERS": "x"})
    assert result.exit_code == 1
    assert "setting 'workers'" in result.output and "Traceback" not in result.output
    shown = json.loads(_run(env, "config"))
    assert shown["secret_key"] in ("", "***") and shown["asr_engine"] == "fixture"


def test_console_script_is_installed(env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("inspector")), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("ingest", "work", "status", "retry", "export", "serve", "demo"):
        assert command in done.stdout


@pytest.mark.parametrize("command", [["work", "--workers"], ["serve", "--threads"]])
@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_counts_on_the_command_line_are_checked(env, command: list[str], value: str) -> None:
    result = CliRunner().invoke(main, [*command, value], env=env)
    assert result.exit_code == 2
    assert f'{value!r} is not a whole number >= 1 or "auto"' in result.output


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["--out", "x.npz"], "--guards-out, --contrasts-out"),
        (["--guards-out", "g.npz", "--contrasts-out", "c.npz"], "--out"),
    ],
)
def test_heads_written_elsewhere_never_overwrite_the_packaged_ones(
    env: dict[str, str], tmp_path: Path, args: list[str], missing: str
) -> None:
    from scoring.intents import CONTRAST_FILE, GUARD_FILE, HEADS_FILE

    packaged = {p: p.stat().st_mtime_ns for p in (HEADS_FILE, GUARD_FILE, CONTRAST_FILE)}
    args = [str(tmp_path / a) if a.endswith(".npz") else a for a in args]
    result = CliRunner().invoke(main, ["models", "train-intents", *args], env=env)
    assert result.exit_code == 2
    assert f"name {missing} too, or choose one kind with --only" in result.output
    assert {p: p.stat().st_mtime_ns for p in packaged} == packaged
    assert not list(tmp_path.glob("*.npz"))


def test_a_heads_destination_for_heads_not_retrained_is_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = str(tmp_path / "g.npz")
    args = ["models", "train-intents", "--only", "acts", "--guards-out", out]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2
    assert "--only acts retrains no heads for --guards-out" in result.output
    assert not list(tmp_path.glob("*.npz"))
