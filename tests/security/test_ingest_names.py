"""Ingest: hostile file names are stored safely and reported, identical audio under another call
id is another call, and a call id repeated in one manifest is an error naming both rows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import select

from inspector.batch.ingest import ingest
from inspector.store.models import Call, Job, JobStatus
from tests.factories import make_wav


def _calls(sessions) -> dict[str, Call]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return {c.call_id: c for c in session.scalars(select(Call))}


def test_undecodable_and_control_character_names_never_stop_a_folder(
    settings, sessions, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    make_wav(folder / "a_first.wav", seed=1)
    latin1 = os.fsdecode(b"b_caf\xe9.wav")  # a name written under another encoding
    make_wav(folder / "b.wav", seed=2).rename(folder / latin1)
    make_wav(folder / "c_line\nbreak.wav", seed=3)
    make_wav(folder / "z_last.wav", seed=4)
    report = ingest(sessions, settings, folder)
    assert not report.errors and len(report.added) == 4
    calls = _calls(sessions)
    assert {"a_first", "b_caf\\xe9", "c_line\\u000abreak", "z_last"} == set(calls)
    for call in calls.values():
        call.call_id.encode("utf-8")  # storable and printable everywhere
        assert "\n" not in call.call_id and "\n" not in call.source_path


def test_identical_audio_under_another_call_id_is_another_call(
    settings, sessions, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    make_wav(folder / "one.wav", seed=7)
    shutil.copy(folder / "one.wav", folder / "two.wav")
    (folder / "empty_a.wav").write_bytes(b"")
    (folder / "empty_b.wav").write_bytes(b"")
    report = ingest(sessions, settings, folder)
    assert sorted(report.added) == ["one", "two"]
    assert sorted(report.failed) == ["empty_a", "empty_b"]
    calls = _calls(sessions)
    assert calls["one"].audio_path == calls["two"].audio_path  # the bytes are stored once
    again = ingest(sessions, settings, folder)
    assert sorted(again.unchanged) == ["empty_a", "empty_b", "one", "two"]
    with sessions() as session:
        statuses = dict(
            session.execute(
                select(Call.call_id, Job.status).join(Job, Job.call_pk == Call.id)
            ).all()
        )
    assert statuses["empty_a"] == statuses["empty_b"] == JobStatus.FAILED


def test_a_call_id_repeated_in_one_manifest_names_both_rows(
    settings, sessions, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    for name in ("x.wav", "y.wav", "z.wav"):
        make_wav(folder / name, seed=len(name) + ord(name[0]))
    manifest = folder / "manifest.csv"
    manifest.write_text("file,call_id\nx.wav,dup\ny.wav,dup\nz.wav,fine\n", encoding="utf-8")
    report = ingest(sessions, settings, manifest)
    assert report.added == ["fine"]
    assert any("rows 2, 3" in e and "'dup' is repeated" in e for e in report.errors)
    assert set(_calls(sessions)) == {"fine"}
