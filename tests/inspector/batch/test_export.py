"""The per-call export carries each flag's confidence and basis: JSONL as stored, CSV in a
column of its own after the existing ones; real SQLite."""

from __future__ import annotations

import csv
import io
import json

from inspector.batch.export import write_export
from inspector.store.models import CallFlag
from scoring.types import Flag
from tests.inspector.batch.test_results import LEADER, scored, stored_call


def _export(sessions, fmt: str) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with sessions() as session:
        write_export(session, out, fmt)
    return out.getvalue()


def _flagged_call(sessions) -> None:  # type: ignore[no-untyped-def]
    raised = (
        Flag("complaint_risk", (LEADER,), 0.863, ("intent",)),
        Flag("customer_anger", (LEADER,), 1.0, ("exact", "regex")),
    )
    pk = stored_call(sessions, scored(*raised))
    with sessions.begin() as session:  # a flag stored before flags kept them
        session.add(CallFlag(call_pk=pk, flag="churn_risk", evidence=[]))


def test_the_json_export_gives_each_flags_confidence_and_basis(sessions) -> None:  # type: ignore[no-untyped-def]
    _flagged_call(sessions)
    [record] = [json.loads(line) for line in _export(sessions, "jsonl").splitlines()]
    flags = {f["id"]: (f["confidence"], f["basis"]) for f in record["result"]["flags"]}
    assert flags == {
        "complaint_risk": (0.863, ["intent"]),
        "customer_anger": (1.0, ["exact", "regex"]),
        "churn_risk": (None, []),
    }


def test_the_csv_keeps_its_columns_and_adds_the_flags_details(sessions) -> None:  # type: ignore[no-untyped-def]
    _flagged_call(sessions)
    reader = csv.DictReader(io.StringIO(_export(sessions, "csv")))
    [row] = list(reader)
    assert reader.fieldnames[-2:] == ["transcript", "flag_details"]
    # one cell per flag in the same order as the flags column; the id alone where not known
    assert row["flags"].split(";") == [d.split(" ")[0] for d in row["flag_details"].split(";")]
    assert sorted(row["flag_details"].split(";")) == [
        "churn_risk",
        "complaint_risk 0.86 intent",
        "customer_anger 1.00 exact,regex",
    ]
