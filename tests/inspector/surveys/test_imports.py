"""Survey import: profiles, bad rows, dedupe, XLSX, and each join path."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.errors import SurveyImportError
from inspector.batch.ingest import ingest
from inspector.store.models import SurveyResponse
from inspector.surveys.imports import import_surveys
from tests.factories import make_wav

HEADER = "survey_id,call_id,customer_hash,invited_at,answered_at,key\n"


@pytest.fixture
def calls(settings, sessions, tmp_path: Path) -> None:
    """Two calls of customer 'aaa' (09:00 for 60 s, 15:00 for 60 s) and one of 'bbb'."""
    rec = tmp_path / "rec"
    for i in range(3):
        make_wav(rec / f"c{i}.wav", seed=i, seconds=1)
    (rec / "manifest.csv").write_text(
        "file,call_id,customer_number_hash,start_time\n"
        "c0.wav,CALL-0,aaa,2026-11-02 09:00:00\n"
        "c1.wav,CALL-1,aaa,2026-11-02 15:00:00\n"
        "c2.wav,CALL-2,bbb,2026-11-01 08:00:00\n"
    )
    assert len(ingest(sessions, settings, rec / "manifest.csv").added) == 3


def _rows(sessions) -> dict[str, SurveyResponse]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return {r.response_key: r for r in session.scalars(select(SurveyResponse))}


def test_join_paths_and_levels(settings, sessions, calls, tmp_path: Path) -> None:
    export = tmp_path / "ivr.csv"
    export.write_text(
        HEADER
        + "S1,CALL-0,aaa,2026-11-02 09:02:00,2026-11-02 09:03:00,1\n"  # by call id
        + "S2,,aaa,2026-11-02 16:00:00,2026-11-02 16:01:00,基本满意\n"  # nearest earlier: CALL-1
        + "S3,,aaa,2026-11-02 12:00:00,,\n"  # after CALL-0 only; invited, no answer
        + "S4,,bbb,2026-11-03 12:00:00,2026-11-03 12:01:00,3\n"  # 52 h later: outside 24 h
        + "S5,CALL-404,ccc,2026-11-02 12:00:00,2026-11-02 12:01:00,2\n",  # nothing to join
        encoding="utf-8",
    )
    report = import_surveys(sessions, settings, export, "ivr_3level")
    assert report.imported == 5 and not report.errors
    assert report.joined == {"call_id": 1, "number_time": 2, "unmatched": 2}
    rows = _rows(sessions)
    with sessions() as session:
        from inspector.store.models import Call

        ids = {c.id: c.call_id for c in session.scalars(select(Call))}
    s1, s2, s3 = rows["ivr_3level:S1"], rows["ivr_3level:S2"], rows["ivr_3level:S3"]
    assert (ids[s1.call_pk], s1.join_method, s1.level, s1.score) == (
        "CALL-0",
        "call_id",
        "satisfied",
        1.0,
    )
    assert (ids[s2.call_pk], s2.join_method, s2.level) == ("CALL-1", "number_time", "basic")
    assert (ids[s3.call_pk], s3.responded, s3.level) == ("CALL-0", False, None)
    assert (
        rows["ivr_3level:S4"].join_method == "unmatched" and rows["ivr_3level:S4"].call_pk is None
    )
    assert rows["ivr_3level:S5"].join_method == "unmatched"


def test_bad_rows_go_to_an_error_file_and_good_rows_import(
    settings, sessions, calls, tmp_path: Path
) -> None:
    export = tmp_path / "ivr.csv"
    export.write_text(
        HEADER
        + "S1,CALL-0,aaa,2026-11-02 09:02:00,2026-11-02 09:03:00,1\n"
        + "S2,CALL-0,aaa,yesterday,,1\n"
        + ",CALL-0,aaa,2026-11-02 09:02:00,,1\n"
        + "S4,CALL-0,aaa,2026-11-02 09:02:00,2026-11-02 09:03:00,7\n"
        + "S5,CALL-0,aaa,2026-11-02 09:02:00,2026-11-02 09:03:00,很好\n",
        encoding="utf-8",
    )
    report = import_surveys(sessions, settings, export, "ivr_3level")
    assert report.imported == 1
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "invited_at"),
        (4, "survey_id"),
        (5, "key"),
        (6, "key"),
    ]
    assert "outside the ivr3 scale" in report.errors[2].reason
    lines = report.error_file.read_text("utf-8-sig").splitlines()
    assert lines[0] == "file,row,field,reason" and len(lines) == 5 and "yesterday" in lines[1]


def test_reimport_and_overlapping_exports_import_nothing_twice(
    settings, sessions, calls, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text(
        HEADER + "S1,CALL-0,aaa,2026-11-02 09:02:00,,1\nS2,CALL-1,aaa,2026-11-02 15:02:00,,2\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.csv"
    second.write_text(
        HEADER + "S2,CALL-1,aaa,2026-11-02 15:02:00,,2\nS3,CALL-2,bbb,2026-11-01 08:05:00,,3\n",
        encoding="utf-8",
    )
    assert import_surveys(sessions, settings, first, "ivr_3level").imported == 2
    again = import_surveys(sessions, settings, first, "ivr_3level")
    assert (again.imported, again.duplicates) == (0, 2)
    overlap = import_surveys(sessions, settings, second, "ivr_3level")
    assert (overlap.imported, overlap.duplicates) == (1, 1)
    assert len(_rows(sessions)) == 3


def test_xlsx_multi_question_export(settings, sessions, calls, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "response_id",
            "call_id",
            "customer_hash",
            "sent_at",
            "replied_at",
            "overall_1_10",
            "recommend_0_10",
            "响应速度",
            "专业能力",
            "服务态度",
            "comment",
        ]
    )
    sheet.append(
        [
            "R1",
            "CALL-0",
            "aaa",
            "2026-11-02 09:02:00",
            "2026-11-02 09:04:00",
            9,
            10,
            5,
            4,
            5,
            "很专业",
        ]
    )
    sheet.append(
        ["R2", "CALL-1", "aaa", "2026-11-02 15:02:00", None, None, None, None, None, None, None]
    )
    sheet.append(
        [
            "R3",
            "CALL-2",
            "bbb",
            "2026-11-01 08:05:00",
            "2026-11-01 08:06:00",
            11,
            3,
            2,
            2,
            1,
            "太差",
        ]
    )
    path = tmp_path / "sms.xlsx"
    book.save(path)
    report = import_surveys(sessions, settings, path, "sms_10point")
    assert report.imported == 2 and [(e.row, e.field) for e in report.errors] == [
        (4, "overall_1_10")
    ]
    r1 = _rows(sessions)["sms_10point:R1"]
    assert (r1.score, r1.level, r1.comment) == (9.0, "satisfied", "很专业")
    assert r1.dimensions == {"responsiveness": 5.0, "assurance": 4.0, "empathy": 5.0}
    assert r1.nps == 10.0
    assert _rows(sessions)["sms_10point:R2"].responded is False


def test_unknown_profile(settings, sessions, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(HEADER)
    with pytest.raises(SurveyImportError, match="survey profile not found"):
        import_surveys(sessions, settings, tmp_path / "x.csv", "nope")


def test_csat_and_nps_profiles(settings, sessions, calls, tmp_path: Path) -> None:
    csat = tmp_path / "csat.csv"
    csat.write_text(
        "response_id,call_id,customer_hash,sent_at,answered_at,csat,comment\n"
        "R1,CALL-0,,2026-11-02 09:05:00,2026-11-02 09:06:00,5,很好\n"
        "R2,CALL-1,,2026-11-02 15:05:00,,,\n"
        "R3,CALL-1,,2026-11-02 15:05:00,2026-11-02 15:06:00,6,\n",
        encoding="utf-8",
    )
    report = import_surveys(sessions, settings, csat, "csat_5point")
    assert report.imported == 2 and [e.row for e in report.errors] == [4]
    nps = tmp_path / "nps.csv"
    nps.write_text(
        "response_id,call_id,customer_hash,sent_at,answered_at,recommend,comment\n"
        "N1,CALL-0,,2026-11-02 09:05:00,2026-11-02 09:06:00,9,\n"
        "N2,CALL-1,,2026-11-02 15:05:00,2026-11-02 15:06:00,4,太慢\n",
        encoding="utf-8",
    )
    assert import_surveys(sessions, settings, nps, "nps_0_10").imported == 2
    rows = _rows(sessions)
    assert rows["csat_5point:R1"].level == "satisfied" and not rows["csat_5point:R2"].responded
    assert rows["nps_0_10:N1"].nps == 9 and rows["nps_0_10:N2"].level == "dissatisfied"
