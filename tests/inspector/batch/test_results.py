"""Writing a processed call's flags: each with the confidence and basis the engine gave it;
real SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector.batch.jobs import CallInfo
from inspector.batch.pipeline import CallWork
from inspector.batch.results import NO_SPEECH, write_results
from inspector.store.models import Call, CallFlag, Job
from scoring.types import CallResult, Evidence, Flag

LEADER = Evidence(3.5, 6.0, "customer", "我要找你们领导。", "我要找你们领导")


def stored_call(sessions, result: CallResult, call_id: str = "c1") -> int:  # type: ignore[no-untyped-def]
    """A call whose results are `result`, written as the worker writes them; its pk."""
    with sessions.begin() as session:
        call = Call(call_id=call_id, source_path=f"/rec/{call_id}.wav", audio_sha256="0" * 64)
        session.add(call)
        session.flush()
        session.add(Job(call_pk=call.id, status="done"))
        info = CallInfo(call.id, call_id, 1, None, call.audio_sha256, 2, 8000, 20.0, None)
        write_results(session, CallWork(info, result=result))
        return call.id


def scored(*flags: Flag) -> CallResult:
    return CallResult("telecom_hotline", "1", 90.0, False, False, flags=flags)


@pytest.mark.parametrize(
    ("flag", "confidence", "basis"),
    [
        (Flag("complaint_risk", (LEADER,), 0.863, ("intent",)), 0.863, "intent"),
        (Flag("customer_anger", (LEADER,), 1.0, ("regex",)), 1.0, "regex"),
        (Flag("ticket_mismatch", (LEADER,), 0.7, ("intent", "metadata")), 0.7, "intent,metadata"),
        # a flag that does not say (another scorer's): not known, stored as nothing
        (Flag("churn_risk", (LEADER,)), None, None),
    ],
)
def test_each_flag_is_stored_with_its_confidence_and_basis(
    sessions, flag: Flag, confidence: float | None, basis: str | None
) -> None:  # type: ignore[no-untyped-def]
    pk = stored_call(sessions, scored(flag))
    with sessions() as session:
        [row] = session.scalars(select(CallFlag).where(CallFlag.call_pk == pk)).all()
    assert (row.flag, row.confidence, row.basis) == (flag.id, confidence, basis)
    assert row.evidence[0]["text"] == LEADER.text


def test_a_call_without_speech_is_flagged_by_measurement(sessions) -> None:  # type: ignore[no-untyped-def]
    silent = CallResult("telecom_hotline", "1", 0.0, False, False, no_speech=True)
    pk = stored_call(sessions, silent)
    with sessions() as session:
        [row] = session.scalars(select(CallFlag).where(CallFlag.call_pk == pk)).all()
    assert (row.flag, row.confidence, row.basis) == (NO_SPEECH, 1.0, "metric")
