"""Review UI and dashboard latency over 100,000 calls and 1,000,000 survey responses.

python bench/web.py [--calls 100000] [--surveys 1000000] [--requests 40]

Seeds calls with jobs, QA results (16 items each), flags and surveys straight into SQLite,
then times requests through the Flask test client (p50 / p95 in ms): the review queue and call
page signed in as qa, the dashboard's JSON endpoints and export signed in as a manager. The
dashboard rows give the first request after a change (its fact columns are read again) and
the requests after it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from inspector.accounts import add_user  # noqa: E402
from inspector.review.priority import update_priority  # noqa: E402
from inspector.settings import Settings, load_settings  # noqa: E402
from inspector.store.database import analyze, make_engine, make_session_factory, upgrade  # noqa: E402
from inspector.store.models import (  # noqa: E402
    Call,
    CallFlag,
    CallMetrics,
    ItemResultRow,
    Job,
    ScoreResult,
    SurveyResponse,
    TranscriptSegment,
)
from scoring.scorecard import load_scorecard  # noqa: E402
from web import create_app  # noqa: E402

START = datetime(2026, 8, 1, tzinfo=UTC)


def seed(sessions, n: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(0)
    items = [i.id for i in load_scorecard("telecom_hotline").items]
    flags = ["complaint_risk", "churn_risk", "customer_anger", "qa_survey_mismatch"]
    step = 20_000
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        calls, jobs, results, item_rows, flag_rows, surveys, metrics = [], [], [], [], [], [], []
        for i in range(lo, hi):
            pk = i + 1
            started = START + timedelta(seconds=i * 77)
            calls.append(
                {
                    "id": pk,
                    "call_id": f"C{i:06d}",
                    "version": 1,
                    "is_current": True,
                    "agent_id": f"A{i % 300:03d}",
                    "team": f"T{i % 30}",
                    "skill_queue": f"Q{i % 6}",
                    "source_path": "-",
                    "audio_sha256": f"{i:064d}",
                    "file_size": 0,
                    "extra": {},
                    "duration_s": 180.0,
                    "started_at": started,
                    "ingested_at": started,
                }
            )
            jobs.append({"call_pk": pk, "status": "done", "attempts": 1, "updated_at": started})
            failed = {it for it in items if rng.random() < 0.08}
            fatal = "forbidden_phrase" in failed or "score_solicitation" in failed
            score = 0.0 if fatal else max(100 - 5 * len(failed), 0)
            results.append(
                {
                    "id": pk,
                    "call_pk": pk,
                    "scorecard": "telecom_hotline",
                    "scorecard_version": "1",
                    "score": score,
                    "final_score": score,
                    "fatal": fatal,
                    "needs_review": rng.random() < 0.05,
                    "review_status": "unreviewed",
                    "locked": False,
                    "created_at": started,
                }
            )
            item_rows += [
                {
                    "result_id": pk,
                    "item_id": it,
                    "title": it,
                    "status": "failed" if it in failed else "passed",
                    "deduction": 5.0 if it in failed else 0.0,
                    "fatal": False,
                    "needs_review": False,
                    "evidence": [],
                }
                for it in items
            ]
            if rng.random() < 0.1:
                flag_rows.append({"call_pk": pk, "flag": rng.choice(flags), "evidence": []})
            if rng.random() < 0.3:
                level = rng.choice(["satisfied", "satisfied", "basic", "dissatisfied"])
                surveys.append(
                    {
                        "response_key": f"s{i}",
                        "call_pk": pk,
                        "join_method": "call_id",
                        "sent_at": started + timedelta(minutes=5),
                        "responded": True,
                        "scale": "ivr3",
                        "score": 1.0,
                        "level": level,
                        "dimensions": {},
                        "imported_at": started,
                    }
                )
            metrics.append(
                {
                    "call_pk": pk,
                    "duration_s": 180.0,
                    "talk_s": 150.0,
                    "non_talk_s": 30.0,
                    "longest_silence_s": 3.0,
                    "overlap_count": 1,
                    "overlap_s": 0.5,
                    "data": {},
                }
            )
        with sessions.begin() as session:
            for model, rows in (
                (Call, calls),
                (Job, jobs),
                (ScoreResult, results),
                (ItemResultRow, item_rows),
                (CallFlag, flag_rows),
                (SurveyResponse, surveys),
                (CallMetrics, metrics),
            ):
                if rows:
                    session.execute(insert(model.__table__), rows)
    with sessions.begin() as session:
        update_priority(session, range(1, n + 1))
    segments = [
        {
            "call_pk": 1,
            "idx": k,
            "role": "agent" if k % 2 == 0 else "customer",
            "start_s": k * 4.0,
            "end_s": k * 4.0 + 3.5,
            "text": "您好，请问有什么可以帮您？" * 2,
        }
        for k in range(40)
    ]
    with sessions.begin() as session:
        session.execute(insert(TranscriptSegment.__table__), segments)


def seed_surveys(sessions, total: int, calls: int) -> None:  # type: ignore[no-untyped-def]
    """More responses up to `total`, spread over the calls: IVR, CSAT and NPS answers."""
    rng = random.Random(1)
    with sessions() as session:
        have = session.scalar(select(func.count(SurveyResponse.id))) or 0
    levels = ["satisfied", "satisfied", "basic", "dissatisfied"]
    batch = []
    for i in range(have, total):
        c = rng.randrange(calls)
        answered = rng.random() < 0.6
        kind = rng.random()
        level = rng.choice(levels) if answered else None
        row = {
            "response_key": f"bulk{i}",
            "call_pk": c + 1,
            "join_method": "call_id",
            "sent_at": START + timedelta(seconds=c * 77 + 600),
            "responded": answered,
            "scale": None,
            "score": None,
            "level": level,
            "nps": None,
            "dimensions": {},
            "imported_at": START,
        }
        if answered and kind < 0.6:
            row |= {"scale": "ivr3", "score": {"satisfied": 1.0, "basic": 2.0}.get(level, 3.0)}
        elif answered and kind < 0.8:
            row |= {"scale": "csat5", "score": float(rng.randint(1, 5))}
        elif answered:
            row |= {"scale": "nps11", "score": float(rng.randint(0, 10))}
            row["nps"] = row["score"]
        batch.append(row)
        if len(batch) == 50_000:
            with sessions.begin() as session:
                session.execute(insert(SurveyResponse.__table__), batch)
            batch = []
    if batch:
        with sessions.begin() as session:
            session.execute(insert(SurveyResponse.__table__), batch)


@dataclass(frozen=True)
class SeededApp:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    app: Flask
    seeded_s: float


def seeded_app(
    data_dir: Path, calls: int, surveys: int, also: Callable[..., None] | None = None
) -> SeededApp:
    """The web app over a fresh SQLite database seeded with calls and survey responses (and what
    `also(sessions, calls)` adds), users qa and manager, CSRF off (the benchmarks only read)."""
    settings = load_settings(
        None, {}, data_dir=data_dir, secret_key="b", customer_hash_salt="b", log_level="WARNING"
    )
    engine = make_engine(settings.database)
    upgrade(engine)
    sessions = make_session_factory(engine)
    t0 = time.perf_counter()
    seed(sessions, calls)
    seed_surveys(sessions, surveys, calls)
    if also is not None:
        also(sessions, calls)
    seeded_s = time.perf_counter() - t0
    analyze(engine)  # as `inspector serve` does before serving
    with sessions.begin() as session:
        add_user(session, "qa", "qa", "benchmark-pass")
        add_user(session, "manager", "manager", "benchmark-pass")
    app = create_app(settings, sessions)
    app.config["WTF_CSRF_ENABLED"] = False
    return SeededApp(settings, engine, sessions, app, seeded_s)


def timed(client, url: str, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def _assign_to_qa(sessions, n: int) -> int:  # type: ignore[no-untyped-def]
    """The top n calls of the queue assigned to qa (their "my tasks"); the top call's id."""
    from inspector.store.models import User
    from inspector.store.worklist_models import Assignment

    with sessions.begin() as session:
        qa = session.scalar(select(User.id).where(User.username == "qa"))
        top = session.scalars(
            select(Call.id)
            .where(Call.is_current)
            .order_by(Call.queue_priority, Call.id.desc())
            .limit(n)
        ).all()
        session.execute(insert(Assignment), [{"call_pk": pk, "assignee_id": qa} for pk in top])
    return top[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench = seeded_app(Path(tmp) / "var", args.calls, args.surveys)
        settings, engine, sessions, app = bench.settings, bench.engine, bench.sessions, bench.app
        seeded = bench.seeded_s
        client = app.test_client()
        client.post("/login", data={"username": "qa", "password": "benchmark-pass"})
        flagged = _assign_to_qa(sessions, 300)
        cases = [
            ("queue, default (flagged first)", "/"),
            ("queue, page 500", "/?page=500"),
            ("queue, agent filter", "/?agent=A042"),
            ("queue, failed item filter", "/?item=empathy"),
            ("queue, flag filter", "/?flag=complaint_risk"),
            ("queue, score range + survey", "/?score_max=80&survey=dissatisfied"),
            ("queue, date range + team", "/?from=2026-08-20&to=2026-08-27&team=T3"),
            ("queue, 10% sample per agent", "/?sample=10%25"),
            ("queue, lowest score first", "/?sort=score"),
            ("my tasks (300 assigned)", "/mine"),
            ("appeals list", "/appeals"),
            ("call page", "/calls/1"),
            ("call page, a flagged call", f"/calls/{flagged}"),
        ]
        print(f"seeded {args.calls} calls and {args.surveys} survey responses in {seeded:.0f} s")
        print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8}")
        for name, url in cases:
            p50, p95 = timed(client, url, args.requests)
            print(f"{name:<34} {p50:>8.1f} {p95:>8.1f}")

        from inspector.reports.dashboard import scorecard_items
        from inspector.reports.facts import FactsCache

        manager = app.test_client()
        manager.post("/login", data={"username": "manager", "password": "benchmark-pass"})
        board = [
            ("dashboard page", "/manage/dashboard"),
            ("api qa (distribution, trend)", "/manage/api/qa"),
            ("api failed items", "/manage/api/items"),
            ("api satisfaction trend", "/manage/api/satisfaction"),
            ("api item correlation", "/manage/api/correlation"),
            ("api agents (league, scatter)", "/manage/api/agents"),
            ("api teams", "/manage/api/teams"),
            ("api risk flags", "/manage/api/flags"),
            (
                "api agents, team + month",
                "/manage/api/agents?team=T3&from=2026-08-01&to=2026-09-01",
            ),
            ("api satisfaction, agent, by day", "/manage/api/satisfaction?agent=A042&period=day"),
            ("export all tables (XLSX)", "/manage/dashboard/export?format=xlsx"),
        ]
        print()
        print(f"{'dashboard request':<34} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for name, url in board:
            firsts = []
            for _ in range(3):  # a server just started: nothing read yet
                app.extensions["inspector.dashboard"] = FactsCache(
                    sessions, settings.tz, scorecard_items(settings)
                )
                firsts.append(timed(manager, url, 1)[0])
            p50, p95 = timed(manager, url, args.requests)
            print(f"{name:<34} {statistics.median(firsts):>8.1f} {p50:>8.1f} {p95:>8.1f}")
        # while surveys arrive and reviews happen: new responses are appended, changed calls
        # are read again in the background while the previous facts answer
        after = []
        for k in range(5):
            seed_surveys(sessions, args.surveys + (k + 1) * 2_000, args.calls)
            after.append(timed(manager, "/manage/api/satisfaction", 1)[0])
        print(f"{'satisfaction after 2,000 new':<34} {'':>8} {statistics.median(after):>8.1f}")
        changed = []
        for k in range(5):
            with sessions.begin() as session:
                session.execute(
                    insert(CallFlag.__table__),
                    [{"call_pk": k + 1, "flag": "churn_risk", "evidence": []}],
                )
            changed.append(timed(manager, "/manage/api/agents", 1)[0])
            app.extensions["inspector.dashboard"].wait()
        print(
            f"{'agents after a flag (stale read)':<34} {'':>8} {statistics.median(changed):>8.1f}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
