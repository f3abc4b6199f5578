from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from inspector.settings import Settings
from inspector.store.database import make_engine, make_session_factory, upgrade
from tests.factories import make_settings


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    """The UI catalogue compiled as `./run.sh setup` does (a .po edited since is picked up)."""
    from web.i18n import compile_catalogues

    compile_catalogues()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.database)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()
