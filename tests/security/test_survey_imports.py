"""Survey imports (issue 18, item 13): GB18030 exports, binary files, formula cells, impossible
times, and exports without a profile whose columns are recognised by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from core.errors import SurveyImportError
from inspector.store.models import SurveyResponse
from inspector.surveys.imports import import_surveys
from surveys.columns import detect_profile

CHINESE = "问卷编号,通话流水号,发送时间,评价时间,满意度,评价内容\n"
ROWS = (
    "Q1,CALL-1,2026-11-02 09:10:00,2026-11-02 09:12:00,1,服务很好\n"
    "Q2,CALL-2,2026-11-02 10:10:00,2026-11-02 10:11:00,3,等太久了\n"
)


def _responses(sessions) -> list[SurveyResponse]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def test_a_gb18030_export_is_read_and_says_so(settings, sessions, tmp_path: Path) -> None:
    path = tmp_path / "excel_export.csv"
    path.write_bytes((CHINESE + ROWS).encode("gb18030"))  # what Excel on Chinese Windows writes
    report = import_surveys(sessions, settings, path, "auto")
    assert report.encoding == "gb18030" and report.imported == 2 and not report.errors
    assert [r.comment for r in _responses(sessions)] == ["服务很好", "等太久了"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ((CHINESE + ROWS).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + (CHINESE + ROWS).encode(), "utf-8-sig"),
    ],
)
def test_utf8_with_or_without_bom(settings, sessions, tmp_path: Path, data, encoding) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert import_surveys(sessions, settings, path).encoding == encoding


def test_a_binary_file_is_refused_by_name(settings, sessions, tmp_path: Path) -> None:
    path = tmp_path / "recording.csv"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8)
    with pytest.raises(SurveyImportError, match=r"recording.csv: binary content"):
        import_surveys(sessions, settings, path, "ivr_3level")
    from inspector.cli import main

    result = CliRunner().invoke(
        main, ["surveys", "import", str(path)], env={"INSPECTOR_DATA_DIR": str(tmp_path / "v")}
    )
    assert result.exit_code != 0 and "binary content" in result.output
    assert "Traceback" not in result.output


def test_formula_cells_are_bad_rows_not_unanswered(settings, sessions, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["survey_id", "call_id", "customer_hash", "invited_at", "answered_at", "key"])
    sheet.append(["S1", "CALL-1", "", "2026-11-02 09:10:00", "2026-11-02 09:12:00", 1])
    sheet.append(["S2", "CALL-2", "", "2026-11-02 09:10:00", "2026-11-02 09:12:00", "=1+1"])
    path = tmp_path / "with_formula.xlsx"
    book.save(path)
    report = import_surveys(sessions, settings, path, "ivr_3level")
    assert report.imported == 1 and len(report.errors) == 1
    (error,) = report.errors
    assert (error.row, error.field) == (3, "key") and "formula" in error.reason


def test_an_answer_before_its_invitation_is_a_bad_row(settings, sessions, tmp_path: Path) -> None:
    path = tmp_path / "times.csv"
    path.write_text(
        CHINESE + "Q9,CALL-9,2026-11-02 09:10:00,2026-11-02 08:00:00,1,太快了\n", "utf-8"
    )
    report = import_surveys(sessions, settings, path)
    assert report.imported == 0
    (error,) = report.errors
    assert error.field == "评价时间" and "before it was sent" in error.reason


def test_columns_are_recognised_by_name_and_the_mapping_printed(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CHINESE + ROWS, "utf-8")
    from inspector.cli import main

    result = CliRunner().invoke(
        main,
        ["surveys", "import", str(path), "--no-comments"],
        env={"INSPECTOR_DATA_DIR": str(tmp_path / "v")},
    )
    assert result.exit_code == 0, result.output
    assert "read as utf-8" in result.output
    assert "sent <- 发送时间" in result.output and "answer <- 满意度" in result.output
    assert "2 imported" in result.output


@pytest.mark.parametrize(
    ("header", "values", "scale"),
    [
        (["survey_id", "sent_at", "score"], ["1", "2", "3"], "ivr3"),
        (["survey_id", "sent_at", "score"], ["1", "5", "4"], "csat5"),
        (["问卷编号", "发送时间", "评分"], ["10", "7", "1"], "ten_point"),
        (["问卷编号", "发送时间", "推荐意愿", "满意度"], ["0", "9"], "nps11"),
        (["id", "sent_at", "satisfaction"], ["满意", "不满意"], "ivr3"),
    ],
)
def test_the_answer_scale_is_told_by_its_values(header, values, scale) -> None:
    answer = header[-1]
    profile, mapping = detect_profile(header, [{answer: v} for v in values], "x.csv")
    assert profile.scale == scale and mapping["answer_column"] == answer


def test_unrecognisable_columns_are_refused_with_them_listed() -> None:
    with pytest.raises(SurveyImportError, match=r"no sent .*\(编号, 时间, 分数\)"):
        detect_profile(["编号", "时间", "分数"], [], "odd.csv")
