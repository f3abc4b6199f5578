"""The demo data behind a real server, for the browser walks and the accessibility checks: the
bundled recordings of `./run.sh demo` (fixtures/calls, its manifest with agent names, teams and
queues) processed by the fixture engine (their ground-truth transcripts instead of Whisper, so a
module builds in seconds rather than minutes), both survey exports imported and analysed, QA and
survey disagreements flagged, and one user per role (tests/web/conftest.py's ROLES).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from inspector.accounts import add_user
from inspector.batch.ingest import ingest
from inspector.batch.worker import run_worker
from inspector.cli.surveys import refresh_mismatches
from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory, upgrade
from inspector.store.models import Call
from inspector.surveys.imports import analyse_comments, import_surveys
from tests.factories import FIXTURE_CALLS, REPO, make_settings
from tests.web.conftest import PASSWORD, ROLES
from web import create_app

#: the browser's window sizes the UI must work at
VIEWPORTS = {
    "1366x768": {"width": 1366, "height": 768},
    "1920x1080": {"width": 1920, "height": 1080},
}


@dataclass(frozen=True)
class DemoSite:
    url: str
    app: Flask
    sessions: sessionmaker[Session]
    settings: Settings


def build_demo(tmp_path: Path) -> tuple[Flask, sessionmaker[Session], Settings]:
    """The demo's calls, surveys and users in a fresh SQLite database under tmp_path."""
    settings = make_settings(tmp_path, asr_engine="fixture", fixture_dir=FIXTURE_CALLS)
    engine = make_engine(settings.database)
    upgrade(engine)
    sessions = make_session_factory(engine)
    ingest(sessions, settings, FIXTURE_CALLS / "manifest.csv")
    run_worker(settings, burst=True)
    for profile in ("ivr_3level", "sms_10point"):
        import_surveys(
            sessions, settings, REPO / "fixtures" / "surveys" / f"{profile}.csv", profile
        )
    analyse_comments(sessions)
    refresh_mismatches(settings)
    with sessions.begin() as session:
        for username, (role, agent_id) in ROLES.items():
            add_user(session, username, role, PASSWORD, agent_id=agent_id)
    app = create_app(settings, sessions)
    app.config.update(TESTING=True)  # CSRF stays on: the browser goes through it like a user
    return app, sessions, settings


def serve_demo(tmp_path: Path) -> Iterator[DemoSite]:
    app, sessions, settings = build_demo(tmp_path)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield DemoSite(f"http://127.0.0.1:{httpd.server_port}", app, sessions, settings)
    finally:
        httpd.shutdown()


def open_as(chromium, url: str, username: str, **context: object):  # type: ignore[no-untyped-def]
    """A new browser page at 1366x768, signed in as `username` (tests/web/conftest.py's users)."""
    from tests.e2e.test_browser import log_in

    page = chromium.new_context(viewport=VIEWPORTS["1366x768"], **context).new_page()
    return log_in(page, url, username)


def top_call(sessions: sessionmaker[Session]) -> int:
    """The first call of the review queue (fatal first, newest first)."""
    with sessions() as session:
        return session.scalar(
            select(Call.id).where(Call.is_current).order_by(Call.queue_priority, Call.id.desc())
        )
