"""Trainers and managers in a real headless browser (Playwright driving Debian's chromium).

A trainer makes a clip from a piece of evidence in one click, tags it, picks sentences for a
second clip, puts both in a playlist and downloads a clip and the playlist; a manager filters
the dashboard, downloads the XLSX (its figures are checked against the database) and a PNG
snapshot. Screenshots go to artifacts/e2e/.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile

import pytest
import soundfile as sf
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector.store.models import Call, Clip, ScoreResult, TranscriptSegment
from tests.e2e.test_browser import (  # noqa: F401
    browser,
    pytestmark,  # noqa: F401  (slow; needs chromium)
    server,
    shot,
    sign_in,
)
from tests.factories import REPO

# the waveform's region selection and the dashboard's charts: vendored from npm by run.sh
VENDORED = ("wavesurfer.min.js", "regions.min.js", "chart.umd.min.js")
_missing = [n for n in VENDORED if not (REPO / "web/static/vendor" / n).exists()]
if _missing:
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise RuntimeError(f"not vendored: {', '.join(_missing)} (run.sh needs npm)")
    pytest.skip(f"not vendored: {', '.join(_missing)} (run.sh needs npm)", allow_module_level=True)


def test_trainer_clips_tags_playlists_and_downloads(server, browser, sessions) -> None:  # noqa: F811
    page = sign_in(browser, server, "trainer")
    page.click("text=c26_angry_ends_worse")
    page.wait_for_selector("#clip-form")
    # one click on the evidence of the fatal forbidden phrase makes a clip of that sentence
    page.locator("tr.item[data-item=forbidden_phrase] button.clip-evidence").first.click()
    page.wait_for_selector("#clip-title")
    assert "禁用语" in page.inner_text("#clip-title") or "c26" in page.inner_text("#clip-title")
    page.fill("#edit-clip input[name=tags]", "禁语, 反面教材")
    page.fill("#edit-clip input[name=topic]", "投诉")
    page.click("#edit-clip button[type=submit]")
    page.wait_for_selector(".flash")
    assert "反面教材" in page.inner_text("#clip-tags") and "#投诉" in page.inner_text("#clip-tags")
    shot(page, "10-clip-trainer")
    with sessions() as session:
        evidence_clip = session.scalars(select(Clip).order_by(Clip.id.desc())).first()
    assert evidence_clip.item_id == "forbidden_phrase" and evidence_clip.kind == "bad"

    # download the clip as WAV: as long as the clip, both channels
    with page.expect_download() as info:
        page.click("#download-wav")
    data, rate = sf.read(info.value.path(), always_2d=True)
    length = evidence_clip.end_s - evidence_clip.start_s
    assert abs(data.shape[0] - length * rate) <= 1 and data.shape[1] == 2

    # a playlist, and the clip in it
    page.fill("#new-playlist input[name=name]", "禁语案例")
    page.click("#new-playlist button[type=submit]")
    page.wait_for_selector("#playlist-items")
    page.go_back()
    page.reload()
    page.fill("#add-to-playlist input[name=note]", "先听客户为何升级")
    page.click("#add-to-playlist button[type=submit]")
    page.wait_for_selector("#playlist-items tr[data-clip]")

    # a second clip from two picked sentences of the transcript
    page.goto(f"{server}/")
    page.click("text=c17_empathy_after_anger")
    page.wait_for_selector("#clip-form")
    # a drag across the waveform selects a span (the regions plugin of wavesurfer.js)
    page.wait_for_selector("#waveform > div", timeout=10_000)
    box = page.locator("#waveform").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=5)
    page.mouse.up()
    page.wait_for_function("document.getElementById('clip-start').value !== ''")
    duration = float(page.evaluate("document.getElementById('audio').duration"))
    dragged = float(page.input_value("#clip-start")), float(page.input_value("#clip-end"))
    assert abs(dragged[0] - 0.2 * duration) < 0.05 * duration
    assert abs(dragged[1] - 0.4 * duration) < 0.05 * duration
    picks = page.locator("tr.seg input.pick")
    picks.nth(1).check()
    picks.nth(2).check()
    segs = page.locator("tr.seg")
    start = float(segs.nth(1).get_attribute("data-start"))
    end = float(segs.nth(2).get_attribute("data-end"))
    assert abs(float(page.input_value("#clip-start")) - start) < 0.01
    assert abs(float(page.input_value("#clip-end")) - end) < 0.01
    page.select_option("#clip-form select[name=kind]", "good")
    page.click("#save-clip")
    page.wait_for_selector("#add-to-playlist")
    page.click("#add-to-playlist button[type=submit]")
    page.wait_for_selector("#playlist-items")
    assert page.locator("#playlist-items tr[data-clip]").count() == 2
    shot(page, "11-playlist-trainer")

    with page.expect_download() as info:
        page.click("#download-playlist button[type=submit]")
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [r["call_id"] for r in rows] == ["c26_angry_ends_worse", "c17_empathy_after_anger"]
    assert rows[0]["note"] == "先听客户为何升级" and "反面教材" in rows[0]["tags"]
    with sessions() as session:
        pk = session.scalar(select(Call.id).where(Call.call_id == "c17_empathy_after_anger"))
        sentences = session.scalars(
            select(TranscriptSegment)
            .where(TranscriptSegment.call_pk == pk)
            .order_by(TranscriptSegment.start_s)
        ).all()
    assert abs(float(rows[1]["start_s"]) - sentences[1].start_s) < 0.01
    wav, rate = sf.read(io.BytesIO(archive.read(rows[1]["file"])), always_2d=True)
    assert abs(wav.shape[0] / rate - (sentences[2].end_s - sentences[1].start_s)) < 0.01


def test_manager_filters_the_dashboard_and_exports(server, browser, sessions) -> None:  # noqa: F811
    page = sign_in(browser, server, "manager")
    page.goto(f"{server}/manage/dashboard?period=all")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#dashboard-error").is_hidden()
    assert page.locator("#agents-table tbody tr").count() == 3
    shot(page, "20-dashboard-manager")
    # why customers call: the reason panels filled, a reason drills down to its calls
    assert page.locator("#reasons-table tbody a").count() >= 2
    assert page.locator("#reason-qa-table tbody tr").count() >= 2
    assert page.locator("#emerging-list li").first.inner_text() == "无显著上升"
    assert "一次解决率" in page.locator("#kpis").inner_text()
    page.locator("#reasons").scroll_into_view_if_needed()
    shot(page, "22-dashboard-reasons")
    page.click("#reasons-table tbody a >> nth=0")
    page.wait_for_selector("#queue")
    assert "reason=" in page.url
    page.go_back()
    page.wait_for_selector("body[data-ready='1']")

    page.select_option("#dashboard-filters select[name=team]", "三组")
    page.click("#dashboard-filters button[type=submit]:not([formaction])")
    page.wait_for_url("**team=*")
    page.wait_for_selector("body[data-ready='1']")
    agents = page.locator("#agents-table tbody tr")
    assert agents.count() == 1 and "A1005" in agents.first.inner_text()
    shot(page, "21-dashboard-team")

    with page.expect_download() as info:
        page.click("#export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    sheet = book["坐席排名"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    with sessions() as session:
        calls, mean, fatal = session.execute(
            select(
                func.count(),
                func.avg(func.coalesce(ScoreResult.final_score, ScoreResult.score)),
                func.sum(ScoreResult.fatal),
            )
            .join(Call, Call.id == ScoreResult.call_pk)
            .where(Call.team == "三组", Call.is_current.is_(True))
        ).one()
    assert [r["坐席"] for r in rows] == ["A1005"]
    assert rows[0]["通话数"] == calls and abs(rows[0]["质检均分"] - mean) < 0.01
    assert rows[0]["致命项通话"] == fatal
    trend = book["质检趋势"]
    assert [c.value for c in trend[2]][1] == calls

    # drill down from the league table to the team's calls in the review queue
    page.click("#agents-table a")
    page.wait_for_selector("#queue")
    assert "agent=A1005" in page.url and "team=" in page.url

    page.go_back()
    page.wait_for_selector("body[data-ready='1']")
    with page.expect_download() as info:
        page.click("#snapshot")
    png = info.value.path().read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
