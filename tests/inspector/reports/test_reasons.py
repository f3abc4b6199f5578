"""Reasons on the dashboard over seeded calls in real SQLite: emerging issues (a tripled reason
raises exactly its alert, an unchanged week none, a new phrase its own) and first contact
resolution against a hand count."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from inspector.reports.dashboard import Dashboard, DashboardFilter, open_dashboard
from inspector.reports.facts import FactsCache
from inspector.reports.reasons import emerging, first_contact, qa, satisfaction, volume
from inspector.store.models import Call, Job, ScoreResult, SurveyResponse
from inspector.store.reason_models import CallKeyword, CallReason
from scoring.reasons.taxonomy import load_taxonomy

CODES = load_taxonomy().codes
#: words a customer with each reason says (three per call)
WORDS = {code: [f"{code.split('.')[-1]}词{k}" for k in range(4)] for code in CODES}
#: a Monday, midnight in the centre (Asia/Shanghai, UTC+8): five whole weeks to 2026-11-30
START = datetime(2026, 10, 25, 16, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    call_id: str
    started: datetime
    reasons: tuple[str, ...]
    customer: str | None = None
    agent: str = "A1"
    team: str = "T1"
    words: tuple[str, ...] = ()
    complaint_class: str | None = None


def seed(sessions, calls: list[Seeded]) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        for s in calls:
            call = Call(
                call_id=s.call_id,
                source_path=f"/rec/{s.call_id}.wav",
                audio_sha256=s.call_id.ljust(64, "0")[:64],
                started_at=s.started,
                agent_id=s.agent,
                team=s.team,
                customer_number_hash=s.customer,
            )
            session.add(call)
            session.flush()
            session.add(Job(call_pk=call.id, status="done"))
            session.add(
                ScoreResult(call_pk=call.id, scorecard="t", scorecard_version="1", score=90.0)
            )
            for code in s.reasons:
                cls = s.complaint_class if code == "complaint" else None
                session.add(
                    CallReason(
                        call_pk=call.id,
                        reason=code,
                        probability=0.9,
                        evidence="",
                        complaint_class=cls,
                    )
                )
            session.add_all(CallKeyword(call_pk=call.id, keyword=w) for w in s.words)


def board(settings, sessions, period: str = "week", surveys: bool = False) -> Dashboard:  # type: ignore[no-untyped-def]
    cache = FactsCache(sessions, ZoneInfo(settings.timezone), background=False)
    with sessions() as session:
        return open_dashboard(session, settings, cache, DashboardFilter(period=period), surveys)


def weeks(per_reason_last_week: dict[str, int], new_word: str | None = None) -> list[Seeded]:
    """Four baseline weeks of 20 calls per reason a week, then the last week's counts."""
    rng = random.Random(7)
    calls = []
    for week in range(5):
        for code in CODES:
            n = per_reason_last_week.get(code, 20) if week == 4 else 20
            for i in range(n):
                at = START + timedelta(days=7 * week + rng.randrange(7), hours=rng.randrange(1, 12))
                words = tuple(rng.sample(WORDS[code], 3))
                calls.append(Seeded(f"w{week}-{code}-{i}", at, (code,), words=words))
    if new_word:
        for i, s in enumerate(calls):
            if s.started >= START + timedelta(days=28) and i % 6 == 0:
                calls[i] = Seeded(s.call_id, s.started, s.reasons, words=(*s.words, new_word))
    return calls


