"""The database's GROUP BY tallies give exactly the indices of the pure row-by-row path,
including local days across a daylight-saving change, dimensions and the composite index."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from core.errors import ConfigError
from inspector.reports.satisfaction import load_rows, load_tallies, record, report
from inspector.store.models import Call, SurveyResponse
from surveys.report import indices, indices_from_tallies

LEVEL = {1: "satisfied", 2: "basic", 3: "dissatisfied"}


@pytest.fixture
def stored(sessions) -> None:
    rng = random.Random(7)
    start = datetime(2026, 3, 20, tzinfo=UTC)  # Europe/Berlin moves to summer time on 29 March
    calls = [
        {
            "call_id": f"C{i}",
            "version": 1,
            "is_current": True,
            "agent_id": f"A{i % 4}",
            "team": f"T{i % 2}",
            "skill_queue": "billing",
            "source_path": "-",
            "audio_sha256": f"{i:064d}",
            "file_size": 0,
            "extra": {},
            "started_at": start,
            "ingested_at": start,
        }
        for i in range(12)
    ]
    rows = []
    for i in range(600):
        sent = start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        answered = rng.random() < 0.7
        scale = rng.choice(["ivr3", "ten_point"])
        score = (
            float(rng.randint(1, 3) if scale == "ivr3" else rng.randint(1, 10))
            if answered
            else None
        )
        level = None
        if score is not None:
            level = (
                LEVEL[int(score)]
                if scale == "ivr3"
                else "satisfied"
                if score >= 9
                else "basic"
                if score >= 7
                else "dissatisfied"
            )
        dims = {"speed": float(rng.randint(1, 5))} if answered and scale == "ten_point" else {}
        rows.append(
            {
                "response_key": f"k{i}",
                "call_pk": rng.randrange(1, 13) if rng.random() < 0.9 else None,
                "join_method": "call_id",
                "sent_at": sent,
                "responded": answered,
                "scale": scale,
                "score": score,
                "level": level,
                "nps": float(rng.randint(0, 10)) if answered and rng.random() < 0.5 else None,
                "dimensions": dims,
                "dimension_scales": {"speed": "csat5"} if dims else None,
                "imported_at": start,
            }
        )
    with sessions.begin() as session:
        session.execute(insert(Call), calls)
        session.execute(insert(SurveyResponse), rows)


@pytest.mark.parametrize("by", ["agent", "team", "queue", "overall"])
@pytest.mark.parametrize("period", ["day", "week", "all"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_sql_tallies_equal_the_pure_path(settings, sessions, stored, by, period, zone) -> None:
    settings = dataclasses.replace(settings, timezone=zone)
    with sessions() as session:
        pure = indices(load_rows(session), by=by, period=period, strict=False, tz=settings.tz)
        sql = indices_from_tallies(
            load_tallies(session, by, settings.tz), period=period, strict=False
        )
    assert len(sql) == len(pure)
    for a, b in zip(sql, pure, strict=True):
        assert record(a) == pytest.approx(record(b))
    assert sum(g.invitations for g in sql) == 600


def test_date_range_and_composite(settings, sessions, stored) -> None:
    since = datetime(2026, 3, 25, tzinfo=UTC)
    with sessions() as session:
        (whole,) = report(session, settings, "overall", "all", since, since + timedelta(days=3))
        rows = load_rows(session, since, since + timedelta(days=3))
    assert whole["invitations"] == len(rows)
    # default weights: the one dimension the surveys have
    speeds = [100 * (r.dimensions["speed"] - 1) / 4 for r in rows if r.dimensions]
    assert whole["composite"] == pytest.approx(sum(speeds) / len(speeds))


def test_configured_weights(settings, sessions, stored) -> None:
    weighted = dataclasses.replace(settings, survey_composite_weights=("overall=1", "speed=3"))
    with sessions() as session:
        (g,) = report(session, weighted, "overall", "all")
        (plain,) = report(
            session,
            dataclasses.replace(settings, survey_composite_weights=("overall=1",)),
            "overall",
            "all",
        )
        (speed,) = report(session, settings, "overall", "all")
    assert g["composite"] == pytest.approx((plain["composite"] + 3 * speed["composite"]) / 4)
    with pytest.raises(ConfigError, match="'speed'"):
        _ = dataclasses.replace(settings, survey_composite_weights=("speed",)).composite_weights
