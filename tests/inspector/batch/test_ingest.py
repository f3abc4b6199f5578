from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inspector.batch.ingest import hash_customer_number, ingest
from inspector.settings import Settings
from inspector.store.models import Call, Job, JobStatus
from tests.factories import make_wav


def _calls(sessions: sessionmaker[Session]) -> list[Call]:
    with sessions() as session:
        return list(session.scalars(select(Call).order_by(Call.call_id, Call.version)))


def _jobs(sessions: sessionmaker[Session]) -> dict[str, Job]:
    with sessions() as session:
        rows = session.execute(select(Call.call_id, Job).join(Job, Job.call_pk == Call.id)).all()
        return {f"{call_id}": job for call_id, job in rows}


def test_folder_ingest_is_idempotent(settings: Settings, sessions, tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    for i in range(3):
        make_wav(folder / f"c{i}.wav", seed=i)
    (folder / "README.md").write_text("notes")  # sidecar files are not recordings
    first = ingest(sessions, settings, folder)
    assert sorted(first.added) == ["c0", "c1", "c2"] and not first.errors
    second = ingest(sessions, settings, folder)
    assert second.added == [] and sorted(second.unchanged) == ["c0", "c1", "c2"]
    calls = _calls(sessions)
    assert len(calls) == 3
    c0 = calls[0]
    assert (c0.channels, c0.channel_layout, c0.sample_rate_hz) == (2, "stereo", 8000)
    assert abs(c0.duration_s - 2.0) < 0.01
    assert Path(c0.audio_path).is_relative_to(settings.audio_dir.resolve())
    assert all(j.status == JobStatus.QUEUED for j in _jobs(sessions).values())


def test_same_content_under_another_call_id_is_another_call(
    settings: Settings, sessions, tmp_path: Path
) -> None:
    make_wav(tmp_path / "a" / "x.wav", seed=5)
    make_wav(tmp_path / "b" / "renamed.wav", seed=5)
    assert ingest(sessions, settings, tmp_path / "a").added == ["x"]
    assert ingest(sessions, settings, tmp_path / "b").added == ["renamed"]
    calls = _calls(sessions)
    assert len(calls) == 2 and calls[0].audio_path == calls[1].audio_path  # bytes stored once


def test_changed_file_becomes_a_new_version(settings: Settings, sessions, tmp_path: Path) -> None:
    wav = make_wav(tmp_path / "rec" / "call.wav", seed=1, seconds=2)
    ingest(sessions, settings, tmp_path / "rec")
    make_wav(wav, seed=2, seconds=3)  # overwritten in place
    report = ingest(sessions, settings, tmp_path / "rec")
    assert report.new_versions == ["call"]
    v1, v2 = _calls(sessions)
    assert (v1.version, v1.is_current, v2.version, v2.is_current) == (1, False, 2, True)
    assert v1.audio_sha256 != v2.audio_sha256
    # the first version's audio survives the overwrite in the store
    assert Path(v1.audio_path).exists() and Path(v2.audio_path).exists()
    assert abs(v1.duration_s - 2.0) < 0.01 and abs(v2.duration_s - 3.0) < 0.01


def test_broken_files_fail_alone_with_a_reason(
    settings: Settings, sessions, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    make_wav(folder / "good.wav", seed=3)
    (folder / "empty.wav").write_bytes(b"")
    (folder / "text.wav").write_text("this is not audio")
    (folder / "doc.docx").write_bytes(b"PK\x03\x04")
    good = make_wav(tmp_path / "tmp.wav", seed=4, subtype="PCM_16").read_bytes()
    (folder / "truncated.wav").write_bytes(good[:40])  # header cut inside
    (folder / "cut_short.wav").write_bytes(good[: len(good) // 2])  # data cut: still usable
    report = ingest(sessions, settings, folder)
    assert sorted(report.added) == ["cut_short", "good"]
    assert sorted(report.failed) == ["doc", "empty", "text", "truncated"]
    cut = next(c for c in _calls(sessions) if c.call_id == "cut_short")
    assert cut.extra["audio_warning"].startswith("truncated: the header declares 2.0 s")
    jobs = _jobs(sessions)
    assert jobs["good"].status == JobStatus.QUEUED
    assert "empty file (0 bytes)" in jobs["empty"].error
    assert "text.wav" in jobs["text"].error and "not a readable audio file" in jobs["text"].error
    assert "unsupported file type '.docx'" in jobs["doc"].error
    assert "truncated.wav" in jobs["truncated"].error
    assert all(jobs[k].status == JobStatus.FAILED for k in ("empty", "text", "doc", "truncated"))


def test_csv_manifest_maps_metadata_and_reports_bad_rows(
    settings: Settings, sessions, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    make_wav(folder / "a.wav", seed=10)
    make_wav(folder / "b.wav", seed=11)
    make_wav(folder / "c.wav", seed=12)
    (folder / "manifest.csv").write_text(
        "file,call_id,agent_id,agent_name,team,queue,direction,start_time,customer_number,vip\n"
        "a.wav,CALL-A,A001,王芳,T1,billing,inbound,2026-11-02 09:15:00,138 0013 8000,yes\n"
        "b.wav,CALL-B,A002,李雷,T2,broadband,outbound,yesterday,13900000000,\n"
        "missing.wav,CALL-M,A003,,T1,billing,inbound,2026-11-02 10:00:00,,\n"
        "c.wav,CALL-C,A003,,T1,billing,sideways,2026-11-02 10:00:00,,\n",
        encoding="utf-8",
    )
    report = ingest(sessions, settings, folder / "manifest.csv")
    assert report.added == ["CALL-A"]
    assert len(report.errors) == 3
    assert any("row 3: field 'started_at'" in e for e in report.errors)
    assert any("row 4: field 'file'" in e and "missing.wav" in e for e in report.errors)
    assert any("row 5: field 'direction'" in e for e in report.errors)
    (call,) = _calls(sessions)
    assert (call.agent_id, call.agent_name, call.team, call.skill_queue) == (
        "A001",
        "王芳",
        "T1",
        "billing",
    )
    assert call.started_at.isoformat() == "2026-11-02T01:15:00+00:00"  # Asia/Shanghai -> UTC
    assert call.customer_number_hash == hash_customer_number("13800138000", "test-salt")
    assert call.extra == {"vip": "yes"}
    # the number itself is stored nowhere
    assert "13800138000" not in json.dumps(call.extra) and "138 0013" not in str(call.__dict__)


def test_jsonl_manifest(settings: Settings, sessions, tmp_path: Path) -> None:
    make_wav(tmp_path / "x.wav", seed=20, channels=1)
    lines = [
        json.dumps({"file": "x.wav", "call_id": "J1", "agent_id": "A9", "agent_channel": "right"}),
        "{not json",
    ]
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n")
    report = ingest(sessions, settings, tmp_path / "m.jsonl")
    assert report.added == ["J1"]
    assert report.errors and "line 2: invalid JSON" in report.errors[0]
    (call,) = _calls(sessions)
    assert call.channel_layout == "mono" and call.extra["agent_channel"] == "right"


def test_hash_is_salted_and_normalised() -> None:
    assert hash_customer_number("+86 138-0013-8000", "s") == hash_customer_number(
        "13800138000", "s"
    )
    assert hash_customer_number("13800138000", "s") != hash_customer_number("13800138000", "t")


def test_missing_path_is_an_error_not_a_crash(settings: Settings, sessions, tmp_path: Path) -> None:
    report = ingest(sessions, settings, tmp_path / "nope")
    assert report.errors == [f"{tmp_path / 'nope'}: no such file or folder"]
