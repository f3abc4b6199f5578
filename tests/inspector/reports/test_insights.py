"""QA <-> satisfaction on processed fixture calls: mismatch flags stay true through re-runs,
and `inspector surveys insights` reports and exports the signals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from inspector.cli import main
from inspector.store.database import make_engine, make_session_factory
from inspector.store.models import Call, CallFlag
from tests.factories import FIXTURE_CALLS, REPO

pytestmark = pytest.mark.slow
CALLS = ("c01_compliant_billing", "c21_score_solicitation", "c26_angry_ends_worse")


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _flags(tmp_path: Path) -> dict[str, list]:
    sessions = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'var' / 'inspector.db'}"))
    with sessions() as session:
        rows = session.execute(
            select(Call.call_id, CallFlag.evidence)
            .join(CallFlag, CallFlag.call_pk == Call.id)
            .where(CallFlag.flag == "qa_survey_mismatch")
        ).all()
    return {call_id: evidence for call_id, evidence in rows}


def test_mismatch_flags_and_insights(tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    rec.mkdir()
    for call in CALLS:
        for ext in (".wav", ".json"):
            shutil.copy(FIXTURE_CALLS / f"{call}{ext}", rec / f"{call}{ext}")
    lines = (FIXTURE_CALLS / "manifest.csv").read_text("utf-8").splitlines()
    manifest = rec / "manifest.csv"
    manifest.write_text(
        "\n".join([lines[0], *[x for x in lines[1:] if x.split(",")[0][:-4] in CALLS]]) + "\n",
        encoding="utf-8",
    )
    env = {
        "INSPECTOR_DATA_DIR": str(tmp_path / "var"),
        "INSPECTOR_ASR_ENGINE": "fixture",
        "INSPECTOR_FIXTURE_DIR": str(rec),
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    assert "3 added" in _run(env, "ingest", str(manifest))
    _run(env, "work", "--burst")
    surveys = REPO / "fixtures" / "surveys"
    _run(env, "surveys", "import", str(surveys / "ivr_3level.csv"), "--profile", "ivr_3level")
    out = _run(
        env, "surveys", "import", str(surveys / "sms_10point.csv"), "--profile", "sms_10point"
    )
    assert "1 calls flagged where QA and the survey disagree" in out
    # c21 solicited a full score (fatal) and got 10/10; c26 failed and got 1/10: only c21
    flags = _flags(tmp_path)
    assert set(flags) == {"c21_score_solicitation"}
    assert flags["c21_score_solicitation"][0]["match"] == "qa_fail_satisfied"
    assert "满意" in flags["c21_score_solicitation"][0]["text"]

    # re-processing the call rewrites its results and keeps the flag true
    assert "0 calls queued" in _run(env, "retry", "c21_score_solicitation")  # not failed
    assert "1 calls queued" in _run(env, "retry", "--include-done", "c21_score_solicitation")
    assert "processed 1 calls" in _run(env, "work", "--burst")
    assert set(_flags(tmp_path)) == {"c21_score_solicitation"}

    xlsx = tmp_path / "insights.xlsx"
    shown = _run(env, "surveys", "insights", "--out", str(xlsx))
    assert "signal solicitation: A1003" in shown
    assert "fast_answers" in shown
    book = load_workbook(xlsx)
    assert book.sheetnames == ["质检项与满意度", "坐席", "评论信号"]
    signals = list(book["评论信号"].iter_rows(min_row=2, values_only=True))
    assert any(row[1] == "solicitation" and "c21_score_solicitation" in row[3] for row in signals)
    items = {row[0]: row for row in book["质检项与满意度"].iter_rows(min_row=2, values_only=True)}
    assert items["score_solicitation"][2] == 1  # failed once among the answered calls
