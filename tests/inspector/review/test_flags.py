"""Reviewers' decisions on risk flags, on real SQLite: an unsure flag waits in the queue until a
reviewer confirms or dismisses it; a dismissed flag counts nowhere (queue chips and filter, queue
order, dashboards, exports), outlives a re-run of the call, and every decision is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from inspector.accounts import add_user
from inspector.batch.export import csv_row, iter_records
from inspector.batch.results import _write_score, clear_results
from inspector.reports.dashboard import DashboardFilter, open_dashboard, risk_flags
from inspector.reports.dashboard_tables import risk_flags_table
from inspector.reports.facts import FactsCache, call_stamp, load_call_facts
from inspector.review.flags import FlagDecisionError, decide_flag, decision_trail, decisions
from inspector.review.priority import priority_of, update_priority
from inspector.review.queue import WAITING, QueueFilter, page
from inspector.store.models import Call, CallFlag, Job, ScoreResult, User
from inspector.store.worklist_models import FlagDecision, unsure, waiting
from scoring.types import CallResult, Flag

PW = "correct horse 1"


def _call(session, n: int, flags: list[tuple[str, float, str]]) -> int:  # type: ignore[no-untyped-def]
    call = Call(
        call_id=f"c{n:03d}",
        agent_id="A1",
        source_path=f"/rec/c{n}.wav",
        audio_sha256=f"{n}".ljust(64, "0"),
        started_at=datetime(2026, 11, 2, 8, n, tzinfo=UTC),
    )
    session.add(call)
    session.flush()
    session.add(Job(call_pk=call.id, status="done"))
    session.add(ScoreResult(call_pk=call.id, scorecard="s", scorecard_version="1", score=90.0))
    for flag, confidence, route in flags:
        session.add(
            CallFlag(
                call_pk=call.id,
                flag=flag,
                evidence=[{"text": "你们这是什么服务态度？"}],
                confidence=confidence,
                basis="intent",
                route=route,
            )
        )
    session.flush()
    update_priority(session, [call.id])
    return call.id


@pytest.fixture
def setup(sessions):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        qa = add_user(session, "qa", "qa", PW)[0].id
        unsure = _call(session, 1, [("customer_anger", 0.78, "review")])
        sure = _call(session, 2, [("complaint_risk", 1.0, "final")])
        both = _call(session, 3, [("customer_anger", 0.7, "review"), ("churn_risk", 1.0, "final")])
    return qa, unsure, sure, both


def _decide(sessions, qa: int, pk: int, flag: str, decision: str, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        decide_flag(session, session.get(User, qa), pk, flag, decision, comment)


def _rows(sessions, **f):  # type: ignore[no-untyped-def]
    with sessions() as session:
        return {r.pk: r for r in page(session, QueueFilter(**f), 1, 50)[0]}


def _priority(sessions, pk: int) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.get(Call, pk).queue_priority


def test_an_unsure_flag_waits_for_a_reviewer_in_the_queue(sessions, setup) -> None:  # type: ignore[no-untyped-def]
    qa, unsure, sure, both = setup
    rows = _rows(sessions)
    assert rows[unsure].unsure_flags == ["customer_anger"] and rows[unsure].state == "needs_review"
    assert rows[sure].unsure_flags == [] and rows[sure].state == "flagged"
    assert rows[both].unsure_flags == ["customer_anger"]
    # waiting for a reviewer ranks with the verdicts that need review, above a sure flag
    assert _priority(sessions, unsure) == 1 and _priority(sessions, sure) == 2
    # the queue lists the calls with a flag to confirm
    assert set(_rows(sessions, flag=WAITING)) == {unsure, both}
    _decide(sessions, qa, unsure, "customer_anger", "confirmed")
    rows = _rows(sessions)
    assert rows[unsure].unsure_flags == [] and rows[unsure].state == "flagged"
    assert rows[unsure].flags == ["customer_anger"] and _priority(sessions, unsure) == 2
    assert set(_rows(sessions, flag=WAITING)) == {both}


def test_a_dismissed_flag_counts_nowhere(sessions, setup) -> None:  # type: ignore[no-untyped-def]
    qa, unsure, sure, both = setup
    _decide(sessions, qa, unsure, "customer_anger", "dismissed", "只是着急，不是生气")
    _decide(sessions, qa, both, "customer_anger", "dismissed")
    rows = _rows(sessions)
    # the call that had only the false alarm is a plain scored call again
    assert rows[unsure].flags == [] and rows[unsure].state == "scored"
    assert _priority(sessions, unsure) == 3
    assert rows[both].flags == ["churn_risk"] and _priority(sessions, both) == 2
    # the queue's flag filter finds none of them
    assert set(_rows(sessions, flag="customer_anger")) == set()
    assert set(_rows(sessions, flag="churn_risk")) == {both}
    # the dashboards' facts count only the flags in force
    with sessions() as session:
        facts = load_call_facts(session, ZoneInfo("Asia/Shanghai"))
    anger = (
        facts.flagged[:, facts.flags.index("customer_anger")]
        if "customer_anger" in facts.flags
        else []
    )
    assert not any(anger)
    # the export keeps the machine's flag and the reviewer's word, and lists what is in force
    with sessions() as session:
        records = {r["call_id"]: r for r in iter_records(session)}
    row = csv_row(records["c003"])
    assert row["flags"] == "churn_risk"
    assert sorted(row["flag_details"].split(";")) == [
        "churn_risk 1.00 intent",
        "customer_anger 0.70 intent review dismissed",
    ]
    shown = {f["id"]: f for f in records["c003"]["result"]["flags"]}
    assert shown["customer_anger"]["decision"] == "dismissed"
    assert shown["customer_anger"]["route"] == "review" and shown["churn_risk"]["decision"] is None


def test_a_decision_outlives_a_rerun_and_stays_in_the_audit_log(sessions, setup) -> None:  # type: ignore[no-untyped-def]
    qa, unsure, _, _ = setup
    with sessions() as session:
        stamp = call_stamp(session)
    _decide(sessions, qa, unsure, "customer_anger", "dismissed", "误报")
    with sessions() as session:
        assert call_stamp(session) != stamp  # the dashboards read the facts again
    _decide(sessions, qa, unsure, "customer_anger", "confirmed")  # changed their mind
    with sessions.begin() as session:
        # a re-run writes the machine's results afresh, through the batch's writer
        clear_results(session, unsure)
        flag = Flag("customer_anger", (), 0.8, ("intent",), "review")
        _write_score(session, unsure, CallResult("s", "1", 90.0, False, False, flags=(flag,)))
        session.flush()
        update_priority(session, [unsure])
    rows = _rows(sessions)
    assert rows[unsure].unsure_flags == [] and rows[unsure].flags == ["customer_anger"]
    with sessions() as session:
        shown = decisions(session, unsure)["customer_anger"]
        trail = decision_trail(session, unsure)
    assert shown.decision == "confirmed" and shown.who == "qa"
    assert [(e.before, e.after, e.comment, who) for e, who in trail] == [
        (
            {"flag": "customer_anger", "decision": None},
            {"flag": "customer_anger", "decision": "dismissed"},
            "误报",
            "qa",
        ),
        (
            {"flag": "customer_anger", "decision": "dismissed"},
            {"flag": "customer_anger", "decision": "confirmed"},
            None,
            "qa",
        ),
    ]


def test_a_measurement_and_a_locked_call_are_not_decided(sessions, setup) -> None:  # type: ignore[no-untyped-def]
    qa, unsure, sure, _ = setup
    with sessions.begin() as session:
        session.add(
            CallFlag(call_pk=sure, flag="no_speech", evidence=[], confidence=1.0, basis="metric")
        )
    with pytest.raises(FlagDecisionError, match="a measurement"), sessions.begin() as session:
        decide_flag(session, session.get(User, qa), sure, "no_speech", "dismissed")
    with sessions.begin() as session:
        session.execute(
            update(ScoreResult).where(ScoreResult.call_pk == unsure).values(locked=True)
        )
    with pytest.raises(FlagDecisionError, match="locked"), sessions.begin() as session:
        decide_flag(session, session.get(User, qa), unsure, "customer_anger", "dismissed")
    with sessions() as session:
        assert decisions(session, sure) == {} and decisions(session, unsure) == {}


@pytest.mark.parametrize(
    ("flag", "decision", "message"),
    [
        ("churn_risk", "dismissed", "flag 'churn_risk': the call does not carry it"),
        ("customer_anger", "maybe", "decision 'maybe': must be one of confirmed, dismissed"),
    ],
)
def test_a_decision_on_a_flag_the_call_lacks_is_refused(  # type: ignore[no-untyped-def]
    sessions, setup, flag: str, decision: str, message: str
) -> None:
    qa, unsure, _, _ = setup
    with pytest.raises(FlagDecisionError, match=message), sessions.begin() as session:
        decide_flag(session, session.get(User, qa), unsure, flag, decision)
    with sessions() as session:
        assert decisions(session, unsure) == {}


@pytest.mark.parametrize(
    ("needs_review", "flagged", "unsure_flag", "expected"),
    [
        (False, True, True, 1),
        (False, True, False, 2),
        (False, False, False, 3),
        (True, True, False, 1),
    ],
)
def test_priority_with_an_unsure_flag(needs_review, flagged, unsure_flag, expected) -> None:  # type: ignore[no-untyped-def]
    assert priority_of(False, needs_review, "unreviewed", flagged, unsure_flag) == expected


def _flag_trend(settings, sessions, cache) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        board = open_dashboard(session, settings, cache, DashboardFilter(period="month"))
    (row,) = risk_flags(board)["trend"]
    columns, rows = risk_flags_table(board)
    assert rows == [row]
    titles = dict(columns)
    assert titles["customer_anger_waiting"] == "客户愤怒（待确认）"
    return {k: v for k, v in row.items() if k.endswith(("_risk", "_anger", "_waiting"))}


def test_the_dashboard_says_how_many_flags_wait_for_a_reviewer(settings, sessions, setup) -> None:  # type: ignore[no-untyped-def]
    qa, unsure_pk, sure, both = setup
    # one cache for every read, as a server process keeps: each decision must refresh it
    cache = FactsCache(sessions, ZoneInfo(settings.timezone), background=False)
    # two anger flags in force, both waiting; the sure complaint and churn flags wait for nobody
    assert _flag_trend(settings, sessions, cache) == {
        "churn_risk": 1,
        "churn_risk_waiting": 0,
        "complaint_risk": 1,
        "complaint_risk_waiting": 0,
        "customer_anger": 2,
        "customer_anger_waiting": 2,
    }
    _decide(sessions, qa, unsure_pk, "customer_anger", "confirmed")  # a first decision
    trend = _flag_trend(settings, sessions, cache)
    assert (trend["customer_anger"], trend["customer_anger_waiting"]) == (2, 1)
    _decide(sessions, qa, both, "customer_anger", "dismissed")
    trend = _flag_trend(settings, sessions, cache)
    assert (trend["customer_anger"], trend["customer_anger_waiting"]) == (1, 0)
    # a reviewer who changes their mind brings the dismissed flag back, decided: not waiting
    _decide(sessions, qa, both, "customer_anger", "confirmed")
    trend = _flag_trend(settings, sessions, cache)
    assert (trend["customer_anger"], trend["customer_anger_waiting"]) == (2, 0)


@pytest.mark.parametrize("route", ["final", "sampled", "review"])
@pytest.mark.parametrize("decision", [None, "confirmed", "dismissed"])
@pytest.mark.parametrize("basis", ["intent", "metric", None])
def test_waiting_in_python_is_the_queue_s_rule_in_sql(sessions, route, decision, basis) -> None:  # type: ignore[no-untyped-def]
    """The call page asks `waiting`, the queue and the dashboards `unsure()`: the same rule (a
    measurement never waits: nobody can decide it)."""
    with sessions.begin() as session:
        qa = add_user(session, "qa", "qa", PW)[0].id
        pk = _call(session, 1, [("customer_anger", 0.9, route)])
        session.execute(update(CallFlag).values(basis=basis))
        if decision:
            session.add(
                FlagDecision(call_pk=pk, flag="customer_anger", decision=decision, decided_by=qa)
            )
    with sessions() as session:
        in_sql = session.execute(select(unsure()).select_from(CallFlag)).scalar_one()
    expected = route != "final" and decision is None and basis != "metric"
    assert bool(in_sql) == waiting(route, decision, basis) == expected
