"""One review UI per test module for the security tests: the web tests' processed calls and
users, some with hostile metadata (formula payloads) and one unreadable recording.

Built once per module (processing the calls takes seconds); each sign-in comes from its own
address so the sign-in rate limit (10 a minute per address) never trips.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory, upgrade
from tests.factories import fixture_subset, make_settings
from tests.web.conftest import CALLS, PASSWORD, serve_calls

#: what a spreadsheet would run: the probes of issue 18 item 10
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "@SUM(1)", "-2+3", "=1+2", "\t=1+2")
#: manifest fields made hostile, per call (the calls keep their agent ids except where named)
HOSTILE = {
    "c21_score_solicitation": {
        "agent_name": FORMULAS[0],
        "team": FORMULAS[1],
        "queue": FORMULAS[2],
    },
    "c26_angry_ends_worse": {"agent_id": FORMULAS[3], "team": FORMULAS[4], "queue": FORMULAS[5]},
}
#: an unreadable recording: its failure reason names a server path
BROKEN = "broken_upload.wav"
_addresses = itertools.count(1)


@dataclass(frozen=True)
class Served:
    app: Flask
    sessions: sessionmaker[Session]
    settings: Settings
    recordings: Path


def _hostile_manifest(rec: Path) -> None:
    path = rec / "manifest.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for row in rows:
        row.update(HOSTILE.get(row["call_id"], {}))
    rows.append(dict.fromkeys(fields, "") | {"file": BROKEN, "call_id": "broken_upload"})
    (rec / BROKEN).write_bytes(b"this is not audio")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    tmp = tmp_path_factory.mktemp("security")
    settings = make_settings(tmp)
    engine = make_engine(settings.database)
    upgrade(engine)
    sessions = make_session_factory(engine)
    rec = fixture_subset(tmp / "rec", CALLS)
    _hostile_manifest(rec)
    app = serve_calls(settings, sessions, rec)
    yield Served(app, sessions, settings, rec)
    engine.dispose()


def fresh_address() -> dict[str, str]:
    """A client address of its own (the sign-in limit counts per address)."""
    n = next(_addresses)
    return {"REMOTE_ADDR": f"10.18.{n // 250}.{n % 250 + 1}"}


def sign_in(client, username: str, next_url: str | None = None, password: str = PASSWORD):
    path = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(
        path, data={"username": username, "password": password}, environ_base=fresh_address()
    )


@pytest.fixture(scope="module")
def as_role(served: Served):
    """A signed-in test client per role, made once per module."""
    clients = {}

    def get(username: str):
        if username not in clients:
            client = served.app.test_client()
            assert sign_in(client, username).status_code == 302
            clients[username] = client
        return clients[username]

    return get


def pk_of(served: Served, call_id: str) -> int:
    from sqlalchemy import select

    from inspector.store.models import Call

    with served.sessions() as session:
        return session.scalar(select(Call.id).where(Call.call_id == call_id))
