"""A review UI over real processed fixture calls, with one user per role."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from inspector.accounts import add_user
from inspector.batch.ingest import ingest
from inspector.batch.worker import run_worker
from inspector.surveys.imports import import_surveys
from tests.factories import REPO, fixture_subset
from web import create_app

#: A1001's calls (c01, c17), A1003's solicitation call (c21), a privacy leak (c22) and A1005's
#: angry call with three failed items, one fatal (c26: the newest fatal call, top of the queue)
CALLS = (
    "c01_compliant_billing",
    "c17_empathy_after_anger",
    "c21_score_solicitation",
    "c22_privacy_leak",
    "c26_angry_ends_worse",
)
PASSWORD = "correct horse 1"
ROLES = {
    "admin": ("admin", None),
    "lead": ("qa_lead", None),
    "qa": ("qa", None),
    "trainer": ("trainer", None),
    "manager": ("manager", None),
    "agent": ("agent", "A1001"),
    "other_agent": ("agent", "A1003"),
    "agent5": ("agent", "A1005"),
}


def serve_calls(settings, sessions, rec: Path):  # type: ignore[no-untyped-def]
    """The review UI over the fixture calls in `rec` (processed by the fixture engine), their
    SMS surveys and one user per role."""
    ingest(sessions, settings, rec / "manifest.csv")
    run_worker(dataclasses.replace(settings, asr_engine="fixture", fixture_dir=rec), burst=True)
    import_surveys(sessions, settings, REPO / "fixtures/surveys/sms_10point.csv", "sms_10point")
    with sessions.begin() as session:
        for username, (role, agent_id) in ROLES.items():
            add_user(session, username, role, PASSWORD, agent_id=agent_id)
    app = create_app(settings, sessions)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return app


@pytest.fixture
def app(settings, sessions, tmp_path: Path):
    return serve_calls(settings, sessions, fixture_subset(tmp_path / "rec", CALLS))


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_role(app):
    def make(username: str):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client

    return make


def call_pk(client, call_id: str) -> int:
    body = client.get("/?sort=newest").get_data(as_text=True)
    return int(re.search(rf'href="/calls/(\d+)">{call_id}<', body).group(1))
