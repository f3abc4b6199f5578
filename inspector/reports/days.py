"""Reading numbers fast and counting days in the centre's time zone: the cursor scan behind the
satisfaction and dashboard facts, day numbers and the stretches of one UTC offset."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session


def scan_array(
    session: Session, sql: str, params: Sequence[Any], width: int, dtype: Any
) -> np.ndarray:
    """The rows of a numeric query as an (n, width) array, read through the driver's cursor
    inside the session's transaction: building a Row per result would cost more than the
    query over a million rows."""
    cursor = session.connection().connection.cursor()
    parts = []
    try:
        cursor.execute(sql, tuple(params)) if params else cursor.execute(sql)
        while batch := cursor.fetchmany(200_000):
            flat = itertools.chain.from_iterable(batch)
            parts.append(np.fromiter(flat, dtype=dtype, count=width * len(batch)))
    finally:
        cursor.close()
    if not parts:
        return np.zeros((0, width), dtype=dtype)
    return np.concatenate(parts).reshape(-1, width)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_date(day: int) -> date:
    """The date of a day number (days since 1970-01-01)."""
    return date.fromordinal(_EPOCH_ORDINAL + int(day))


def local_days(epoch: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Day numbers of UTC epoch seconds in the centre's time zone (daylight saving respected:
    each timestamp takes the offset of the stretch it falls in)."""
    if not len(epoch):
        return epoch.copy()
    first = datetime.fromtimestamp(int(epoch.min()), UTC)
    last = datetime.fromtimestamp(int(epoch.max()), UTC)
    stretches = constant_offsets(tz, first, last)
    bounds = np.array([int(hi.timestamp()) for _, hi, _ in stretches[:-1] if hi is not None])
    offsets = np.array([60 * off for _, _, off in stretches], dtype=np.int64)
    return (epoch + offsets[np.searchsorted(bounds, epoch, side="right")]) // 86400


def constant_offsets(
    tz: ZoneInfo, first: datetime, last: datetime
) -> list[tuple[datetime, datetime | None, int]]:
    """[lo, hi) stretches of the range over which `tz` keeps one UTC offset (minutes)."""

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds() // 60) if delta else 0

    stretches: list[tuple[datetime, datetime | None, int]] = []
    lo, current = first, offset(first)
    probe = first
    while probe < last:
        step = min(probe + timedelta(days=1), last)
        if offset(step) != current:
            a, b = probe, step  # the change lies in (a, b]: bisect to the second
            while (b - a) > timedelta(seconds=1):
                mid = a + (b - a) / 2
                a, b = (mid, b) if offset(mid) == current else (a, mid)
            stretches.append((lo, b, current))
            lo, current = b, offset(b)
        probe = step
    stretches.append((lo, None, current))
    stretches[0] = (datetime(1970, 1, 1, tzinfo=UTC), stretches[0][1], stretches[0][2])
    return stretches
