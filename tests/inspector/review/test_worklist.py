"""The queue's worklist on real SQLite: the inclusive "到" day, sampling in the chosen sort,
agent-scoped counts, assignment and "我的待办", saved filters and the appeals list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from inspector.accounts import add_user
from inspector.batch.manifest import parse_range
from inspector.review import saved_filters
from inspector.review.appeal_list import appeal_page
from inspector.review.assignment import assign, reviewer, reviewers
from inspector.review.queue import QueueFilter, page, sample, status_counts
from inspector.store.models import Appeal, AuditEntry, Call, Job, Review, ScoreResult, User

SH = ZoneInfo("Asia/Shanghai")
AGENTS = ("A1", "A2", "A3")
PW = "correct horse 1"


def _user(session, *args, **kwargs) -> User:  # type: ignore[no-untyped-def]
    return add_user(session, *args, **kwargs)[0]


def _call(session, n: int, agent: str, started: datetime, score: float, **result) -> int:  # type: ignore[no-untyped-def]
    call = Call(
        call_id=f"c{n:03d}",
        agent_id=agent,
        agent_name=f"name-{agent}",
        source_path=f"/rec/c{n}.wav",
        audio_sha256=f"{n}".ljust(64, "0"),
        started_at=started,
        queue_priority=result.pop("priority", 3),
    )
    session.add(call)
    session.flush()
    session.add(Job(call_pk=call.id, status="done"))
    session.add(
        ScoreResult(
            call_pk=call.id,
            scorecard="s",
            scorecard_version="1",
            score=score,
            final_score=score,
            created_at=started,
            **result,
        )
    )
    return call.id


@pytest.fixture
def calls(sessions) -> list[int]:  # type: ignore[no-untyped-def]
    """12 calls, four per agent, one an hour from 2026-11-02 08:00 Shanghai, scores shuffled."""
    start = datetime(2026, 11, 2, 8, tzinfo=SH)
    scores = [71, 93, 55, 88, 60, 99, 47, 82, 90, 66, 75, 58]
    with sessions.begin() as session:
        return [
            _call(session, i, AGENTS[i % 3], start + timedelta(hours=i), scores[i])
            for i in range(12)
        ]


def test_to_day_is_inclusive(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    start, end = parse_range("2026-11-02", "2026-11-02", SH, inclusive_end=True)
    with sessions() as session:
        rows, total = page(session, QueueFilter(start=start, end=end), 1, 50)
        assert total == 12 and len(rows) == 12
        start, end = parse_range("2026-11-03", "2026-11-03", SH, inclusive_end=True)
        assert page(session, QueueFilter(start=start, end=end), 1, 50)[1] == 0


@pytest.mark.parametrize("sort", ["newest", "oldest", "score", "priority"])
def test_sampling_honours_the_sort(sessions, calls, sort: str) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        rows, total = sample(session, QueueFilter(sort=sort), "2", seed=7)
        again, _ = sample(session, QueueFilter(sort=sort), "2", seed=7)
        newest, _ = sample(session, QueueFilter(sort="newest"), "2", seed=7)
        other, _ = sample(session, QueueFilter(sort=sort), "2", seed=8)
    assert total == 6 and len(rows) == 6  # two per agent
    assert [r.pk for r in rows] == [r.pk for r in again]  # the seed draws the same calls
    assert {r.pk for r in rows} == {r.pk for r in newest}  # whatever the sort
    assert {r.pk for r in other} != {r.pk for r in rows}
    keys = {
        "newest": lambda r: -r.started_at.timestamp(),
        "oldest": lambda r: r.started_at.timestamp(),
        "score": lambda r: r.score,
        "priority": lambda r: -r.started_at.timestamp(),  # all priority 3: newest first
    }
    assert rows == sorted(rows, key=keys[sort])
    assert {r.agent for r in rows} == set(AGENTS)


def test_sampling_pages_follow_the_sort(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        whole, total = sample(session, QueueFilter(sort="score"), "50%", seed=1, size=50)
        first, _ = sample(session, QueueFilter(sort="score"), "50%", seed=1, number=1, size=4)
        second, _ = sample(session, QueueFilter(sort="score"), "50%", seed=1, number=2, size=4)
    assert total == 6
    assert [r.pk for r in first + second] == [r.pk for r in whole]


def test_unscored_calls_come_last_by_score(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        failed = Call(
            call_id="broken",
            agent_id="A1",
            source_path="/rec/broken.wav",
            audio_sha256="f" * 64,
            started_at=datetime(2026, 11, 2, 23, tzinfo=SH),
        )
        session.add(failed)
        session.flush()
        session.add(Job(call_pk=failed.id, status="failed"))
        broken = failed.id
    with sessions() as session:
        rows, _ = page(session, QueueFilter(sort="score"), 1, 50)
        drawn, _ = sample(session, QueueFilter(sort="score"), "100%", seed=1)
    assert rows[-1].pk == broken and rows[0].score == 47
    assert [r.pk for r in drawn] == [r.pk for r in rows]


def test_counts_are_scoped(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        assert status_counts(session)["done"] == 12
        mine = status_counts(session, lambda q: q.where(Call.agent_id == "A1"))
    assert mine == {"queued": 0, "running": 0, "done": 4, "failed": 0}


def test_assignment_and_my_tasks(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        lead = _user(session, "lead", "qa_lead", PW)
        qa = _user(session, "qa", "qa", PW, display_name="小王")
        qa2 = _user(session, "qa2", "qa", PW)
        trainer = _user(session, "trainer", "trainer", PW)
        session.flush()
        assert [r.username for r in reviewers(session)] == ["lead", "qa", "qa2"]
        assert reviewer(session, trainer.id) is None and reviewer(session, qa.id) is not None
        assert assign(session, lead, calls[:3] + [calls[0], 999_999], qa) == 3
        assert assign(session, lead, [calls[2], calls[3]], qa2) == 2  # c2 moves to qa2
        ids = (qa.id, qa2.id)
        session.execute(
            select(ScoreResult).where(ScoreResult.call_pk == calls[1])
        ).scalar_one().review_status = "reviewed"
        assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "assign"
    with sessions() as session:
        todo = QueueFilter(assignee=ids[0], review="unreviewed")
        rows, total = page(session, todo, 1, 50)
        assert [r.pk for r in rows] == [calls[0]] and total == 1  # c1 is reviewed, c2 moved
        assert rows[0].assignee == "小王"
        other, _ = page(session, QueueFilter(assignee=ids[1]), 1, 50)
        assert {r.pk for r in other} == {calls[2], calls[3]}
        assert {r.assignee for r in other} == {"qa2"}
    with sessions.begin() as session:
        lead = session.scalar(select(User).where(User.username == "lead"))
        assert assign(session, lead, [calls[2]], None) == 1  # taken back
    with sessions() as session:
        assert page(session, QueueFilter(assignee=ids[1]), 1, 50)[1] == 1


def test_saved_filters_are_each_users_own(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        one = _user(session, "one", "qa", PW)
        two = _user(session, "two", "qa", PW)
        session.flush()
        ids = one.id, two.id
        q = saved_filters.query_string(
            [
                ("page", "3"),
                ("sort", "score"),
                ("agent", " A1 "),
                ("to", ""),
                ("from", "2026-11-01"),
            ],
            ("from", "to", "agent", "sort"),
        )
        assert q == "from=2026-11-01&agent=A1&sort=score"
        kept = saved_filters.save(session, ids[0], "  低分  A1 ", q)
        assert kept.name == "低分 A1"
        assert saved_filters.save(session, ids[0], "低分 A1", "sort=newest").id == kept.id
        saved_filters.save(session, ids[1], "mine", "agent=A2")
        with pytest.raises(ValueError):
            saved_filters.save(session, ids[0], "   ", q)
    with sessions.begin() as session:
        assert [(s.name, s.query) for s in saved_filters.saved(session, ids[0])] == [
            ("低分 A1", "sort=newest")
        ]
        assert not saved_filters.remove(session, ids[1], kept.id)  # not theirs
        assert saved_filters.remove(session, ids[0], kept.id)
        assert saved_filters.saved(session, ids[0]) == []
        assert [s.name for s in saved_filters.saved(session, ids[1])] == ["mine"]


def test_appeal_list_dates_filters_and_order(sessions, calls) -> None:  # type: ignore[no-untyped-def]
    scored = datetime(2026, 11, 2, 8, tzinfo=SH).astimezone(UTC)
    reviewed = scored + timedelta(days=2)
    window = timedelta(days=3)
    with sessions.begin() as session:
        agent = _user(session, "a1", "agent", PW, agent_id="A1")
        other = _user(session, "a2", "agent", PW, agent_id="A2")
        lead = _user(session, "lead", "qa_lead", PW)
        session.flush()
        # calls[0] was reviewed two days after scoring, then appealed: its window runs from
        # the review; calls[3] was appealed straight after scoring
        session.add(
            Review(call_pk=calls[0], reviewer_id=lead.id, verdict="confirm", created_at=reviewed)
        )
        first = Appeal(call_pk=calls[0], item_id="closing", agent_user_id=agent.id, reason="r1",
                       created_at=reviewed + timedelta(hours=5))  # fmt: skip
        second = Appeal(call_pk=calls[3], item_id="greeting", agent_user_id=agent.id, reason="r2",
                        created_at=scored + timedelta(hours=1), status="rejected",
                        decided_by=lead.id, decided_at=scored + timedelta(days=1))  # fmt: skip
        third = Appeal(call_pk=calls[1], item_id="closing", agent_user_id=other.id, reason="r3",
                       created_at=scored + timedelta(hours=2))  # fmt: skip
        session.add_all([first, second, third])
        session.flush()
        ids = agent.id, first.id, second.id, third.id
    with sessions() as session:
        everything = appeal_page(session, window)
        assert [r.id for r in everything.rows] == [ids[3], ids[1], ids[2]]  # open first, newest
        assert everything.counts == {"open": 2, "accepted": 0, "rejected": 1}
        by_id = {r.id: r for r in everything.rows}
        assert by_id[ids[1]].deadline == reviewed + window
        assert by_id[ids[2]].deadline == calls_started(session, calls[3]) + window
        assert by_id[ids[2]].decided_by == "lead" and by_id[ids[2]].agent_name == "name-A1"
        own = appeal_page(session, window, agent_user_id=ids[0])
        assert {r.id for r in own.rows} == {ids[1], ids[2]} and own.total == 2
        rejected = appeal_page(session, window, agent_user_id=ids[0], status="rejected")
        assert [r.id for r in rejected.rows] == [ids[2]] and rejected.total == 1
        assert appeal_page(session, window, status="accepted").rows == []


def calls_started(session, pk: int) -> datetime:  # type: ignore[no-untyped-def]
    return session.get(Call, pk).started_at
