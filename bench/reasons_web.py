"""Call-reason endpoints over 100,000 calls and 1,000,000 survey responses.

python bench/reasons_web.py [--calls 100000] [--surveys 1000000] [--requests 20]

Seeds calls, QA results and surveys as bench/web.py does, then one or two reasons per call
(complaints with their MIIT class), three customer keywords per call, and hashed customer numbers
drawn from a pool so that customers call again; in the last week one reason and one new phrase
rise. Times the dashboard's reason endpoints (first request of a fresh server, then p50 / p95),
the reason export tables and the queue's reason filter through the Flask test client.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, update  # noqa: E402

import bench.web as bench_web  # noqa: E402
from inspector.store.models import Call  # noqa: E402
from inspector.store.reason_models import CallKeyword, CallReason  # noqa: E402
from scoring.reasons.taxonomy import load_taxonomy  # noqa: E402

RISING, NEW_PHRASE = "network.signal", "基站故障"


def seed_reasons(sessions, n: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(2)
    codes = list(load_taxonomy().codes)
    vocab = [f"词{k}" for k in range(300)]
    last_week = n - int(7 * 86_400 / 77)  # bench/web.py starts a call every 77 s
    classes = ["network", "billing", "service"]
    step = 20_000
    for lo in range(0, n, step):
        reasons, words, customers = [], [], []
        for i in range(lo, min(lo + step, n)):
            pk = i + 1
            chosen = {rng.choice(codes)}
            if rng.random() < 0.25:
                chosen.add(rng.choice(codes))
            if i >= last_week and rng.random() < 0.15:
                chosen.add(RISING)
            for code in sorted(chosen):
                reasons.append(
                    {
                        "call_pk": pk,
                        "reason": code,
                        "probability": 0.9,
                        "evidence": "",
                        "complaint_class": rng.choice(classes) if code == "complaint" else None,
                        "source": "model",
                        "active": True,
                        "created_at": bench_web.START,
                    }
                )
            picked = rng.sample(vocab, 3)
            if i >= last_week and rng.random() < 0.05:
                picked[0] = NEW_PHRASE
            words += [{"call_pk": pk, "keyword": w} for w in picked]
            customers.append({"id": pk, "customer_number_hash": f"h{rng.randrange(n // 3)}"})
        with sessions.begin() as session:
            session.execute(insert(CallReason.__table__), reasons)
            session.execute(insert(CallKeyword.__table__), words)
            session.execute(update(Call), customers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench = bench_web.seeded_app(Path(tmp) / "var", args.calls, args.surveys, seed_reasons)
        settings, engine, sessions, app = bench.settings, bench.engine, bench.sessions, bench.app
        print(f"seeded {args.calls} calls with reasons and {args.surveys} survey responses "
              f"in {bench.seeded_s:.0f} s")  # fmt: skip
        from inspector.reports.dashboard import scorecard_items
        from inspector.reports.facts import FactsCache

        manager = app.test_client()
        manager.post("/login", data={"username": "manager", "password": "benchmark-pass"})
        end = (bench_web.START + timedelta(seconds=args.calls * 77)).date().isoformat()
        board = [
            ("api reasons (volume, trend)", "/manage/api/reasons"),
            ("api reason x satisfaction", "/manage/api/reason_satisfaction"),
            ("api reason x QA", "/manage/api/reason_qa"),
            ("api emerging issues (week)", "/manage/api/emerging"),
            ("api emerging issues (day)", "/manage/api/emerging?period=day"),
            ("api FCR (reason, agent, team)", "/manage/api/fcr"),
            ("api reasons, team + to", f"/manage/api/reasons?team=T3&to={end}"),
            ("export reason tables (XLSX)", "/manage/dashboard/export?format=xlsx"
             "&table=reasons&table=reason_trend&table=reason_satisfaction&table=reason_qa"
             "&table=emerging&table=fcr_reasons&table=fcr_agents&table=fcr_teams"),
        ]  # fmt: skip
        print(f"{'dashboard request':<34} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for name, url in board:
            firsts = []
            for _ in range(3):  # a server just started: nothing read yet
                app.extensions["inspector.dashboard"] = FactsCache(
                    sessions, settings.tz, scorecard_items(settings)
                )
                firsts.append(bench_web.timed(manager, url, 1)[0])
            p50, p95 = bench_web.timed(manager, url, args.requests)
            print(f"{name:<34} {statistics.median(firsts):>8.1f} {p50:>8.1f} {p95:>8.1f}")
        alerts = manager.get("/manage/api/emerging").get_json()["alerts"]
        print("emerging alerts:", [(a["kind"], a["key"], a["recent"], a["ratio"]) for a in alerts])
        qa = app.test_client()
        qa.post("/login", data={"username": "qa", "password": "benchmark-pass"})
        print(f"\n{'queue request':<34} {'p50 ms':>8} {'p95 ms':>8}")
        for name, url in [
            ("queue, reason filter", f"/?reason={RISING}"),
            ("queue, reason + team", "/?reason=complaint&team=T3"),
            ("call page", "/calls/1"),
        ]:
            p50, p95 = bench_web.timed(qa, url, args.requests)
            print(f"{name:<34} {p50:>8.1f} {p95:>8.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
