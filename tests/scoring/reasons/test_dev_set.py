"""The sets of labelled calls: train (the call model's and the mined sentences' source), dev (for
development) and holdout (scored only for reports): complete, labelled with taxonomy codes; the
measuring sets share no sentence with the training bank, and the training calls share no customer
sentence with either measuring set (models learn from data the sets were not written from)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoring.matching import normalize
from scoring.reasons.bank import load_bank
from scoring.reasons.taxonomy import load_taxonomy
from tests.factories import REPO

SETS = {"dev.jsonl": 130, "holdout.jsonl": 80}
#: four blind writers' 530 calls less the 80 that shared a customer sentence with dev or holdout
TRAIN = {"train.jsonl": 450}
TAXONOMY = load_taxonomy()
each_set = pytest.mark.parametrize(("name", "size"), list(SETS.items()))


def _records(name: str) -> list[dict]:
    path: Path = REPO / "fixtures" / "reasons" / name
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _sentences(text: str) -> set[str]:
    return {n for part in re.split(r"[。！？!?；;，,…\s]", text) if len(n := normalize(part)) >= 6}


@pytest.mark.parametrize(("name", "size"), list({**SETS, **TRAIN}.items()))
def test_the_set_is_complete_and_labelled_with_taxonomy_codes(name: str, size: int) -> None:
    records = _records(name)
    assert len(records) == size
    assert len({r["call_id"] for r in records}) == size
    for r in records:
        reasons = r["expected"]["reasons"]
        assert reasons and set(reasons) <= set(TAXONOMY.codes), r["call_id"]
        has_complaint = TAXONOMY.complaint_reason in reasons
        cls = r["expected"].get("complaint_class")
        assert (cls in TAXONOMY.complaint_classes) if has_complaint else not cls, r["call_id"]
    covered = {c for r in records for c in r["expected"]["reasons"]}
    assert covered == set(TAXONOMY.codes)


@each_set
def test_the_bank_and_the_set_share_no_sentence(name: str, size: int) -> None:
    bank = set().union(*(_sentences(s.text) for s in load_bank(TAXONOMY)))
    for r in _records(name):
        for seg in r["segments"]:
            shared = _sentences(seg["text"]) & bank
            assert not shared, f"{r['call_id']}: {shared}"


def _customer_sentences(name: str) -> dict[str, str]:
    """Each customer sentence of a set with the first call that says it."""
    out: dict[str, str] = {}
    for r in _records(name):
        for seg in r["segments"]:
            if seg["role"] == "customer":
                for sentence in _sentences(seg["text"]):
                    out.setdefault(sentence, r["call_id"])
    return out


@each_set
def test_the_training_calls_share_no_customer_sentence_with_the_set(name: str, size: int) -> None:
    train = _customer_sentences("train.jsonl")
    shared = {s: (train[s], c) for s, c in _customer_sentences(name).items() if s in train}
    assert not shared


def test_the_training_calls_have_no_duplicate_line() -> None:
    path: Path = REPO / "fixtures" / "reasons" / "train.jsonl"
    lines = [x for x in path.read_text("utf-8").splitlines() if x.strip()]
    assert len(set(lines)) == len(lines)
