"""The dashboard's call facts are read again when calls change, but each server process reads
them at most every `min_refresh_s` (a read of 100,000 calls costs about a core-second, and
reviews change the stamp every few seconds)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import insert

from inspector.reports.facts import FactsCache
from inspector.store.models import Call, utcnow


def _add_call(sessions, n: int) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    row = {
        "call_id": f"c{n}", "version": 1, "is_current": True, "source_path": "-",
        "audio_sha256": f"{n:064d}", "file_size": 0, "extra": {}, "ingested_at": now,
    }  # fmt: skip
    with sessions.begin() as session:
        session.execute(insert(Call.__table__), [row])


def test_a_change_is_read_no_sooner_than_the_interval(sessions) -> None:
    now = [0.0]
    cache = FactsCache(sessions, ZoneInfo("UTC"), min_refresh_s=60.0, clock=lambda: now[0])
    with sessions() as session:
        first = cache.get(session, with_surveys=False)
    assert first.refreshing is False

    _add_call(sessions, 1)
    now[0] = 10.0  # changed, but read 10 s ago: the old facts answer and say a read is due
    with sessions() as session:
        stale = cache.get(session, with_surveys=False)
    cache.wait()
    with sessions() as session:
        still = cache.get(session, with_surveys=False)
    assert stale.refreshing is True and still.refreshing is True
    assert still.as_of == first.as_of

    now[0] = 61.0  # the interval is over: the next request starts the read
    with sessions() as session:
        cache.get(session, with_surveys=False)
    cache.wait()
    with sessions() as session:
        fresh = cache.get(session, with_surveys=False)
    assert fresh.refreshing is False and fresh.as_of > first.as_of


def test_without_an_interval_every_change_is_read(sessions) -> None:
    cache = FactsCache(sessions, ZoneInfo("UTC"))
    with sessions() as session:
        first = cache.get(session, with_surveys=False)
    _add_call(sessions, 2)
    with sessions() as session:
        assert cache.get(session, with_surveys=False).refreshing is True
    cache.wait()
    with sessions() as session:
        fresh = cache.get(session, with_surveys=False)
    assert fresh.refreshing is False and fresh.as_of > first.as_of


def test_with_an_interval_the_stamps_are_checked_at_most_every_two_seconds(sessions) -> None:
    now = [0.0]
    cache = FactsCache(sessions, ZoneInfo("UTC"), min_refresh_s=15.0, clock=lambda: now[0])
    with sessions() as session:
        cache.get(session, with_surveys=False)
    _add_call(sessions, 3)
    now[0] = 1.0  # checked a second ago: the change is not looked for yet
    with sessions() as session:
        assert cache.get(session, with_surveys=False).refreshing is False
    now[0] = 2.5
    with sessions() as session:
        assert cache.get(session, with_surveys=False).refreshing is True
