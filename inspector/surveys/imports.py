"""Import survey files into the database: dedupe, join each response to its call, keep the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.cells import csv_writer
from inspector.settings import Settings
from inspector.store.models import Call, SurveyResponse, utcnow
from surveys.columns import detect_profile
from surveys.parse import RowError, SurveyRecord, load_profile, parse_file
from surveys.reading import read_table


@dataclass
class SurveyImportReport:
    imported: int = 0
    duplicates: int = 0
    joined: dict[str, int] = field(
        default_factory=lambda: {"call_id": 0, "number_time": 0, "unmatched": 0}
    )
    errors: list[RowError] = field(default_factory=list)
    error_file: Path | None = None
    #: how the file was read (utf-8, utf-8-sig, gb18030, xlsx) and, for a file imported
    #: without a profile, which column each field was taken from
    encoding: str = ""
    mapping: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        j = self.joined
        return (
            f"{self.imported} imported ({j['call_id']} by call id, {j['number_time']} by number "
            f"and time, {j['unmatched']} unmatched), {self.duplicates} already imported, "
            f"{len(self.errors)} bad rows"
        )


CHUNK = 5000


@dataclass
class _Calls:
    """The calls a chunk of survey rows may join: by call id, and by customer hash."""

    by_id: dict[str, int]
    by_hash: dict[str, list[tuple[int, datetime]]]

    @classmethod
    def load(cls, session: Session, records: list[SurveyRecord]) -> _Calls:
        refs = {r.call_ref for r in records if r.call_ref}
        by_id = (
            dict(
                session.connection()  # Core, not ORM: no per-row ORM loading
                .execute(
                    select(Call.call_id, Call.id).where(
                        Call.call_id.in_(refs), Call.is_current.is_(True)
                    )
                )
                .all()
            )
            if refs
            else {}
        )
        # only rows that no call id joins need the customer's calls
        hashes = {r.customer_hash for r in records if r.customer_hash and r.call_ref not in by_id}
        by_hash: dict[str, list[tuple[int, datetime]]] = {}
        if hashes:
            rows = session.connection().execute(
                select(Call.customer_number_hash, Call.id, Call.started_at, Call.duration_s).where(
                    Call.customer_number_hash.in_(hashes),
                    Call.is_current.is_(True),
                    Call.started_at.is_not(None),
                )
            )
            for number_hash, pk, started, duration in rows:
                ended = started + timedelta(seconds=duration or 0)
                by_hash.setdefault(number_hash, []).append((pk, ended))
        return cls(by_id, by_hash)

    def join(self, record: SurveyRecord, window: timedelta) -> tuple[int | None, str]:
        if record.call_ref and record.call_ref in self.by_id:
            return self.by_id[record.call_ref], "call_id"
        # the nearest call that ended before the survey was sent, within the window
        best = None
        for pk, ended in self.by_hash.get(record.customer_hash or "", []):
            in_window = ended <= record.sent_at and record.sent_at - ended <= window
            if in_window and (best is None or ended > best[1]):
                best = (pk, ended)
        return (best[0], "number_time") if best else (None, "unmatched")


def _row(record: SurveyRecord, path: Path, call_pk: int | None, method: str) -> dict[str, Any]:
    return {
        "response_key": record.response_key,
        "source_file": str(path),
        "source_row": record.row,
        "call_ref": record.call_ref,
        "call_pk": call_pk,
        "join_method": method,
        "customer_number_hash": record.customer_hash,
        "sent_at": record.sent_at,
        "answered_at": record.answered_at,
        "responded": record.responded,
        "scale": record.scale,
        "score": record.score,
        "level": str(record.level) if record.level else None,
        "nps": record.nps,
        "dimensions": dict(record.dimensions),
        "dimension_scales": dict(record.dimension_scales) or None,
        "comment": record.comment,
        "imported_at": utcnow(),
    }


def _flush(
    session: Session,
    chunk: list[SurveyRecord],
    path: Path,
    window: timedelta,
    report: SurveyImportReport,
    seen: set[str],
) -> None:
    keys = [r.response_key for r in chunk]
    existing = set(
        session.connection()
        .execute(select(SurveyResponse.response_key).where(SurveyResponse.response_key.in_(keys)))
        .scalars()
    )
    fresh = []
    for record in chunk:
        if record.response_key in existing or record.response_key in seen:
            report.duplicates += 1
        else:
            seen.add(record.response_key)
            fresh.append(record)
    calls = _Calls.load(session, fresh)
    rows = []
    for record in fresh:
        call_pk, method = calls.join(record, window)
        report.joined[method] += 1
        rows.append(_row(record, path, call_pk, method))
    if rows:
        _insert(session, rows)
    report.imported += len(rows)


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany for the chunk.

    The ORM's bulk insert splits a batch wherever the pattern of empty values changes, and
    SQLAlchemy's per-row bind processing costs more than SQLite's insert itself, so on SQLite
    the values are written in SQLAlchemy's own storage format (UTC 'YYYY-MM-DD HH:MM:SS.ffffff',
    JSON text) straight to the driver; other databases use a Core executemany.
    """
    table = SurveyResponse.__table__
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    values = [list(r.values()) for r in rows]
    for index, column in enumerate(columns):
        convert = _SQLITE_CONVERTERS.get(column)
        if convert is not None:
            for v in values:
                if v[index] is not None:
                    v[index] = convert(v[index])
    cursor = connection.connection.cursor()  # the driver's, inside the session's transaction
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_json(value: Any) -> str:
    return json.dumps(value) if value else "{}"


