"""`inspector export --corrections` and `inspector glossary suggest` on a real SQLite database."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from inspector.accounts import add_user
from inspector.cli import main
from inspector.store.correction_models import TranscriptCorrection
from inspector.store.models import Call

#: (call, before, after, score before, score after)
CORRECTIONS = [
    ("c1", "我想办理兵击令套餐", "我想办理冰激凌套餐", 90.0, 90.0),
    ("c2", "兵击令套餐多少钱", "冰激凌套餐多少钱", 85.0, 85.0),
    ("c3", "那个兵击令套餐，号码13812345678", "那个冰激凌套餐，号码13812345678", 80.0, 80.0),
    ("c3", "这个月画费多少", "这个月话费多少", 80.0, 80.0),  # 话费: already in the glossary
    ("c4", "这个月画费多少", "这个月话费多少", 0.0, 92.0),
    ("c4", "这个月画费多少", "这个月话费多少", 92.0, 92.0),
]


def _database(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        qa = add_user(session, "qa", "qa", "correct horse 1")[0]
        session.flush()
        calls = {}
        for call_id in ("c1", "c2", "c3", "c4"):
            calls[call_id] = Call(
                call_id=call_id,
                source_path=f"/rec/{call_id}.wav",
                audio_sha256=call_id.ljust(64, "0"),
                agent_id="A1001",
            )
            session.add(calls[call_id])
        session.flush()
        for n, (call_id, before, after, score_before, score_after) in enumerate(CORRECTIONS):
            session.add(
                TranscriptCorrection(
                    call_pk=calls[call_id].id,
                    segment_idx=n,
                    start_s=float(n),
                    end_s=n + 2.0,
                    text_before=before,
                    text_after=after,
                    role_before="customer",
                    role_after="customer",
                    user_id=qa.id,
                    score_before=score_before,
                    score_after=score_after,
                    carried=[],
                    invalidated=[{"item_id": "greeting", "verdict": "confirm"}] if n == 4 else [],
                    created_at=datetime(2026, 11, 30, 8, n, tzinfo=UTC),
                )
            )


def _run(settings, *args: str) -> str:  # type: ignore[no-untyped-def]
    env = {"INSPECTOR_DATA_DIR": str(settings.data_dir), "INSPECTOR_LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_export_corrections_csv_and_xlsx(settings, sessions, tmp_path: Path) -> None:
    _database(sessions)
    out = tmp_path / "corrections.csv"
    assert "exported 6 corrections" in _run(
        settings, "export", "--corrections", "--format", "csv", "--out", str(out)
    )
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header, first, third, fifth = rows[0], rows[1], rows[3], rows[5]
    assert header[:4] == ["table", "通话编号", "坐席工号", "句序"]
    at = dict(zip(header, first, strict=True))
    assert (at["原文"], at["更正文本"], at["更正人"]) == (
        "我想办理兵击令套餐",
        "我想办理冰激凌套餐",
        "qa",
    )
    assert at["更正时间"] == "2026-11-30 16:00:00"  # the centre's time zone (Asia/Shanghai)
    # numbers masked unless asked for
    assert "*******5678" in dict(zip(header, third, strict=True))["更正文本"]
    fifth_at = dict(zip(header, fifth, strict=True))
    assert (fifth_at["得分变化"], fifth_at["失效的复核结论"]) == ("92.0", "greeting:confirm")

    xlsx = tmp_path / "corrections.xlsx"
    _run(settings, "export", "--corrections", "--unmasked", "--out", str(xlsx))
    sheet = load_workbook(xlsx)["转写更正"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 7 and values[0][0] == "通话编号"
    assert "13812345678" in values[3][7]

    since = tmp_path / "since.csv"
    _run(
        settings,
        "export",
        "--corrections",
        "--format",
        "csv",
        "--from",
        "2026-12-01",
        "--out",
        str(since),
    )
    assert len(since.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_export_without_corrections_refuses_xlsx(settings, sessions) -> None:
    env = {"INSPECTOR_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(main, ["export", "--format", "xlsx"], env=env)
    assert result.exit_code == 2 and "--corrections" in result.output


def test_glossary_suggest(settings, sessions) -> None:
    _database(sessions)
    out = _run(settings, "glossary", "suggest")
    lines = [line.split("\t") for line in out.splitlines() if "\t" in line]
    # 话费 was corrected three times but is a glossary term already
    assert lines == [["冰激凌", "3", "兵击令", "c1,c2,c3"]]
    assert "1 suggested terms" in out
    assert "冰激凌\t3" not in _run(settings, "glossary", "suggest", "--min-count", "4")
