"""The independent development set of call reasons: complete, labelled with taxonomy codes,
and sharing no sentence with the training bank (models learn from data the set was not
written from)."""

from __future__ import annotations

import json
import re

from scoring.matching import normalize
from scoring.reasons.bank import load_bank
from scoring.reasons.taxonomy import load_taxonomy
from tests.factories import REPO

DEV = REPO / "fixtures" / "reasons" / "dev.jsonl"
TAXONOMY = load_taxonomy()


def _records() -> list[dict]:
    return [json.loads(x) for x in DEV.read_text("utf-8").splitlines() if x.strip()]


def _sentences(text: str) -> set[str]:
    return {n for part in re.split(r"[。！？!?；;，,…\s]", text) if len(n := normalize(part)) >= 6}


def test_the_dev_set_is_complete_and_labelled_with_taxonomy_codes() -> None:
    records = _records()
    assert len(records) == 130
    assert len({r["call_id"] for r in records}) == 130
    for r in records:
        reasons = r["expected"]["reasons"]
        assert reasons and set(reasons) <= set(TAXONOMY.codes), r["call_id"]
        has_complaint = TAXONOMY.complaint_reason in reasons
        cls = r["expected"].get("complaint_class")
        assert (cls in TAXONOMY.complaint_classes) if has_complaint else not cls, r["call_id"]
    covered = {c for r in records for c in r["expected"]["reasons"]}
    assert covered == set(TAXONOMY.codes)


def test_the_bank_and_the_dev_set_share_no_sentence() -> None:
    bank = set().union(*(_sentences(s.text) for s in load_bank(TAXONOMY)))
    for r in _records():
        for seg in r["segments"]:
            shared = _sentences(seg["text"]) & bank
            assert not shared, f"{r['call_id']}: {shared}"
