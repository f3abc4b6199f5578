"""Issue 18 item 10: formula injection. Metadata such as =HYPERLINK(...), +1+1, @SUM(1) and
-2+3 reaches no CSV cell's start unneutralised (every CSV writer: `inspector export`,
`surveys export`, `report dashboard`, the web exports, the playlist ZIP's index, the survey
import's error file), and XLSX text is text, never a live formula, while numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from core.cells import TRIGGERS, csv_writer, is_formula_like, safe_cell
from inspector.cli import main
from tests.factories import REPO
from tests.security.conftest import FORMULAS, pk_of


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def live_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate (what must never be written)."""
    return [cell for row in rows for cell in row if is_formula_like(cell)]


def neutralised(rows: list[list[str]]) -> set[str]:
    """The hostile values found, written as text (with the leading apostrophe)."""
    return {cell[1:] for row in rows for cell in row if cell.startswith("'")}


def cli(served, *args: str) -> str:
    env = {"INSPECTOR_DATA_DIR": str(served.settings.data_dir), "INSPECTOR_LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("  =1+2", "'  =1+2"),
        ("'=1+2", "'=1+2"),  # already text: unchanged
        ("-5", "-5"),  # a plain signed number is a number
        ("+8613800138000", "+8613800138000"),
        ("-0.25", "-0.25"),
        ("1+2", "1+2"),  # no trigger at the start
        ("王芳", "王芳"),
        ("", ""),
        (-2, -2),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_safe_cell(value, cell) -> None:
    assert safe_cell(value) == cell


def test_the_shared_writer_neutralises_every_trigger() -> None:
    out = io.StringIO()
    csv_writer(out).writerow([f"{t}cmd" for t in sorted(TRIGGERS)] + [-1, 2.5])
    row = cells(out.getvalue())[0]
    assert live_cells([row]) == [] and row[-2:] == ["-1", "2.5"]


def test_inspector_export_csv(served, tmp_path: Path) -> None:
    out = tmp_path / "calls.csv"
    cli(served, "export", "--format", "csv", "--out", str(out))
    rows = cells(out.read_text("utf-8-sig"))
    assert live_cells(rows) == []
    assert {FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3], FORMULAS[4]} <= neutralised(rows)
    header = rows[0]
    broken = next(r for r in rows if r[0] == "broken_upload")
    scored = next(r for r in rows if r[0] == "c01_compliant_billing")
    assert float(scored[header.index("score")]) > 0  # numbers stay plain numbers
    assert broken[header.index("status")] == "failed"


def test_surveys_export_csv(served, tmp_path: Path) -> None:
    out = tmp_path / "satisfaction.csv"
    cli(
        served,
        *("surveys", "export", "--by", "agent", "--by", "team", "--by", "queue"),
        *("--period", "all", "--format", "csv", "--out", str(out)),
    )
    rows = cells(out.read_text("utf-8-sig"))
    assert live_cells(rows) == []
    assert {FORMULAS[1], FORMULAS[2], FORMULAS[3], FORMULAS[4]} <= neutralised(rows)


def test_report_dashboard_csv(served, tmp_path: Path) -> None:
    out = tmp_path / "dashboard.csv"
    cli(served, "report", "dashboard", "--period", "all", "--format", "csv", "--out", str(out))
    rows = cells(out.read_text("utf-8-sig"))
    assert live_cells(rows) == []
    assert {FORMULAS[1], FORMULAS[3], FORMULAS[4]} <= neutralised(rows)


@pytest.mark.parametrize(
    "url",
    [
        "/manage/satisfaction/export?format=csv&by=agent&by=team&by=queue&period=all",
        "/manage/dashboard/export?format=csv&period=all",
        "/manage/dashboard/export?format=csv&period=all&table=agents",
    ],
)
def test_web_csv_exports(as_role, url: str) -> None:
    response = as_role("manager").get(url)
    assert response.status_code == 200
    rows = cells(response.get_data(as_text=True))
    assert live_cells(rows) == []
    assert neutralised(rows) & set(FORMULAS)


@pytest.mark.parametrize(
    "url",
    [
        "/manage/satisfaction/export?format=xlsx&by=agent&by=team&by=queue&period=all",
        "/manage/dashboard/export?format=xlsx&period=all",
    ],
)
def test_xlsx_text_is_text_and_numbers_are_numbers(as_role, url: str) -> None:
    response = as_role("manager").get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))  # formulas as written, not evaluated
    texts, numbers, formulas = set(), 0, []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(cell.value)
                elif cell.data_type == "s":
                    texts.add(cell.value)
                elif cell.data_type == "n" and cell.value is not None:
                    numbers += 1
    assert formulas == []
    assert {FORMULAS[1], FORMULAS[3], FORMULAS[4]} <= texts  # the exact text, no apostrophe
    assert numbers > 0


def test_playlist_zip_index(served, as_role) -> None:
    trainer = as_role("trainer")
    pk = pk_of(served, "c01_compliant_billing")
    clip = trainer.post(
        f"/calls/{pk}/clips",
        data={
            "start_s": "0",
            "end_s": "3",
            "title": FORMULAS[0],
            "tags": "@SUM(1), -2+3",
            "note": "+1+1",
        },
    )
    clip_id = int(clip.headers["Location"].rsplit("/", 1)[1])
    playlist = trainer.post("/playlists", data={"name": "=1+2"})
    playlist_id = int(playlist.headers["Location"].rsplit("/", 1)[1])
    trainer.post(f"/playlists/{playlist_id}/items", data={"clip_id": clip_id, "note": "=1+2"})
    response = trainer.get(f"/playlists/{playlist_id}/download")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = cells(archive.read("index.csv").decode("utf-8-sig"))
    assert live_cells(rows) == []
    assert {FORMULAS[0], "=1+2"} <= neutralised(rows)
    assert any(name.endswith(".wav") and "HYPERLINK" in name for name in archive.namelist())


def test_survey_import_error_file(served, tmp_path: Path, monkeypatch) -> None:
    """The error file quotes the export's name as given and the bad values in its reasons."""
    from inspector.surveys.imports import import_surveys

    monkeypatch.chdir(tmp_path)
    export = Path("=1+2.csv")  # a relative name, as typed on the command line
    first = (REPO / "fixtures/surveys/sms_10point.csv").read_text("utf-8").splitlines()[0]
    export.write_text(first + "\n" + "=A1,+1+1,@SUM(1),-2+3,=1+2,x,x,x,x,x,x\n", "utf-8")
    report = import_surveys(served.sessions, served.settings, export, "sms_10point")
    assert report.error_file is not None
    rows = cells(Path(report.error_file).read_text("utf-8-sig"))
    assert len(rows) > 1 and live_cells(rows) == []
    assert "=1+2.csv" in neutralised(rows)
