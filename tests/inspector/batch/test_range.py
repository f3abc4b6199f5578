"""parse_range: the queue's "到" names the last day shown (inclusive); reports and the CLI keep
"the day after the last" (exclusive)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
import pytest

from inspector.batch.manifest import parse_range
from inspector.cli.base import date_range
from tests.factories import make_settings

SH = ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SH)


@pytest.mark.parametrize(
    ("start", "end", "inclusive", "expected"),
    [
        # the queue: from=to=one day is that whole day
        ("2026-11-02", "2026-11-02", True, (at(2026, 11, 2), at(2026, 11, 3))),
        ("2026/11/02", "2026/11/02", True, (at(2026, 11, 2), at(2026, 11, 3))),
        ("2026-11-30", "2026-12-31", True, (at(2026, 11, 30), at(2027, 1, 1))),
        ("2028-02-28", "2028-02-28", True, (at(2028, 2, 28), at(2028, 2, 29))),
        # a time of day is taken as written, inclusive or not
        (None, "2026-11-02T12:30", True, (None, at(2026, 11, 2, 12, 30))),
        ("", "", True, (None, None)),
        # reports and the CLI: `to` is the day after the last
        ("2026-11-02", "2026-11-02", False, (at(2026, 11, 2), at(2026, 11, 2))),
        ("2026-11-01", "2026-11-03", False, (at(2026, 11, 1), at(2026, 11, 3))),
        (
            None,
            "2026-11-02T12:30+00:00",
            False,
            (None, datetime.fromisoformat("2026-11-02T12:30+00:00")),
        ),
    ],
)
def test_parse_range(start, end, inclusive, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_range(start, end, SH, inclusive_end=inclusive) == expected


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "9999-12-31"])
def test_bad_bounds_are_refused_either_way(bad: str) -> None:
    for inclusive in (False, True):
        with pytest.raises(ValueError):
            parse_range(None, bad, SH, inclusive_end=inclusive)


def test_the_other_callers_keep_their_meaning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The CLI's --to ("Day after the last") and the manage pages call parse_range without
    inclusive_end: their end stays the midnight that starts the named day."""
    settings = make_settings(tmp_path)
    assert parse_range("2026-11-02", "2026-11-03", settings.tz) == (
        datetime(2026, 11, 2, tzinfo=settings.tz),
        datetime(2026, 11, 3, tzinfo=settings.tz),
    )
    assert date_range(settings, None, "2026-11-03")[1] == datetime(2026, 11, 3, tzinfo=settings.tz)
    with pytest.raises(click.BadParameter):
        date_range(settings, "soon", None)
