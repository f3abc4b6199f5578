"""Survey import and index speed: import N responses from CSV, then compute every index by
agent x week over M stored responses.

    python bench/surveys.py [--import-rows 100000] [--stored 1000000]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from inspector.reports.satisfaction import report  # noqa: E402
from inspector.settings import load_settings  # noqa: E402
from inspector.store.database import make_engine, make_session_factory, upgrade  # noqa: E402
from inspector.store.models import Call, SurveyResponse  # noqa: E402
from inspector.surveys.imports import import_surveys  # noqa: E402

START = datetime(2026, 9, 1, tzinfo=UTC)


def _calls(sessions, n: int) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {
            "call_id": f"C{i}",
            "version": 1,
            "is_current": True,
            "agent_id": f"A{i % 200:03d}",
            "team": f"T{i % 20}",
            "skill_queue": f"Q{i % 5}",
            "source_path": "-",
            "audio_sha256": f"{i:064d}",
            "file_size": 0,
            "extra": {},
            "customer_number_hash": f"h{i % (n // 2)}",
            "duration_s": 120.0,
            "started_at": START + timedelta(minutes=i),
            "ingested_at": START,
        }
        for i in range(n)
    ]
    with sessions.begin() as session:
        session.execute(insert(Call), rows)


def _csv(path: Path, n: int, calls: int) -> None:
    rng = random.Random(0)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["survey_id", "call_id", "customer_hash", "invited_at", "answered_at", "key"])
        for i in range(n):
            c = rng.randrange(calls)
            sent = START + timedelta(minutes=c, seconds=150)
            by_id = rng.random() < 0.8
            answered = rng.random() < 0.6
            w.writerow(
                [
                    f"S{i}",
                    f"C{c}" if by_id else "",
                    f"h{c % (calls // 2)}",
                    sent.isoformat(),
                    (sent + timedelta(minutes=2)).isoformat() if answered else "",
                    rng.choice("1112223") if answered else "",
                ]
            )


def _stored(sessions, n: int, calls: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    batch = []
    for i in range(n):
        c = rng.randrange(calls)
        answered = rng.random() < 0.6
        level = rng.choice(["satisfied", "satisfied", "basic", "dissatisfied"])
        batch.append(
            {
                "response_key": f"bulk:{i}",
                "call_pk": c + 1,
                "join_method": "call_id",
                "sent_at": START + timedelta(minutes=c),
                "responded": answered,
                "scale": "ivr3",
                "score": {"satisfied": 1.0, "basic": 2.0, "dissatisfied": 3.0}[level]
                if answered
                else None,
                "level": level if answered else None,
                "dimensions": {},
                "imported_at": START,
            }
        )
        if len(batch) == 50000:
            with sessions.begin() as session:
                session.execute(insert(SurveyResponse), batch)
            batch = []
    if batch:
        with sessions.begin() as session:
            session.execute(insert(SurveyResponse), batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = load_settings(
            None,
            {},
            data_dir=root / "var",
            secret_key="b",
            customer_hash_salt="b",
            log_level="WARNING",
        )
        engine = make_engine(settings.database)
        upgrade(engine)
        sessions = make_session_factory(engine)
        _calls(sessions, args.calls)
        _csv(root / "surveys.csv", args.import_rows, args.calls)
        t0 = time.perf_counter()
        result = import_surveys(sessions, settings, root / "surveys.csv", "ivr_3level")
        import_s = time.perf_counter() - t0
        assert result.imported == args.import_rows, result.summary()
        _stored(sessions, args.stored - args.import_rows, args.calls)
        with sessions() as session:
            t0 = time.perf_counter()
            table = report(session, settings, "agent", "week")
            index_s = time.perf_counter() - t0
        engine.dispose()
    print(f"{'what':<38} {'rows':>9} {'seconds':>8} {'rows/s':>9}")
    print(
        f"{'import CSV (dedupe + join)':<38} {args.import_rows:>9} {import_s:>8.2f} "
        f"{args.import_rows / import_s:>9.0f}"
    )
    print(
        f"{'all indices by agent x week':<38} {args.stored:>9} {index_s:>8.2f} "
        f"{args.stored / index_s:>9.0f}"
    )
    print(f"({len(table)} agent-week groups; joins: {result.joined})")


if __name__ == "__main__":
    main()
