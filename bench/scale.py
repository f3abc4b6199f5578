"""Scale-out throughput: audio hours per wall hour with 1 and 2 Celery worker processes.

    source .ci/services            # PostgreSQL and Redis on loopback (or set the two URLs)
    python bench/scale.py [--calls 10] [--workers 1 2] [--engine faster-whisper]

Each run gets a fresh PostgreSQL database and Redis queue, ingests the first N bundled fixture
calls, starts the worker processes (each one process, ASR threads = cores / workers), sends the
calls and waits until all are done. "busy" runs from the first call claimed to the last one
finished (model loading excluded); "total" from sending to the last one finished.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402

from inspector.batch.ingest import ingest  # noqa: E402
from inspector.batch.tasks import dispatch, make_celery, sender  # noqa: E402
from inspector.settings import load_settings  # noqa: E402
from inspector.store.database import make_engine, make_session_factory, upgrade  # noqa: E402
from inspector.store.models import Call, Job  # noqa: E402

FIXTURES = REPO / "fixtures" / "calls"


def copy_recordings(root: Path, n: int) -> Path:
    """The first n fixture calls (c01, c02 ...) with their manifest, copied to root/rec."""
    rec = root / "rec"
    rec.mkdir()
    lines = (FIXTURES / "manifest.csv").read_text("utf-8").splitlines()
    chosen = [x for x in lines[1:] if x.startswith("c")][:n]
    (rec / "manifest.csv").write_text("\n".join([lines[0], *chosen]) + "\n", encoding="utf-8")
    for line in chosen:
        name = line.split(",")[0]
        for file in (name, name.rsplit(".", 1)[0] + ".json"):  # the recording, its transcript
            shutil.copy(FIXTURES / file, rec / file)
    return rec


def run(root: Path, calls: int, workers: int, asr_engine: str) -> dict[str, float]:
    import psycopg
    import redis

    admin = os.environ["SCALE_DATABASE_URL"]
    name = f"inspector_bench_{uuid.uuid4().hex[:8]}"
    plain = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database = admin.rsplit("/", 1)[0] + f"/{name}"
    broker = os.environ["SCALE_BROKER_URL"].rsplit("/", 1)[0] + "/9"
    redis.Redis.from_url(broker).flushdb()
    rec = copy_recordings(root, calls)
    threads = max((os.cpu_count() or 1) // workers, 1)
    env = dict(os.environ) | {
        "INSPECTOR_DATA_DIR": str(root / "var"),
        "INSPECTOR_DATABASE_URL": database,
        "INSPECTOR_BROKER_URL": broker,
        "INSPECTOR_ENGINE": "celery",
        "INSPECTOR_ASR_ENGINE": asr_engine,
        "INSPECTOR_FIXTURE_DIR": str(rec),
        "INSPECTOR_ASR_CPU_THREADS": str(threads),
        "INSPECTOR_SECRET_KEY": "bench",
        "INSPECTOR_CUSTOMER_HASH_SALT": "bench",
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    settings = load_settings(None, env)
    engine = make_engine(settings.database)
    upgrade(engine)
    sessions = make_session_factory(engine)
    ingest(sessions, settings, rec / "manifest.csv")
    with sessions() as session:
        audio_s = session.scalar(select(func.sum(Call.duration_s))) or 0.0
    inspector = Path(sys.executable).parent / "inspector"
    procs = []
    for k in range(workers):
        with (root / f"w{k}.log").open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [str(inspector), "worker", "--concurrency", "1", "--name", f"w{k}@bench"],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        t0 = time.perf_counter()
        dispatch(sessions, settings, sender(make_celery(settings)))
        while True:
            with sessions() as session:
                left = session.scalar(
                    select(func.count()).where(Job.status.in_(("queued", "running")))
                )
            if not left:
                break
            time.sleep(0.5)
        total_s = time.perf_counter() - t0
        with sessions() as session:
            first, last, done = session.execute(
                select(func.min(Job.started_at), func.max(Job.finished_at), func.count()).where(
                    Job.status == "done"
                )
            ).one()
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=60)
        engine.dispose()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    busy_s = (last - first).total_seconds()
    return {
        "calls": done,
        "audio_s": audio_s,
        "busy_s": busy_s,
        "total_s": total_s,
        "per_busy_h": audio_s / busy_s,
        "per_total_h": audio_s / total_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--engine", default="faster-whisper", help="asr_engine setting")
    args = parser.parse_args()
    if not (os.environ.get("SCALE_DATABASE_URL") and os.environ.get("SCALE_BROKER_URL")):
        sys.exit("set SCALE_DATABASE_URL and SCALE_BROKER_URL (source .ci/services)")
    print(
        f"{'workers':>7} {'calls':>5} {'audio min':>9} {'busy s':>7} {'total s':>7} "
        f"{'audio h / busy h':>16} {'audio h / wall h':>16}"
    )
    for n in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(Path(tmp), args.calls, n, args.engine)
        print(
            f"{n:>7} {r['calls']:>5} {r['audio_s'] / 60:>9.1f} {r['busy_s']:>7.1f} "
            f"{r['total_s']:>7.1f} {r['per_busy_h']:>16.2f} {r['per_total_h']:>16.2f}"
        )


if __name__ == "__main__":
    main()
