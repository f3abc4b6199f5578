from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory, upgrade
from tests.factories import make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.database)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()
