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
import re
import zipfile

import pytest
import soundfile as sf
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector.store.models import Call, CallFlag, Clip, ScoreResult, TranscriptSegment, User
from inspector.store.worklist_models import unsure
from tests.e2e.test_browser import (  # noqa: F401
    browser,
    pytestmark,  # noqa: F401  (slow; needs chromium)
    server,
    shot,
    sign_in,
)
from tests.factories import REPO
from tests.web.conftest import PASSWORD

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
    page.locator("#item-forbidden_phrase button.clip-evidence").first.click()
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

    # a playlist made from the clip holds it; its note says what to listen for
    page.fill("#new-playlist input[name=name]", "禁语案例")
    page.click("#new-playlist button[type=submit]")
    page.wait_for_selector("#playlist-items tr[data-clip]")
    assert page.locator("#playlist-items tr[data-clip]").count() == 1
    page.fill("#playlist-items tr[data-clip] input[name=note]", "先听客户为何升级")
    page.click("#playlist-items tr[data-clip] form button[type=submit] >> nth=0")
    page.wait_for_selector(".flash")

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
    picks = page.locator("#transcript .seg input.pick")
    picks.nth(1).check()
    picks.nth(2).check()
    segs = page.locator("#transcript .seg")
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
    # a flag counts until a reviewer dismisses it: the risk-flag chart says how many of its calls
    # still wait for a reviewer's decision (the machine was unsure)
    waiting = _waiting_anger(sessions)
    tip = page.evaluate(
        "(() => { const c = Chart.getChart('chart-flags');"
        " const k = c.data.datasets.findIndex((d) => d.flag === 'customer_anger');"
        " const i = c.data.datasets[k].data.findIndex((v) => v);"
        " return c.options.plugins.tooltip.callbacks.label({dataset: c.data.datasets[k],"
        " dataIndex: i, formattedValue: String(c.data.datasets[k].data[i])}); })()"
    )
    assert waiting > 0 and tip.startswith("客户愤怒：每百通") and f"其中 {waiting} 通待确认" in tip
    # and, for keyboard and screen-reader users too, the note under the chart's title
    note = page.locator("#chart-flags-note").inner_text()
    assert note.startswith("待确认：") and f"客户愤怒 {waiting} 通" in note
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
    # the risk flags, with how many of each flag's calls still wait for a reviewer's decision
    flags = book["风险标记趋势"]
    header = [c.value for c in flags[1]]
    row = dict(zip(header, [c.value for c in flags[2]], strict=True))
    assert row["客户愤怒（待确认）"] == _waiting_anger(sessions, "三组")

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


