"""Manifests (CSV or JSONL) that map recording files to call metadata."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.errors import ManifestError

MANIFEST_SUFFIXES = (".csv", ".jsonl")

# Accepted column names for each field; anything else is kept in `extra`.
ALIASES: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "audio", "recording", "filename"),
    "call_id": ("call_id", "callid", "id"),
    "agent_id": ("agent_id", "agent", "staff_id"),
    "agent_name": ("agent_name",),
    "team": ("team", "group"),
    "skill_queue": ("skill_queue", "queue", "skill"),
    "direction": ("direction",),
    "started_at": ("started_at", "start_time", "start"),
    "customer_number": ("customer_number", "caller", "ani", "phone"),
    "customer_number_hash": ("customer_number_hash", "customer_hash"),
    "agent_channel": ("agent_channel",),
}
DIRECTIONS = {"inbound", "outbound"}
CHANNELS = {"left", "right", "auto"}


@dataclass(frozen=True)
class ManifestRow:
    row: int
    file: Path
    call_id: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    skill_queue: str | None = None
    direction: str | None = None
    started_at: datetime | None = None
    customer_number: str | None = None
    customer_number_hash: str | None = None
    agent_channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_timestamp(value: str, tz: ZoneInfo) -> datetime:
    """ISO 8601 (or 'YYYY-MM-DD HH:MM:SS'); naive times are in the centre's time zone."""
    parsed = datetime.fromisoformat(value.strip().replace("/", "-"))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


#: the years a report or filter bound may name: far enough inside datetime's 1-9999 that moving
#: it to UTC, to the centre's zone or to the start of its week or month cannot overflow
RANGE_YEARS = (1900, 2999)


def parse_range(
    start: str | None, end: str | None, tz: ZoneInfo, *, inclusive_end: bool = False
) -> tuple[datetime | None, datetime | None]:
    """A from/to pair of a report or filter (either may be empty) as [start, end); ValueError
    when malformed or outside RANGE_YEARS. With `inclusive_end` a bare date as `end` names the
    last day itself (a form's "到"), so the range ends at the next midnight; the CLI's `--to`
    is "the day after the last" and keeps the default."""
    last = _bound(end, tz)
    if inclusive_end and last is not None and _is_date(end or ""):
        last = datetime.combine(last.date() + timedelta(days=1), time(), tz)
    return _bound(start, tz), last


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        return False
    return True


def _bound(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    parsed = parse_timestamp(value, tz)
    first, last = RANGE_YEARS
    if not first <= parsed.year <= last:  # 9999-12-31T23:59:59-12:00 is in 10000 in UTC
        raise ValueError(f"{value!r} is outside the years {first}-{last}")
    return parsed


def _row(number: int, raw: Mapping[str, Any], base: Path, tz: ZoneInfo, where: str) -> ManifestRow:
    lowered = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
    values: dict[str, Any] = {}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            value = lowered.pop(alias, None)
            if value not in (None, "") and name not in values:
                values[name] = str(value).strip()
    if "file" not in values:
        raise ManifestError(f"{where}: row {number}: field 'file': missing")
    values["file"] = (base / values["file"]).resolve()
    if "started_at" in values:
        try:
            values["started_at"] = parse_timestamp(values["started_at"], tz)
        except ValueError as exc:
            raise ManifestError(
                f"{where}: row {number}: field 'started_at': {values['started_at']!r} "
                "is not a date-time (use ISO 8601, e.g. 2026-11-02T09:15:00+08:00)"
            ) from exc
    for name, allowed in (("direction", DIRECTIONS), ("agent_channel", CHANNELS)):
        if name in values:
            values[name] = values[name].lower()
            if values[name] not in allowed:
                raise ManifestError(
                    f"{where}: row {number}: field {name!r}: {values[name]!r} is not one of "
                    f"{', '.join(sorted(allowed))}"
                )
    extra = {k: v for k, v in lowered.items() if v not in (None, "")}
    return ManifestRow(row=number, extra=extra, **values)


def read_manifest(path: Path, tz: ZoneInfo) -> Iterator[ManifestRow | ManifestError]:
    """Yield each row parsed, or the error that names its row and field; never stop early."""
    path = Path(path)
    base = path.parent
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield ManifestError(f"{path}: cannot read manifest: {exc}")
        return
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise ValueError("a line must be a JSON object")
                yield _row(number, raw, base, tz, str(path))
            except ManifestError as exc:
                yield exc
            except ValueError as exc:
                yield ManifestError(f"{path}: line {number}: invalid JSON: {exc}")
        return
    reader = csv.DictReader(text.splitlines())
    # Row numbers count the header as row 1, as a spreadsheet shows them.
    for number, raw in enumerate(reader, start=2):
        try:
            yield _row(number, raw, base, tz, str(path))
        except ManifestError as exc:
            yield exc
