"""Every command and the web UI on PostgreSQL (INSPECTOR_DATABASE_URL=postgresql+psycopg://...):
migrations, ingest, the local workers, status, exports, survey import and reports, the
dashboard's fact scans and the review queue."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from inspector.accounts import add_user
from inspector.cli import main
from tests.factories import REPO
from tests.scale.test_celery import CALLS, postgres_url, pytestmark, recordings  # noqa: F401


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_commands_and_ui_on_postgresql(tmp_path: Path, recordings: Path, postgres_url: str):  # noqa: F811
    env = {
        "INSPECTOR_DATA_DIR": str(tmp_path / "var"),
        "INSPECTOR_DATABASE_URL": postgres_url,
        "INSPECTOR_ASR_ENGINE": "fixture",
        "INSPECTOR_FIXTURE_DIR": str(recordings),
        "INSPECTOR_LOG_LEVEL": "WARNING",
    }
    assert "database at head" in _run(env, "init")
    added = len(CALLS) - 1
    assert f"{added} added" in _run(env, "ingest", str(recordings / "manifest.csv"))
    assert f"processed {added} calls" in _run(env, "work", "--burst", "--workers", "2")
    status = _run(env, "status")
    assert f"done: {added}" in status and "failed: 1" in status, status
    assert f"last 10 min: {added} calls finished" in status

    out = tmp_path / "calls.jsonl"
    _run(env, "export", "--format", "jsonl", "--out", str(out))
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sum(1 for r in records if r["result"]) == added

    surveys = REPO / "fixtures/surveys/sms_10point.csv"
    assert "imported" in _run(env, "surveys", "import", str(surveys), "--profile", "sms_10point")
    table = tmp_path / "sat.csv"
    _run(
        env,
        "surveys",
        "export",
        "--by",
        "agent",
        "--period",
        "all",
        "--format",
        "csv",
        "--out",
        str(table),
    )
    rows = list(csv.reader(io.StringIO(table.read_text("utf-8-sig"))))
    assert rows[0][1] == "分组" and len(rows) > 1
    _run(env, "surveys", "insights", "--format", "xlsx", "--out", str(tmp_path / "ins.xlsx"))
    board = tmp_path / "board.xlsx"
    _run(env, "report", "dashboard", "--period", "all", "--out", str(board))
    agents = list(load_workbook(board)["坐席排名"].iter_rows(values_only=True))
    calls = agents[0].index("通话数")
    assert sum(r[calls] for r in agents[1:]) == added
    assert "queued again" in _run(env, "retry", "--include-done")

    # the web UI on the same database: queue, call page, dashboard endpoints
    from inspector.settings import load_settings
    from inspector.store.database import make_engine, make_session_factory
    from web import create_app

    settings = load_settings(
        None, env | {"INSPECTOR_SECRET_KEY": "k", "INSPECTOR_CUSTOMER_HASH_SALT": "s"}
    )
    engine = make_engine(settings.database)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        add_user(session, "boss", "admin", "correct horse 1")
    app = create_app(settings, sessions)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": "correct horse 1"})
    assert client.get("/?survey=dissatisfied").status_code == 200
    assert client.get("/calls/1").status_code == 200
    assert client.get("/manage/api/qa?period=all").get_json()["calls"] == added
    sat = client.get("/manage/api/satisfaction?period=all").get_json()
    assert sat["overall"]["invitations"] > 0
    assert client.get("/manage/api/correlation?period=all").status_code == 200
    engine.dispose()