_SQLITE_CONVERTERS = {
    "sent_at": _sqlite_time,
    "answered_at": _sqlite_time,
    "imported_at": _sqlite_time,
    "dimensions": _sqlite_json,
    "dimension_scales": _sqlite_json,
    "responded": int,
}


def import_surveys(
    session_factory: sessionmaker[Session],
    settings: Settings,
    path: Path,
    profile_name: str | None = "auto",
) -> SurveyImportReport:
    """Import one CSV/XLSX export; bad rows go to an error file, good rows are imported.

    Rows are deduplicated on their response id (or a hash of the row when the export has no
    id), so re-importing a file or an overlapping export imports nothing twice. The file is
    imported in one transaction: a crash leaves nothing half-imported.
    """
    table = read_table(Path(path))
    report = SurveyImportReport(encoding=table.encoding)
    if profile_name in (None, "", "auto"):
        profile, report.mapping = detect_profile(
            table.header, (row for _, row in table.rows), str(path)
        )
    else:
        profile = load_profile(profile_name)
    window = timedelta(hours=settings.survey_join_window_h)
    seen: set[str] = set()
    with session_factory.begin() as session:
        chunk: list[SurveyRecord] = []
        for item in parse_file(Path(path), profile, settings.tz, table.rows):
            if isinstance(item, RowError):
                report.errors.append(item)
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK:
                _flush(session, chunk, Path(path), window, report, seen)
                chunk = []
        _flush(session, chunk, Path(path), window, report, seen)
    if report.errors:
        report.error_file = _write_errors(settings, Path(path), report.errors)
    return report


def _write_errors(settings: Settings, source: Path, errors: list[RowError]) -> Path:
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    target = settings.exports_dir / f"{source.stem}.errors.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh)  # the file and reasons quote hostile input
        writer.writerow(["file", "row", "field", "reason"])
        writer.writerows([str(source), e.row, e.field, e.reason] for e in errors)
    return target


def analyse_comments(session_factory: sessionmaker[Session], batch: int = 256) -> int:
    """Give every comment not yet analysed its sentiment and reason; returns how many.

    Runs after the import's transaction, in committed batches: a crash loses no imported row
    and a rerun picks up where it stopped.
    """
    from surveys.comments import analyse

    done = 0
    while True:
        with session_factory.begin() as session:
            rows = session.execute(
                select(SurveyResponse.id, SurveyResponse.comment)
                .where(SurveyResponse.comment.is_not(None), SurveyResponse.comment != "")
                .where(SurveyResponse.comment_category.is_(None))
                .order_by(SurveyResponse.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            results = analyse([r.comment for r in rows])
            session.execute(
                update(SurveyResponse),
                [
                    {"id": r.id, "comment_sentiment": a.sentiment, "comment_category": a.category}
                    for r, a in zip(rows, results, strict=True)
                ],
            )
            done += len(rows)