def test_a_tripled_reason_raises_exactly_its_alert(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(sessions, weeks({"billing.dispute": 60}))
    found = emerging(board(settings, sessions))
    assert found["period"] == "week"
    [alert] = found["alerts"]
    assert (alert["kind"], alert["key"], alert["label"]) == (
        "reason",
        "billing.dispute",
        "话费账单/争议",
    )
    assert alert["recent"] == 60 and alert["baseline"] == 80
    assert alert["since"] == "2026-11-23"
    assert alert["ratio"] > 2 and alert["p_value"] < 1e-6
    # its words rose with it: listed under the reason, not as alerts of their own
    assert set(alert["phrases"]) <= set(WORDS["billing.dispute"]) and alert["phrases"]
    assert len(alert["examples"]) == 5
    assert all(e["call_id"].startswith("w4-billing.dispute-") for e in alert["examples"])


def test_an_unchanged_week_raises_none(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(sessions, weeks({}))
    assert emerging(board(settings, sessions))["alerts"] == []
    assert emerging(board(settings, sessions, period="day"))["alerts"] == []


def test_a_new_phrase_across_reasons_raises_a_phrase_alert(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(sessions, weeks({}, new_word="停机"))
    [alert] = emerging(board(settings, sessions))["alerts"]
    assert (alert["kind"], alert["key"], alert["baseline"]) == ("phrase", "停机", 0)
    assert alert["recent"] == pytest.approx(220 / 6, abs=2)


def test_too_few_calls_raise_nothing_however_steep(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    calls = [
        c
        for c in weeks({"account.close": 9})
        if c.reasons != ("account.close",) or c.started >= START + timedelta(days=28)
    ]
    seed(sessions, calls)
    assert emerging(board(settings, sessions))["alerts"] == []


def _day(n: int, hour: int = 10) -> datetime:
    return START + timedelta(days=n, hours=hour)


#: the hand count: (call id, day, reasons, customer, agent/team); the window is 7 days and the
#: latest call (day 30) closes the windows of calls up to day 23
FCR_CALLS = [
    Seeded("c1", _day(0), ("billing.dispute",), "A", "X", "T1"),  # A again on day 3: repeat
    Seeded("c2", _day(3), ("billing.dispute",), "A", "Y", "T2"),  # resolved
    Seeded("c3", _day(0), ("network.signal",), "B", "X", "T1"),  # B again on day 10: too late
    Seeded("c4", _day(10), ("network.signal",), "B", "Y", "T2"),  # resolved
    Seeded("c5", _day(1), ("plan.order", "billing.query"), "C", "Y", "T2"),  # query repeats
    Seeded("c6", _day(2), ("billing.query",), "C", "X", "T1"),  # resolved
    Seeded("c7", _day(1), ("other",), None, "X", "T1"),  # no customer number: not counted
    Seeded("c8", _day(29), ("other",), "D", "X", "T1"),  # window still open: not counted
    Seeded("c9", _day(30), ("other",), "E", "Y", "T2"),  # window still open: not counted
]


def test_first_contact_resolution_matches_a_hand_count(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(sessions, FCR_CALLS)
    d = board(settings, sessions)
    assert settings.fcr_window_days == 7
    [overall] = first_contact(d, "overall")
    assert (overall["contacts"], overall["repeats"], overall["fcr"]) == (7, 2, round(5 / 7, 4))
    assert overall["fcr_low"] < 5 / 7 < overall["fcr_high"]
    by_reason = {r["reason"]: (r["contacts"], r["repeats"]) for r in first_contact(d, "reason")}
    assert by_reason == {
        "billing.query": (2, 1),
        "billing.dispute": (2, 1),
        "plan.order": (1, 0),
        "network.signal": (2, 0),
    }
    by_agent = {r["agent"]: (r["contacts"], r["repeats"]) for r in first_contact(d, "agent")}
    assert by_agent == {"X": (3, 1), "Y": (4, 1)}
    by_team = {r["team"]: r["fcr"] for r in first_contact(d, "team")}
    assert by_team == {"T1": round(2 / 3, 4), "T2": 0.75}


def test_a_longer_window_counts_the_later_call_as_a_repeat(tmp_path, sessions) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_settings

    seed(sessions, FCR_CALLS)
    settings = make_settings(tmp_path, fcr_window_days=14)
    # c3 now repeats (day 10); windows close by day 16, so c4 (day 10) still counts
    by_reason = {
        r["reason"]: (r["contacts"], r["repeats"])
        for r in first_contact(board(settings, sessions), "reason")
    }
    assert by_reason["network.signal"] == (2, 1)


def test_volume_and_qa_per_reason(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(
        sessions,
        [
            *FCR_CALLS,
            Seeded("k1", _day(5), ("complaint", "network.signal"), "F", complaint_class="network"),
        ],
    )
    d = board(settings, sessions)
    v = volume(d)
    counts = {r["reason"]: r["calls"] for r in v["reasons"]}
    assert counts["billing.query"] == 2 and counts["other"] == 3 and counts["complaint"] == 1
    assert [r["reason"] for r in v["reasons"]][:2] == ["billing.query", "billing.dispute"]
    assert {r["complaint_class"]: r["calls"] for r in v["complaints"]} == {"network": 1}
    assert sum(row["calls"] for row in v["trend"]) == 10
    rows = {r["reason"]: r for r in qa(d)}
    assert rows["network.signal"]["calls"] == 3 and rows["network.signal"]["qa_mean"] == 90.0


def test_satisfaction_per_reason_with_intervals(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    seed(sessions, FCR_CALLS)
    answers = {"c1": "dissatisfied", "c2": "dissatisfied", "c3": "satisfied", "c5": "satisfied"}
    with sessions.begin() as session:
        for call in session.scalars(select(Call).where(Call.call_id.in_(answers))):
            session.add(
                SurveyResponse(
                    response_key=call.call_id,
                    call_pk=call.id,
                    join_method="call_id",
                    sent_at=call.started_at,
                    answered_at=call.started_at,
                    responded=True,
                    scale="ivr3",
                    level=answers[call.call_id],
                )
            )
    rows = {r["reason"]: r for r in satisfaction(board(settings, sessions, surveys=True))}
    assert set(rows) == {"billing.dispute", "network.signal", "plan.order", "billing.query"}
    dispute = rows["billing.dispute"]
    assert (dispute["label"], dispute["responses"], dispute["satisfied_rate"]) == (
        "话费账单/争议",
        2,
        0.0,
    )
    assert dispute["dissatisfied_rate"] == 1.0
    assert dispute["satisfied_rate_low"] == 0.0 and 0 < dispute["satisfied_rate_high"] < 1
    assert rows["plan.order"]["satisfied_rate"] == 1.0
    assert rows["network.signal"]["small_sample"] is True  # the sheets write it as 是


def test_the_report_command_writes_the_reason_tables_and_corrections(
    settings, sessions, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from inspector.accounts import add_user
    from inspector.cli import main
    from inspector.review.reasons import correct_reasons

    seed(sessions, weeks({"billing.dispute": 60}))
    with sessions.begin() as session:
        user = add_user(session, "lead1", "qa_lead", "correct horse 1")[0]
        pk = session.scalar(select(Call.id).where(Call.call_id == "w4-billing.dispute-0"))
        correct_reasons(session, user, pk, ["billing.refund"], None, load_taxonomy())
    env = {"INSPECTOR_DATA_DIR": str(settings.data_dir), "INSPECTOR_SECRET_KEY": "test-secret",
           "INSPECTOR_CUSTOMER_HASH_SALT": "test-salt"}  # fmt: skip
    out = tmp_path / "reasons.xlsx"
    args = ["report", "dashboard", "--table", "emerging", "--table", "reasons", "--out", str(out)]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["新兴问题预警", "来电原因"]
    header, first = [[c.value for c in row] for row in book["新兴问题预警"].iter_rows(max_row=2)]
    assert header[:3] == ["类型", "原因或热词", "起始日"]
    assert first[:2] == ["来电原因", "话费账单/争议"]
    out = tmp_path / "corrections.csv"
    args = ["report", "reason-corrections", "--format", "csv", "--out", str(out)]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8-sig")
    assert "更正后原因" in text and "w4-billing.dispute-0" in text and "billing.refund" in text


def test_reasons_of_calls_without_a_qa_result_stay_out(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        call = Call(call_id="unscored", source_path="-", audio_sha256="9" * 64, started_at=_day(1))
        session.add(call)
        session.flush()
        session.add(CallReason(call_pk=call.id, reason="other", probability=0.9, evidence=""))
        session.add(CallKeyword(call_pk=call.id, keyword="停机"))
    empty = board(settings, sessions)  # no scored call at all
    assert [r["calls"] for r in volume(empty)["reasons"]] == [0]
    assert emerging(empty)["alerts"] == [] and first_contact(empty, "overall") == []
    seed(sessions, FCR_CALLS[:1])
    counts = {r["reason"]: r["calls"] for r in volume(board(settings, sessions))["reasons"]}
    assert counts == {"billing.dispute": 1, "other": 0}
