"""Ingest recordings: checksum, probe, copy into the audio store, queue a job per call."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from asr import audio
from core.errors import AudioDecodeError, ManifestError
from inspector.batch.manifest import MANIFEST_SUFFIXES, ManifestRow, read_manifest
from inspector.settings import Settings
from inspector.store.models import Call, Job, JobStatus

log = logging.getLogger(__name__)

# Files a recordings folder commonly holds beside the audio; never taken for recordings.
SIDECAR_SUFFIXES = {".json", ".csv", ".jsonl", ".md", ".txt", ".yaml", ".yml", ".toml", ".xlsx"}


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.new_versions)} new versions, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed to decode, "
            f"{len(self.errors)} errors"
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_customer_number(number: str, salt: str) -> str:
    """Salted hash of a phone number's digits; the number itself is never stored."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return hmac.new(salt.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _store_audio(settings: Settings, source: Path, sha: str) -> Path:
    """Copy into a content-addressed store so a later change to the source loses nothing."""
    if not settings.copy_audio:
        return source.resolve()
    target = settings.audio_dir / sha[:2] / f"{sha}{source.suffix.lower()}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(source, partial)
        partial.replace(target)
    return target.resolve()


def _apply_metadata(call: Call, row: ManifestRow | None, settings: Settings) -> None:
    if row is None:
        return
    for name in ("agent_id", "agent_name", "team", "skill_queue", "direction", "started_at"):
        value = getattr(row, name)
        if value is not None:
            setattr(call, name, value)
    if row.customer_number:
        call.customer_number_hash = hash_customer_number(
            row.customer_number, settings.customer_hash_salt
        )
    elif row.customer_number_hash:
        call.customer_number_hash = row.customer_number_hash.lower()
    extra = dict(row.extra)
    if row.agent_channel:
        extra["agent_channel"] = row.agent_channel
    call.extra = extra


def safe_text(value: str | Path) -> str:
    """A file name as text that any database and any HTTP header can hold: bytes that are not
    UTF-8 (a name from another system's encoding) become \\xNN, control characters \\uNNNN."""
    raw = os.fsencode(value).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in raw)


def ingest_file(
    session: Session, settings: Settings, path: Path, call_id: str, row: ManifestRow | None = None
) -> tuple[str, Call | None]:
    """Ingest one file in the caller's transaction; returns (outcome, call).

    The same bytes under the same call id are unchanged; under another call id they are another
    call (the audio store keeps the bytes once)."""
    call_id = safe_text(call_id)
    sha = sha256_file(path)
    existing = session.scalar(
        select(Call)
        .where(Call.call_id == call_id, Call.audio_sha256 == sha, Call.is_current.is_(True))
        .limit(1)
    )
    if existing is not None:
        return "unchanged", existing
    previous = session.scalar(select(func.max(Call.version)).where(Call.call_id == call_id))
    call = Call(
        call_id=call_id,
        version=(previous or 0) + 1,
        is_current=True,
        source_path=safe_text(path.resolve()),
        audio_sha256=sha,
        file_size=path.stat().st_size,
        extra={},
    )
    _apply_metadata(call, row, settings)
    job = Job(status=JobStatus.QUEUED, attempts=0)
    suffix = path.suffix.lower()
    try:
        if suffix not in settings.audio_extensions:
            raise AudioDecodeError(path, f"unsupported file type {suffix or '(none)'!r}")
        info = audio.probe(path)
    except AudioDecodeError as exc:
        job.status, job.stage, job.error = JobStatus.FAILED, "decode", str(exc)
        call.audio_path = None
    else:
        call.audio_format = f"{info.format}/{info.subtype}"
        call.sample_rate_hz = info.sample_rate_hz
        call.channels = info.channels
        call.channel_layout = {1: "mono", 2: "stereo"}.get(info.channels, "multi")
        call.duration_s = round(info.duration_s, 3)
        call.audio_path = str(_store_audio(settings, path, sha))
        if info.warning:
            call.extra = {**call.extra, "audio_warning": info.warning}
            log.warning("%s: %s", path, info.warning)
    if previous:
        for old in session.scalars(select(Call).where(Call.call_id == call_id)):
            old.is_current = False
    call.job = job
    session.add(call)
    session.flush()
    if job.status == JobStatus.FAILED:
        return "failed", call
    return ("new_version" if previous else "added"), call


def _record(report: IngestReport, outcome: str, name: str) -> None:
    {
        "added": report.added,
        "new_version": report.new_versions,
        "unchanged": report.unchanged,
        "failed": report.failed,
    }[outcome].append(name)


def _scan_folder(root: Path, settings: Settings) -> Iterable[tuple[Path, str]]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in SIDECAR_SUFFIXES:
            continue
        yield path, rel.with_suffix("").as_posix()


def ingest(
    session_factory: sessionmaker[Session], settings: Settings, target: Path
) -> IngestReport:
    """Ingest a folder, a manifest (.csv/.jsonl) or one recording; one bad file stops nothing."""
    target = Path(target)
    report = IngestReport()
    items: list[tuple[Path, str, ManifestRow | None]] = []
    if not target.exists():
        report.errors.append(f"{target}: no such file or folder")
        return report
    if target.is_dir():
        items = [(path, call_id, None) for path, call_id in _scan_folder(target, settings)]
    elif target.suffix.lower() in MANIFEST_SUFFIXES:
        rows: dict[str, list[int]] = {}
        for entry in read_manifest(target, settings.tz):
            if isinstance(entry, ManifestError):
                report.errors.append(str(entry))
                continue
            if not entry.file.is_file():
                report.errors.append(
                    f"{target}: row {entry.row}: field 'file': {entry.file} not found"
                )
                continue
            call_id = entry.call_id or entry.file.stem
            rows.setdefault(call_id, []).append(entry.row)
            items.append((entry.file, call_id, entry))
        # a call id twice in one manifest: which row is right is the sender's to say
        repeated = {cid: found for cid, found in rows.items() if len(found) > 1}
        for cid, found in repeated.items():
            listed = ", ".join(str(r) for r in found)
            report.errors.append(
                f"{target}: rows {listed}: field 'call_id': {cid!r} is repeated; none ingested"
            )
        items = [item for item in items if item[1] not in repeated]
    else:
        items = [(target, target.stem, None)]
    for path, call_id, row in items:
        shown = safe_text(path)
        try:
            with session_factory.begin() as session:
                outcome, call = ingest_file(session, settings, path, call_id, row)
                stored_id = call.call_id if call is not None else safe_text(call_id)
        except OSError as exc:
            report.errors.append(f"{shown}: cannot read: {exc.strerror or exc}")
            continue
        except Exception as exc:  # the batch boundary: one file never stops the folder
            log.exception("ingest %s", shown)
            report.errors.append(f"{shown}: not ingested: {type(exc).__name__}: {exc}")
            continue
        _record(report, outcome, stored_id)
        log.debug("ingest %s: %s", outcome, shown)
    return report