def _waiting_anger(sessions, team: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Current calls whose anger flag waits for a reviewer's decision."""
    query = (
        select(func.count(func.distinct(CallFlag.call_pk)))
        .join(Call, Call.id == CallFlag.call_pk)
        .where(Call.is_current.is_(True), CallFlag.flag == "customer_anger", unsure())
    )
    with sessions() as session:
        return session.execute(query.where(Call.team == team) if team else query).scalar_one()


SIZES = {"1366": {"width": 1366, "height": 768}, "1920": {"width": 1920, "height": 1080}}
AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"


def _signed_in(browser, base: str, username: str, **context):  # noqa: F811
    """A page in its own context (viewport, browser time zone) signed in as `username`."""
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def _shots(page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)  # charts resize on the next frame
        shot(page, f"{name}-{size}")
    page.set_viewport_size(SIZES["1366"])


def _axe(page) -> list[str]:
    """Serious or critical accessibility violations on the page (axe-core from npm)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"
    )
    return list(found)


def test_trainer_finds_clips_by_what_was_said_and_starts_a_playlist(
    server,  # noqa: F811
    browser,  # noqa: F811
    sessions,
) -> None:
    from inspector.training.clips import ClipSpec, create_clip

    with sessions.begin() as session:
        trainer = session.scalar(select(User).where(User.username == "trainer"))
        pk = session.scalar(select(Call.id).where(Call.call_id == "c26_angry_ends_worse"))
        sentences = session.scalars(
            select(TranscriptSegment)
            .where(TranscriptSegment.call_pk == pk)
            .order_by(TranscriptSegment.start_s)
        ).all()
        clip = create_clip(
            session,
            trainer,
            ClipSpec(pk, "客户升级", sentences[1].start_s, sentences[2].end_s - 0.01, kind="bad"),
            [],
        )
        clip_id = clip.id
        held = [s.text for s in sentences if s.end_s > clip.start_s and s.start_s < clip.end_s]
        rest = [s.text for s in sentences if s.text not in held]
    said = next(
        t[i : i + 3]
        for t in held
        for i in range(len(t) - 2)
        if not any(t[i : i + 3] in r for r in rest) and t[i : i + 3].isalpha()
    )
    page = _signed_in(browser, server, "trainer", viewport=SIZES["1366"], bypass_csp=True)
    page.goto(f"{server}/clips")
    page.fill("#f-q", said)
    page.click("#clip-filters button[type=submit]")
    page.wait_for_url("**q=*")
    rows = page.locator("#clips tr.clip")
    assert rows.count() == 1 and rows.first.get_attribute("data-clip") == str(clip_id)
    assert said in page.inner_text(f"#clips tr.clip[data-clip='{clip_id}'] mark")
    assert "陈洁（A1005）" in rows.first.inner_text()  # the agent by name, code beside
    assert "坏例子" in rows.first.inner_text()
    assert _axe(page) == []
    _shots(page, "12-clip-library-search")

    # 新建播放列表 from the clip's row: the new playlist holds that clip
    row = page.locator(f"#clips tr.clip[data-clip='{clip_id}']")
    row.locator("form.new-playlist input[name=name]").fill("升级案例")
    row.locator("form.new-playlist button[type=submit]").click()
    page.wait_for_selector("#playlist-items tr[data-clip]")
    assert page.inner_text("#playlist-name") == "升级案例"
    items = page.locator("#playlist-items tr[data-clip]")
    assert items.count() == 1 and items.first.get_attribute("data-clip") == str(clip_id)
    assert "已新建播放列表并加入此剪辑" in page.inner_text(".flash")
    _shots(page, "13-playlist-from-clip")

    # the clip page: times in the centre's zone, labelled with it
    page.goto(f"{server}/clips/{clip_id}")
    assert "Asia/Shanghai" in page.inner_text("#clip-created")
    _shots(page, "14-clip-page")


def test_manager_reads_the_dashboard_in_the_centres_time_zone(
    server,  # noqa: F811
    browser,  # noqa: F811
) -> None:
    # the browser sits in New York; the dashboard speaks Shanghai time and says so
    page = _signed_in(
        browser,
        server,
        "manager",
        viewport=SIZES["1366"],
        timezone_id="America/New_York",
        bypass_csp=True,
    )
    page.goto(f"{server}/manage/dashboard?period=all")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#dashboard-error").is_hidden()
    as_of = page.evaluate("fetch('/manage/api/qa?period=all').then(r => r.json())")["as_of"]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shanghai = datetime.fromisoformat(as_of).astimezone(ZoneInfo("Asia/Shanghai"))
    expected = f"数据截至 {shanghai:%Y-%m-%d %H:%M}（Asia/Shanghai）"
    assert page.inner_text("#as-of") == expected

    def chart(id_: str) -> dict:
        return page.evaluate(
            f"""(() => {{ const c = Chart.getChart(document.getElementById('{id_}'));
            return {{ labels: c.data.labels, sets: c.data.datasets.map(d => ({{
              type: d.type || c.config.type, label: d.label, radius: d.pointRadius,
              thickness: d.maxBarThickness, n: d.data.length }})) }}; }})()"""
        )

    # one period: a point on a line and one slim bar, labelled with the dates it covers
    trend = chart("chart-qa-trend")
    assert trend["labels"] == ["2026-11-02 至 2026-11-03"]
    line, bars = trend["sets"]
    assert (line["type"], line["label"], line["n"]) == ("line", "质检均分", 1) and line[
        "radius"
    ] > 0
    assert (bars["type"], bars["label"]) == ("bar", "致命项通话") and bars["thickness"] == 48
    assert "满意率 %" in [s["label"] for s in chart("chart-satisfaction")["sets"]]
    # KPI cards explain themselves; small samples are marked in tables
    assert "推荐者" in page.inner_text("#kpi-nps") and "4、5 分" in page.inner_text("#kpi-csat")
    marked = page.locator("#agents-table tbody tr.small-sample")
    assert marked.count() == 3 and "样本少" in marked.first.inner_text()
    assert "陈洁（A1005）" in page.inner_text("#agents-table")
    correlation = page.inner_text("#correlation-table")
    assert "质检项" in correlation and ("样本不足" in correlation or "0." in correlation)
    assert _axe(page) == []
    _shots(page, "23-dashboard-zone")

    # the satisfaction page: Chinese options and a chart
    page.goto(f"{server}/manage/satisfaction?by=agent&period=all")
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.getElementById('chart-satisfied'))"
    )
    assert page.locator("#s-by option:checked").inner_text() == "按坐席"
    assert page.locator("#s-period option:checked").inner_text() == "整个区间"
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-satisfied')).data.labels")
    assert any(re.fullmatch(r"[^（]+（A10\d\d）", label) for label in labels)
    _shots(page, "24-satisfaction")

    # in English, the same dashboard in English words, the range in English
    page.goto(f"{server}/manage/dashboard?period=all")
    page.click("button[name=lang][value=en]")
    page.wait_for_selector("body[data-ready='1']")
    assert chart("chart-qa-trend")["labels"] == ["2026-11-02 to 2026-11-03"]
    assert page.inner_text("#as-of").startswith("Data as of ")
    assert "Small sample" in page.inner_text("#agents-table")
    _shots(page, "25-dashboard-english")
