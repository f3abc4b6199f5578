"""Reviewers and managers over real HTTP against the production server, a batch worker beside.

    python bench/http_load.py [--calls 100000] [--surveys 1000000] [--duration 120] [--data DIR]

Seeds a SQLite database (bench/web.py's seeding: calls with QA results, flags and survey
responses; kept in --data DIR for reruns), starts `inspector serve` (gunicorn, sized from the
cores) on a free loopback port behind one simulated proxy (`proxy_hops = 1`: every user sends
its own X-Forwarded-For, as nginx would, so the per-address sign-in limit sees 20 addresses) and
`inspector work` with one worker process on the fixture calls. Then, for --duration seconds,
16 reviewers (qa) each open the queue with a filter, open a call page and submit a review, and
4 managers open the dashboard and its JSON endpoints; every user waits --think seconds (uniform)
between requests. Prints p50 / p95 / p99 and errors per request kind, the load average, and the
served app's memory per process.
"""

from __future__ import annotations

import sys
from pathlib import Path

# (named http_load, not http: a bench/http.py shadowed the standard library's http package for
# every script in bench/, since a script's folder comes first on the import path)
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.scale import copy_recordings  # noqa: E402
from bench.web import seed, seed_surveys  # noqa: E402
from inspector.accounts import add_user  # noqa: E402
from inspector.batch import jobs  # noqa: E402
from inspector.batch.ingest import ingest  # noqa: E402
from inspector.settings import load_settings  # noqa: E402
from inspector.store.database import analyze, make_engine, make_session_factory, upgrade  # noqa: E402
from inspector.store.models import Call  # noqa: E402

INSPECTOR = Path(sys.executable).parent / "inspector"
PASSWORD = "benchmark-pass"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QUEUES = [
    "/",
    "/?page={page}",
    "/?agent=A{agent:03d}",
    "/?item=empathy",
    "/?flag=complaint_risk",
    "/?score_max=80&survey=dissatisfied",
    "/?from=2026-08-{day:02d}&to=2026-08-{end:02d}&team=T{team}",
    "/?review=unreviewed&queue=Q{queue}",
]
DASHBOARD = {
    "qa": "/manage/api/qa",
    "items": "/manage/api/items",
    "satisfaction": "/manage/api/satisfaction?period={period}",
    "correlation": "/manage/api/correlation",
    "agents": "/manage/api/agents?team=T{team}",
    "teams": "/manage/api/teams",
    "flags": "/manage/api/flags",
}
REVIEW_ITEMS = ["greeting", "empathy", "closing", "further_help", "commitment"]


