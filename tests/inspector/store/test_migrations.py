from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from inspector.store.database import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    make_session_factory,
    upgrade,
)
from inspector.store.models import Base, Call, CallFlag


def test_empty_database_migrates_to_head_matching_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    upgrade(engine)  # idempotent
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    from alembic import command

    from inspector.store.database import alembic_config

    url = f"sqlite:///{tmp_path / 'd.db'}"
    engine = make_engine(url)
    upgrade(engine)
    command.downgrade(alembic_config(url), "base")
    assert "calls" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "calls" in inspect(engine).get_table_names()
    engine.dispose()


def test_flag_confidence_and_basis_are_added_empty_and_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    engine = make_engine(url)
    upgrade(engine, "0013")
    with engine.begin() as conn:
        pk = conn.execute(
            Call.__table__.insert().values(call_id="c", source_path="/c.wav", audio_sha256="0")
        ).inserted_primary_key[0]
        conn.execute(
            text("INSERT INTO call_flags (call_pk, flag, evidence) VALUES (:pk, :flag, '[]')"),
            {"pk": pk, "flag": "churn_risk"},
        )
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        # a flag stored before: not known, never a made-up certainty
        [old] = session.scalars(select(CallFlag)).all()
        assert (old.flag, old.confidence, old.basis) == ("churn_risk", None, None)
        session.add(CallFlag(call_pk=pk, flag="complaint_risk", confidence=0.86, basis="intent"))
    with sessions() as session:
        stored = {f.flag: (f.confidence, f.basis) for f in session.scalars(select(CallFlag))}
    assert stored == {"churn_risk": (None, None), "complaint_risk": (0.86, "intent")}
    command.downgrade(alembic_config(url), "0013")
    columns = {c["name"] for c in inspect(engine).get_columns("call_flags")}
    assert "confidence" not in columns and "basis" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM call_flags")).scalar() == 2
    engine.dispose()
