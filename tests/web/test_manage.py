"""The managers' satisfaction page and its export buttons (the same code as the CLI export)."""

from __future__ import annotations

import csv
import io
import json
import re

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
    sheet = load_workbook(io.BytesIO(xlsx.data))["全中心"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["邀评数"] == overall["invitations"] and row["满意率"] == overall["satisfied_rate"]
    # the whole range reads as its dates, not "all"
    assert row["周期"] == overall["period"] == f"{overall['first']} 至 {overall['last']}"

    many = client.get("/manage/satisfaction/export?by=agent&by=team&period=week&format=xlsx")
    assert load_workbook(io.BytesIO(many.data)).sheetnames == ["按坐席", "按班组"]
    text = client.get("/manage/satisfaction/export?by=agent&period=month&format=csv")
    assert text.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.data.decode("utf-8-sig"))))
    assert rows[0][1] == "分组" and len(rows) > 1

    assert client.get("/manage/satisfaction?by=planet").status_code == 400
    assert client.get("/manage/satisfaction/export?format=pdf").status_code == 400
    assert client.get("/manage/satisfaction?from=yesterday").status_code == 400


def test_all_period_written_as_the_range_asked_for(settings, sessions, as_role) -> None:
    client = as_role("manager")
    query = "by=overall&period=all&from=2026-11-01&to=2026-11-30&format=xlsx"
    sheet = load_workbook(io.BytesIO(client.get(f"/manage/satisfaction/export?{query}").data))
    header = [c.value for c in sheet["全中心"][1]]
    assert sheet["全中心"].cell(row=2, column=header.index("周期") + 1).value == (
        "2026-11-01 至 2026-11-30"
    )
    with sessions() as session:  # no range asked: the dates the data covers
        assert report(session, settings, "overall", "all", None, None)[0]["period"].count("至")
    from inspector.reports.satisfaction import range_label

    assert range_label(None, None) == "全部"


def test_satisfaction_options_chart_and_names_in_both_languages(as_role) -> None:
    client = as_role("manager")
    page = client.get("/manage/satisfaction?by=agent&period=week").get_data(as_text=True)
    for word in ("按坐席", "按班组", "按技能组", "全中心", "按日", "按周", "按月", "整个区间"):
        assert f">{word}</option>" in page, word
    assert 'id="chart-satisfied"' in page and "satisfaction.js" in page
    assert "chart.umd.min.js" in page
    assert re.search(r"<td>[^<（]+（A10\d\d）</td>", page)  # agents by name with their code
    assert "样本少" in page  # a handful of responses: marked
    words = json.loads(re.search(r'id="satisfaction-words">(.*?)</script>', page, re.S).group(1))
    assert words["agent_names"]["A1001"] == "王芳"
    rows = json.loads(re.search(r'id="satisfaction-rows">(.*?)</script>', page, re.S).group(1))
    assert rows and {"group", "period", "satisfied_rate", "small_sample"} <= set(rows[0])
    whole = client.get("/manage/satisfaction?by=overall&period=all&from=2026-11-01&to=2026-11-30")
    assert "2026-11-01 至 2026-11-30" in whole.get_data(as_text=True)

    client.post("/language", data={"lang": "en"})
    page = client.get("/manage/satisfaction?by=agent&period=week").get_data(as_text=True)
    for word in ("By agent", "By team", "By skill queue", "Whole centre", "By day", "Whole range"):
        assert f">{word}</option>" in page, word
    assert "Satisfied rate" in page and "按坐席" not in page
    whole = client.get("/manage/satisfaction?by=overall&period=all&from=2026-11-01&to=2026-11-30")
    assert "2026-11-01 to 2026-11-30" in whole.get_data(as_text=True)
