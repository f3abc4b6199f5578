"""The managers' satisfaction page and its export buttons (the same code as the CLI export)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from inspector.reports.satisfaction import report
from inspector.surveys.imports import import_surveys
from tests.factories import REPO


def test_satisfaction_page_and_exports(settings, sessions, as_role) -> None:
    import_surveys(sessions, settings, REPO / "fixtures/surveys/ivr_3level.csv", "ivr_3level")
    client = as_role("manager")
    page = client.get("/manage/satisfaction?by=overall&period=all")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    with sessions() as session:
        (overall,) = report(session, settings, "overall", "all")
    assert f"{overall['satisfied_rate'] * 100:.1f}%" in body and "导出 XLSX" in body

    xlsx = client.get("/manage/satisfaction/export?by=overall&period=all&format=xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data))["overall"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["邀评数"] == overall["invitations"] and row["满意率"] == overall["satisfied_rate"]

    many = client.get("/manage/satisfaction/export?by=agent&by=team&period=week&format=xlsx")
    assert load_workbook(io.BytesIO(many.data)).sheetnames == ["agent", "team"]
    text = client.get("/manage/satisfaction/export?by=agent&period=month&format=csv")
    assert text.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.data.decode("utf-8-sig"))))
    assert rows[0][1] == "分组" and len(rows) > 1

    assert client.get("/manage/satisfaction?by=planet").status_code == 400
    assert client.get("/manage/satisfaction/export?format=pdf").status_code == 400
    assert client.get("/manage/satisfaction?from=yesterday").status_code == 400
