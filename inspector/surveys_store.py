"""Import survey files into the database: dedupe, join each response to its call, keep the rest."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inspector.models import Call, SurveyResponse
from inspector.settings import Settings
from surveys.parse import RowError, SurveyRecord, load_profile, parse_file


@dataclass
class SurveyImportReport:
    imported: int = 0
    duplicates: int = 0
    joined: dict[str, int] = field(
        default_factory=lambda: {"call_id": 0, "number_time": 0, "unmatched": 0}
    )
    errors: list[RowError] = field(default_factory=list)
    error_file: Path | None = None

    def summary(self) -> str:
        j = self.joined
        return (
            f"{self.imported} imported ({j['call_id']} by call id, {j['number_time']} by number "
            f"and time, {j['unmatched']} unmatched), {self.duplicates} already imported, "
            f"{len(self.errors)} bad rows"
        )


def _join(session: Session, record: SurveyRecord, window: timedelta) -> tuple[int | None, str]:
    if record.call_ref:
        pk = session.scalar(
            select(Call.id).where(Call.call_id == record.call_ref, Call.is_current.is_(True))
        )
        if pk is not None:
            return pk, "call_id"
    if record.customer_hash:
        # the nearest call that ended before the survey was sent, within the window
        candidates = session.execute(
            select(Call.id, Call.started_at, Call.duration_s).where(
                Call.customer_number_hash == record.customer_hash,
                Call.is_current.is_(True),
                Call.started_at.is_not(None),
                Call.started_at <= record.sent_at,
                Call.started_at >= record.sent_at - window - timedelta(hours=2),
            )
        ).all()
        best = None
        for pk, started, duration in candidates:
            ended = started + timedelta(seconds=duration or 0)
            in_window = ended <= record.sent_at and record.sent_at - ended <= window
            if in_window and (best is None or ended > best[1]):
                best = (pk, ended)
        if best is not None:
            return best[0], "number_time"
    return None, "unmatched"


def import_surveys(
    session_factory: sessionmaker[Session], settings: Settings, path: Path, profile_name: str
) -> SurveyImportReport:
    """Import one CSV/XLSX export; bad rows go to an error file, good rows are imported."""
    profile = load_profile(profile_name)
    report = SurveyImportReport()
    window = timedelta(hours=settings.survey_join_window_h)
    with session_factory.begin() as session:
        seen = set()
        for item in parse_file(Path(path), profile, settings.tz):
            if isinstance(item, RowError):
                report.errors.append(item)
                continue
            exists = session.scalar(
                select(SurveyResponse.id).where(SurveyResponse.response_key == item.response_key)
            )
            if exists is not None or item.response_key in seen:
                report.duplicates += 1
                continue
            seen.add(item.response_key)
            call_pk, method = _join(session, item, window)
            report.joined[method] += 1
            session.add(
                SurveyResponse(
                    response_key=item.response_key,
                    source_file=str(path),
                    source_row=item.row,
                    call_ref=item.call_ref,
                    call_pk=call_pk,
                    join_method=method,
                    customer_number_hash=item.customer_hash,
                    sent_at=item.sent_at,
                    answered_at=item.answered_at,
                    responded=item.responded,
                    scale=item.scale,
                    score=item.score,
                    level=str(item.level) if item.level else None,
                    nps=item.nps,
                    dimensions=dict(item.dimensions),
                    comment=item.comment,
                )
            )
            report.imported += 1
    if report.errors:
        report.error_file = _write_errors(settings, Path(path), report.errors)
    return report


def _write_errors(settings: Settings, source: Path, errors: list[RowError]) -> Path:
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    target = settings.exports_dir / f"{source.stem}.errors.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "row", "field", "reason"])
        writer.writerows([str(source), e.row, e.field, e.reason] for e in errors)
    return target
