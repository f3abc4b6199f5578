"""The pipeline with the real default engine: transcripts land in the database by role."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from sqlalchemy import select

from asr.engines import faster
from inspector.batch.ingest import ingest
from inspector.batch.worker import run_worker
from inspector.store.models import Call, Job, JobStatus, TranscriptSegment
from tests.factories import FIXTURE_CALLS

pytestmark = pytest.mark.slow


def test_worker_transcribes_with_one_model_load(settings, sessions, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "rec"
    folder.mkdir()
    for name in ("c05_wei_greeting.wav", "c06_no_script.wav", "edge_silence.wav"):
        shutil.copy(FIXTURE_CALLS / name, folder / name)
    assert len(ingest(sessions, settings, folder).added) == 3
    loads = []
    original = faster.FasterWhisperEngine.__init__

    def counting_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(faster.FasterWhisperEngine, "__init__", counting_init)
    stats = run_worker(
        dataclasses.replace(
            settings, asr_engine="faster-whisper", asr_device="cpu", asr_cpu_threads=2
        ),
        burst=True,
    )
    assert stats.done == 3 and len(loads) == 1
    with sessions() as session:
        assert set(session.scalars(select(Job.status))) == {JobStatus.DONE}
        rows = session.execute(
            select(Call.call_id, TranscriptSegment.role, TranscriptSegment.text)
            .join(TranscriptSegment, TranscriptSegment.call_pk == Call.id)
            .order_by(Call.call_id, TranscriptSegment.start_s)
        ).all()
    by_call: dict[str, list[tuple[str, str]]] = {}
    for call_id, role, text in rows:
        by_call.setdefault(call_id, []).append((role, text))
    assert "edge_silence" not in by_call  # silence: no invented words
    with sessions() as session:
        silent = session.scalar(select(Call).where(Call.call_id == "edge_silence"))
        # nothing to judge: flagged, no QA result, so no QA statistic counts it
        assert [f.flag for f in silent.flags] == ["no_speech"] and not silent.score_results
        spoken = session.scalar(select(Call).where(Call.call_id == "c06_no_script"))
        assert spoken.score_results and "no_speech" not in {f.flag for f in spoken.flags}
    assert by_call["c05_wei_greeting"][0][0] == "agent"
    assert "营业厅" in "".join(t for r, t in by_call["c05_wei_greeting"] if r == "customer")
    assert {r for r, _ in by_call["c06_no_script"]} == {"agent", "customer"}