class Recorder:
    """Latencies (ms) and errors by request kind, from every user thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.on = False

    def request(self, http: requests.Session, kind: str, method: str, url: str, ok: int, **kw):
        t0 = time.perf_counter()
        try:
            response = http.request(method, url, timeout=60, allow_redirects=False, **kw)
            error = None if response.status_code == ok else f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            response, error = None, type(exc).__name__
        ms = (time.perf_counter() - t0) * 1000
        if self.on:
            with self.lock:
                self.ms[kind].append(ms)
                if error:
                    self.errors[kind].append(f"{url}: {error}")
        return response


def sign_in(rec: Recorder, base: str, username: str, address: str) -> requests.Session:
    http = requests.Session()
    http.headers["X-Forwarded-For"] = address  # the simulated proxy's header
    page = rec.request(http, "sign-in", "GET", f"{base}/login", 200)
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    signed = rec.request(http, "sign-in", "POST", f"{base}/login", 302, data=form)
    if signed is None or signed.status_code != 302:
        raise SystemExit(f"{username} could not sign in: {signed and signed.status_code}")
    return http


def reviewer(rec: Recorder, base: str, n: int, calls: int, stop: threading.Event, think):
    rng = random.Random(n)
    http = sign_in(rec, base, f"qa{n}", f"10.1.0.{n + 1}")
    while not stop.is_set():
        url = rng.choice(QUEUES).format(
            page=rng.randint(2, 500), agent=rng.randrange(300), day=rng.randint(1, 20),
            end=rng.randint(21, 28), team=rng.randrange(30), queue=rng.randrange(6),
        )  # fmt: skip
        rec.request(http, "queue", "GET", base + url, 200)
        time.sleep(think(rng))
        pk = rng.randint(1, calls)
        page = rec.request(http, "call page", "GET", f"{base}/calls/{pk}", 200)
        time.sleep(think(rng))
        found = CSRF.search(page.text) if page is not None else None
        if found:
            form = {"csrf_token": found.group(1), f"verdict:{rng.choice(REVIEW_ITEMS)}": "confirm"}
            rec.request(http, "review submit", "POST", f"{base}/calls/{pk}/review", 302, data=form)
            time.sleep(think(rng))


def manager(rec: Recorder, base: str, n: int, stop: threading.Event, think):
    rng = random.Random(100 + n)
    http = sign_in(rec, base, f"manager{n}", f"10.2.0.{n + 1}")
    while not stop.is_set():
        rec.request(http, "dashboard page", "GET", f"{base}/manage/dashboard", 200)
        for name, url in DASHBOARD.items():
            url = url.format(team=rng.randrange(30), period=rng.choice(["day", "week", "month"]))
            rec.request(http, f"dashboard api {name}", "GET", base + url, 200)
            if stop.is_set():
                break
        time.sleep(think(rng))


def prepare(data: Path, calls: int, surveys: int, batch_calls: int, users: dict[str, str]):
    """The seeded database (once per data dir) and the fixture calls queued for the worker."""
    settings = load_settings(None, {}, data_dir=data, secret_key="b", customer_hash_salt="b")
    engine = make_engine(settings.database)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        have = session.scalar(select(func.count(Call.id))) or 0
    if have < calls:
        t0 = time.perf_counter()
        seed(sessions, calls)
        seed_surveys(sessions, surveys, calls)
        with sessions.begin() as session:
            for username, role in users.items():
                add_user(session, username, role, PASSWORD)
        analyze(engine)
        print(f"seeded {calls} calls, {surveys} responses in {time.perf_counter() - t0:.0f} s")
    if batch_calls:
        (data / "fixture-src").mkdir(exist_ok=True)
        rec = copy_recordings(data / "fixture-src", batch_calls)
        report = ingest(sessions, settings, rec / "manifest.csv")
        with sessions.begin() as session:  # a rerun processes them again
            jobs.retry(session, [c for c in report.unchanged], include_done=True)
        shutil.rmtree(rec.parent)
    engine.dispose()


def memory(pid: int) -> list[tuple[int, float, float]]:
    """(pid, RSS MB, PSS MB) of a process and its children."""
    out = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        values = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) / 1024
        out.append((pid, values.get("Rss", 0.0), values.get("Pss", 0.0)))
    except OSError:
        return out
    for child in children:
        out += memory(int(child))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--reviewers", type=int, default=16)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds (<= 600)")
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    parser.add_argument("--batch-calls", type=int, default=32, help="fixture calls for the worker")
    parser.add_argument("--data", type=Path, default=None, help="keep the seeded data here")
    parser.add_argument("--serve-args", default="", help="extra `inspector serve` arguments")
    args = parser.parse_args()
    if not 0 < args.duration <= 600:
        parser.error("--duration must be between 0 and 600 seconds")
    tmp = None if args.data else tempfile.TemporaryDirectory()
    data = (args.data or Path(tmp.name)).resolve()  # type: ignore[union-attr]
    users = {f"qa{k}": "qa" for k in range(args.reviewers)}
    users |= {f"manager{k}": "manager" for k in range(args.managers)}
    prepare(data, args.calls, args.surveys, args.batch_calls, users)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ) | {
        "INSPECTOR_DATA_DIR": str(data),
        "INSPECTOR_SECRET_KEY": "b",
        "INSPECTOR_CUSTOMER_HASH_SALT": "b",
        "INSPECTOR_PROXY_HOPS": "1",
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{port}"
    logs = data / "logs"
    logs.mkdir(exist_ok=True)
    server = subprocess.Popen(
        [str(INSPECTOR), "serve", "--port", str(port), *args.serve_args.split()],
        env=env, stdout=(logs / "serve.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = None
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        if args.batch_calls:
            worker_env = env | {"INSPECTOR_WORKERS": "1", "INSPECTOR_ASR_CPU_THREADS": "1"}
            worker = subprocess.Popen(
                [str(INSPECTOR), "work", "--burst"], env=worker_env,
                stdout=(logs / "work.log").open("wb"), stderr=subprocess.STDOUT,
            )  # fmt: skip
        rec = Recorder()
        stop = threading.Event()
        lo, hi = args.think

        def think(rng: random.Random) -> float:
            return rng.uniform(lo, hi)

        threads = [
            threading.Thread(target=reviewer, args=(rec, base, k, args.calls, stop, think))
            for k in range(args.reviewers)
        ] + [
            threading.Thread(target=manager, args=(rec, base, k, stop, think))
            for k in range(args.managers)
        ]
        time.sleep(20)  # the workers' dashboard facts are read as the server starts
        for t in threads:
            t.start()
        time.sleep(10)  # everyone signed in and past their first page
        load0 = os.getloadavg()
        rec.on = True
        t0 = time.perf_counter()
        time.sleep(args.duration)
        rec.on = False
        elapsed = time.perf_counter() - t0
        load1 = os.getloadavg()
        mem = memory(server.pid)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        report(rec, elapsed, load0, load1, mem, worker)
    finally:
        for process in (worker, server):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
        if tmp is not None:
            tmp.cleanup()


def report(rec: Recorder, elapsed: float, load0, load1, mem, worker) -> None:  # type: ignore[no-untyped-def]
    total = sum(len(v) for v in rec.ms.values())
    print(
        f"{elapsed:.0f} s, {total} requests ({total / elapsed:.1f}/s); load average "
        f"{load0[0]:.2f} at the start, {load1[0]:.2f} at the end (1 min)"
    )
    if worker is not None:
        state = "still working" if worker.poll() is None else f"exited {worker.returncode}"
        print(f"batch worker beside: {state}")
    print(f"{'request':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind in sorted(rec.ms):
        ms = rec.ms[kind]
        print(
            f"{kind:<28} {len(ms):>6} {statistics.median(ms):>8.1f} {percentile(ms, 0.95):>8.1f} "
            f"{percentile(ms, 0.99):>8.1f} {len(rec.errors[kind]):>6}"
        )
    for kind, errors in rec.errors.items():
        for line in errors[:3]:
            print(f"  error {kind}: {line}")
    print("served app memory (MB): " + ", ".join(
        f"pid {pid} RSS {rss:.0f} PSS {pss:.0f}" for pid, rss, pss in mem
    ))  # fmt: skip
    print(f"total RSS {sum(m[1] for m in mem):.0f} MB, PSS {sum(m[2] for m in mem):.0f} MB")


if __name__ == "__main__":
    main()
