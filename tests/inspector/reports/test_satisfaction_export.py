"""Satisfaction export from the fixture corpus: XLSX figures match a count done by hand."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from inspector.cli import main
from tests.factories import REPO

CALLS = REPO / "fixtures" / "calls"
SURVEYS = REPO / "fixtures" / "surveys"


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _expected_a1001() -> tuple[int, int, int]:
    """(invitations, responses, satisfied or basic) of agent A1001, counted from the files."""
    calls = {
        r["call_id"]: r["agent_id"]
        for r in csv.DictReader((CALLS / "manifest.csv").read_text("utf-8").splitlines())
    }
    invited = answered = good = 0
    for row in csv.DictReader((SURVEYS / "ivr_3level.csv").read_text("utf-8").splitlines()):
        call = row["call_id"] or None
        if call and calls.get(call) == "A1001":
            invited += 1
            if row["key"]:
                answered += 1
                good += row["key"] in ("1", "2")
    for row in csv.DictReader((SURVEYS / "sms_10point.csv").read_text("utf-8").splitlines()):
        if row["call_id"] and calls.get(row["call_id"]) == "A1001":
            invited += 1
            if row["overall_1_10"]:
                answered += 1
                good += int(row["overall_1_10"]) >= 7
    return invited, answered, good


def test_import_and_export_xlsx_and_csv(tmp_path: Path) -> None:
    env = {"INSPECTOR_DATA_DIR": str(tmp_path / "var"), "INSPECTOR_LOG_LEVEL": "WARNING"}
    _run(env, "ingest", str(CALLS / "manifest.csv"))
    assert "by number and time" in _run(
        env, "surveys", "import", str(SURVEYS / "ivr_3level.csv"), "--profile", "ivr_3level"
    )
    _run(env, "surveys", "import", str(SURVEYS / "sms_10point.csv"), "--profile", "sms_10point")
    out = tmp_path / "s.xlsx"
    _run(
        env,
        "surveys",
        "export",
        "--by",
        "agent",
        "--by",
        "team",
        "--period",
        "all",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    book = load_workbook(out)
    assert book.sheetnames == ["按坐席", "按班组"]  # the sheets say what they group by
    sheet = book["按坐席"]
    assert sheet.freeze_panes == "C2" and sheet["A1"].font.bold
    header = [c.value for c in sheet[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    invited, answered, good = _expected_a1001()
    # A1001's calls joined by number and time count too: c19/c25 are other agents' calls
    a1001 = rows["A1001"]
    assert (a1001["邀评数"], a1001["参评数"]) == (invited, answered)
    assert abs(a1001["满意率"] - good / answered) < 1e-9
    assert sheet.cell(row=2, column=header.index("满意率") + 1).number_format == "0.0%"
    csv_out = tmp_path / "s.csv"
    _run(
        env,
        "surveys",
        "export",
        "--by",
        "overall",
        "--period",
        "month",
        "--format",
        "csv",
        "--out",
        str(csv_out),
    )
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (overall,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert overall["周期"] == "2026-11" and int(overall["邀评数"]) >= 30
    assert overall["NPS"] != ""  # the SMS survey asks likelihood to recommend
