"""The managers' dashboard over real processed calls and imported surveys: every chart's JSON
against the database, filters, cache refresh after a review, the exports and who may see it."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspector.reports.satisfaction import report
from inspector.store.models import Call, CallFlag, ItemResultRow, ScoreResult, SurveyResponse
from inspector.store.worklist_models import unsure
from inspector.surveys.queries import load_scored_surveys
from surveys.insights import item_correlations
from tests.web.conftest import call_pk

APIS = ("qa", "items", "satisfaction", "correlation", "agents", "teams", "flags")


def _scores(sessions, agent: str | None = None) -> dict[str, float]:
    with sessions() as session:
        query = (
            select(Call.call_id, func.coalesce(ScoreResult.final_score, ScoreResult.score))
            .join(ScoreResult, ScoreResult.call_pk == Call.id)
            .where(Call.is_current.is_(True))
        )
        if agent:
            query = query.where(Call.agent_id == agent)
        return dict(session.execute(query).all())


def test_chart_endpoints_agree_with_the_database(settings, sessions, as_role) -> None:
    client = as_role("manager")
    data = {name: client.get(f"/manage/api/{name}?period=all").get_json() for name in APIS}
    scores = _scores(sessions)
    qa = data["qa"]
    assert qa["calls"] == len(scores) == 5
    assert qa["mean_score"] == pytest.approx(sum(scores.values()) / len(scores), abs=0.01)
    assert sum(qa["distribution"]["counts"]) == 5
    assert qa["distribution"]["counts"][0] == sum(1 for s in scores.values() if s < 10)
    # the one period of "all" is written as the dates it covers, and given them apart
    (whole,) = qa["trend"]
    assert whole["calls"] == 5 and whole["period"] == "2026-11-02 至 2026-11-03"
    assert (whole["first"], whole["last"]) == ("2026-11-02", "2026-11-03")
    with sessions() as session:
        failed = dict(
            session.execute(
                select(ItemResultRow.item_id, func.count())
                .where(ItemResultRow.status == "failed")
                .group_by(ItemResultRow.item_id)
            ).all()
        )
        flags = dict(
            session.execute(select(CallFlag.flag, func.count()).group_by(CallFlag.flag)).all()
        )
        waiting = dict(
            session.execute(
                select(CallFlag.flag, func.count()).where(unsure()).group_by(CallFlag.flag)
            ).all()
        )
        (overall,) = report(session, settings, "overall", "all")
        answered = session.scalar(
            select(func.count()).where(
                SurveyResponse.responded.is_(True), SurveyResponse.call_pk.is_not(None)
            )
        )
    assert {r["item_id"]: r["failed"] for r in data["items"]["rows"]} == failed
    assert data["flags"]["flags"] == sorted(flags)
    assert {f: data["flags"]["trend"][0][f] for f in flags} == flags
    # of them, the calls whose flag still waits for a reviewer's decision
    assert {f: data["flags"]["trend"][0][f"{f}_waiting"] for f in flags} == {
        f: waiting.get(f, 0) for f in flags
    }
    sat = data["satisfaction"]["overall"]
    assert sat["invitations"] == overall["invitations"]
    assert sat["satisfied_rate"] == pytest.approx(overall["satisfied_rate"], abs=1e-4)
    assert sat["satisfied_rate_low"] == pytest.approx(overall["satisfied_rate_low"], abs=1e-4)
    assert sat["nps"] == pytest.approx(overall["nps"], abs=1e-4)
    agents = {r["agent"]: r for r in data["agents"]["rows"]}
    assert agents["A1001"]["calls"] == 2
    assert agents["A1001"]["qa_mean"] == pytest.approx(
        sum(_scores(sessions, "A1001").values()) / 2, abs=0.01
    )
    assert agents["A1005"]["fatal"] == 1
    ranked = sorted(agents.values(), key=lambda r: r["rank"])
    assert [r["qa_mean"] for r in ranked] == sorted((r["qa_mean"] for r in ranked), reverse=True)
    assert sum(r["responses"] for r in agents.values()) == answered
    assert sum(r["calls"] for r in data["teams"]["rows"]) == 5
    correlation = {r["item_id"]: r for r in data["correlation"]["rows"]}
    with sessions() as session:  # the row-by-row computation of `inspector surveys insights`
        expected = {c.item_id: c for c in item_correlations(load_scored_surveys(session))}
    assert set(correlation) == set(expected) and correlation
    for item, row in correlation.items():
        e = expected[item]
        assert (row["n"], row["failed"]) == (e.n, e.failed)
        assert row["dissatisfied_if_failed"] == pytest.approx(e.dissatisfied_if_failed.value)
        assert row["comparable"] is e.comparable
        if e.point_biserial is None:
            assert row["point_biserial"] is None and row["point_biserial_p"] is None
        else:
            assert row["point_biserial"] == pytest.approx(e.point_biserial, abs=1e-4)


def test_a_single_period_is_one_point_with_its_dates(as_role) -> None:
    client = as_role("manager")
    query = "period=all&from=2026-11-01&to=2026-11-30"  # "to" counts whole: all of November
    for name in ("qa", "flags", "satisfaction", "reasons"):
        (row,) = client.get(f"/manage/api/{name}?{query}").get_json()["trend"]
        assert row["period"] == "2026-11-01 至 2026-11-30", name
        assert (row["first"], row["last"]) == ("2026-11-01", "2026-11-30"), name
    # one day: from = to is that day, not an empty range
    day = client.get("/manage/api/qa?period=day&from=2026-11-02&to=2026-11-02").get_json()
    assert [r["period"] for r in day["trend"]] == ["2026-11-02"] and day["calls"] > 0
    assert "first" not in day["trend"][0]  # only the whole range carries its dates


def test_small_samples_are_marked(as_role) -> None:
    # five calls and a handful of surveys: below the minimum sample (30) everywhere
    client = as_role("manager")
    assert all(r["small_sample"] is True for r in client.get("/manage/api/qa").get_json()["trend"])
    assert all(
        r["small_sample"] is True for r in client.get("/manage/api/items").get_json()["rows"]
    )
    for name in ("agents", "teams", "correlation"):
        rows = client.get(f"/manage/api/{name}?period=all").get_json()["rows"]
        assert rows and all(r["small_sample"] is True for r in rows), name
    sat = client.get("/manage/api/satisfaction?period=all").get_json()
    assert sat["overall"]["small_sample"] is True
    fcr = client.get("/manage/api/fcr").get_json()
    assert all(r["small_sample"] is True for r in fcr["agent"])
    # the exports write the marker as a word
    book = load_workbook(
        io.BytesIO(client.get("/manage/dashboard/export?table=qa_trend&period=all").data)
    )
    sheet = book["质检趋势"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("样本少") + 1).value == "是"


def test_agent_names_beside_codes(as_role) -> None:
    client = as_role("manager")
    rows = client.get("/manage/api/agents?period=all").get_json()["rows"]
    assert all(r["agent_name"] for r in rows)
    page = client.get("/manage/dashboard").get_data(as_text=True)
    words = json.loads(re.search(r'id="dashboard-words">(.*?)</script>', page, re.S).group(1))
    assert words["agent_names"] == {r["agent"]: r["agent_name"] for r in rows}
    assert words["agent_name"] == "%(name)s（%(code)s）"


def test_filters_narrow_every_chart(as_role) -> None:
    client = as_role("manager")
    one = client.get("/manage/api/qa?agent=A1001&period=day").get_json()
    assert one["calls"] == 2
    assert client.get("/manage/api/qa?agent=nobody").get_json()["calls"] == 0
    assert client.get("/manage/api/agents?agent=A1001").get_json()["rows"][0]["agent"] == "A1001"
    nothing = client.get("/manage/api/satisfaction?from=2001-01-01&to=2001-02-01").get_json()
    assert (nothing["trend"], nothing["overall"]) == ([], None)
    weekly = client.get("/manage/api/qa?period=week").get_json()["trend"]
    assert all("(W" in r["period"] for r in weekly)
    assert client.get("/manage/api/qa?period=year").status_code == 400
    assert client.get("/manage/api/qa?from=yesterday").status_code == 400
    assert client.get("/manage/api/nothing").status_code == 404


def test_a_review_shows_once_the_background_read_is_done(app, as_role) -> None:
    manager = as_role("manager")
    before = manager.get("/manage/api/agents?period=all").get_json()
    assert before["refreshing"] is False and before["as_of"]
    qa = as_role("qa")
    pk = call_pk(qa, "c26_angry_ends_worse")
    qa.post(
        f"/calls/{pk}/review",
        data={"verdict:forbidden_phrase": "overturn", "comment:forbidden_phrase": "误判"},
    )
    # the next request answers at once from the facts it has, and says a newer read is running
    stale = manager.get("/manage/api/agents?period=all").get_json()
    assert stale["refreshing"] is True and stale["as_of"] == before["as_of"]
    app.extensions["inspector.dashboard"].wait()
    after = manager.get("/manage/api/agents?period=all").get_json()
    assert after["refreshing"] is False and after["as_of"] > before["as_of"]
    old = {r["agent"]: r for r in before["rows"]}["A1005"]
    new = {r["agent"]: r for r in after["rows"]}["A1005"]
    assert new["qa_mean"] > old["qa_mean"]


def test_new_survey_responses_are_appended_not_reread(
    app, settings, sessions, as_role, monkeypatch
) -> None:
    from inspector.reports import facts
    from inspector.surveys.imports import import_surveys
    from tests.factories import REPO

    manager = as_role("manager")
    cache = app.extensions["inspector.dashboard"]
    before = manager.get("/manage/api/satisfaction?period=all").get_json()["overall"]
    with sessions() as session:
        first = cache.get(session).surveys
    reads = []
    real = facts.load_survey_facts

    def spy(session, tz, after_id=0, upto_id=None):  # type: ignore[no-untyped-def]
        reads.append(after_id)
        return real(session, tz, after_id, upto_id)

    monkeypatch.setattr(facts, "load_survey_facts", spy)
    import_surveys(sessions, settings, REPO / "fixtures/surveys/ivr_3level.csv", "ivr_3level")
    after = manager.get("/manage/api/satisfaction?period=all").get_json()["overall"]
    with sessions() as session:
        (overall,) = report(session, settings, "overall", "all")
        grown = cache.get(session).surveys
    assert after["invitations"] == overall["invitations"] > before["invitations"]
    assert after["satisfied_rate"] == pytest.approx(overall["satisfied_rate"], abs=1e-4)
    # the earlier rows keep their values and the new ones come after them
    assert len(grown) > len(first)
    assert (grown.sent[: len(first)] == first.sent).all()
    assert reads == [first.last_id]  # only the rows after the last one read


def test_dashboard_page_and_exports(as_role) -> None:
    client = as_role("manager")
    page = client.get("/manage/dashboard?team=T1").get_data(as_text=True)
    assert 'id="chart-satisfaction"' in page and "导出全部 XLSX" in page
    # KPI cards say what each figure is; the script's words and the zone come from the page
    assert (
        "推荐者（9–10 分）占比减贬损者（0–6 分）占比" in page and "1–5 分制中 4、5 分的占比" in page
    )
    assert 'data-timezone="Asia/Shanghai"' in page and "坐席排名" in page
    words = json.loads(re.search(r'id="dashboard-words">(.*?)</script>', page, re.S).group(1))
    assert words["not_enough"] == "样本不足" and words["small"] == "样本少"
    assert words["as_of"] == "数据截至 %(time)s（%(zone)s）"
    assert ">按周</option>" in page and ">整个区间</option>" in page
    client.post("/language", data={"lang": "en"})
    english = client.get("/manage/dashboard").get_data(as_text=True)
    assert "Export all (XLSX)" in english and ">Whole range</option>" in english
    words = json.loads(re.search(r'id="dashboard-words">(.*?)</script>', english, re.S).group(1))
    assert words["not_enough"] == "Not enough data"
    client.post("/language", data={"lang": "zh_CN"})
    response = client.get("/manage/dashboard/export?format=xlsx&period=all")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "坐席排名",
        "班组排名",
        "质检趋势",
        "高频扣分项",
        "满意度趋势",
        "扣分项与不满意",
        "风险标记趋势",
        "来电原因",
        "来电原因趋势",
        "来电原因与满意度",
        "来电原因与质检",
        "新兴问题预警",
        "一次解决率-来电原因",
        "一次解决率-坐席",
        "一次解决率-班组",
    ]
    sheet = book["坐席排名"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    api = {r["agent"]: r for r in client.get("/manage/api/agents?period=all").get_json()["rows"]}
    for row in rows:
        assert row["通话数"] == api[row["坐席"]]["calls"]
        assert row["质检均分"] == pytest.approx(api[row["坐席"]]["qa_mean"])
    one = client.get("/manage/dashboard/export?format=csv&table=qa_trend&period=all")
    assert one.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(one.data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["table", "周期", "通话数"] and lines[1][2] == "5"
    assert client.get("/manage/dashboard/export?table=bogus").status_code == 400
    assert client.get("/manage/dashboard/export?format=pdf").status_code == 400


@pytest.mark.parametrize("role", ["agent", "qa", "trainer"])
def test_only_managers_see_the_dashboard(as_role, role) -> None:
    client = as_role(role)
    assert client.get("/manage/dashboard").status_code == 403
    assert client.get("/manage/api/qa").status_code == 403
    assert client.get("/manage/dashboard/export").status_code == 403


def test_cli_writes_the_same_tables_as_the_buttons(app, settings, as_role, tmp_path) -> None:
    from click.testing import CliRunner

    from inspector.cli import main

    out = tmp_path / "weekly.xlsx"
    env = {"INSPECTOR_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(
        main,
        ["report", "dashboard", "--period", "all", "--table", "agents", "--out", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    from_cli = load_workbook(out)["坐席排名"]
    web = as_role("manager").get("/manage/dashboard/export?table=agents&period=all")
    from_web = load_workbook(io.BytesIO(web.data))["坐席排名"]
    assert [[c.value for c in r] for r in from_cli.iter_rows()] == [
        [c.value for c in r] for r in from_web.iter_rows()
    ]
    bad = CliRunner().invoke(main, ["report", "dashboard", "--table", "nope"], env=env)
    assert bad.exit_code == 2 and "--table" in bad.output
