"""The default scorecard agrees with every labelled fixture transcript, item by item."""

from __future__ import annotations

import json

import pytest

from scoring import evaluate, load_scorecard
from scoring.engine import zeroes
from scoring.io import parse_line
from scoring.metrics import measure
from scoring.sentiment import shared_model
from tests.factories import REPO

LINES = (REPO / "fixtures" / "transcripts" / "labelled.jsonl").read_text("utf-8").splitlines()
CARD = load_scorecard("telecom_hotline")


def test_the_labelled_set_covers_every_item_both_ways() -> None:
    assert len(LINES) >= 30
    seen: dict[str, set[str]] = {}
    for line in LINES:
        for item, status in json.loads(line)["expected"]["items"].items():
            seen.setdefault(item, set()).add(status)
    assert {i.id for i in CARD.items} == set(seen)
    assert all({"passed", "failed"} <= s for s in seen.values())


@pytest.mark.parametrize("line", LINES, ids=lambda line: json.loads(line)["call_id"])
def test_engine_agrees_with_labels(line: str) -> None:
    parsed = parse_line(line, "labelled.jsonl")
    expected = json.loads(line)["expected"]
    transcript = shared_model().annotate(parsed.transcript)  # the real sentiment stage
    result = evaluate(transcript, measure(transcript, parsed.duration_s), CARD, parsed.metadata)
    got = {i.id: str(i.status) for i in result.items}
    assert got == expected["items"]
    # low_asr_confidence is about recognition; ground-truth text has none to lose
    assert {f.id for f in result.flags} == set(expected["flags"]) - {"low_asr_confidence"}
    for item in result.items:
        if item.status == "failed" and item.id not in (
            "greeting",
            "agent_id_stated",
            "further_help",
            "survey_invitation",
            "closing",
        ):
            assert item.evidence, f"{item.id} failed without evidence"
    fatal = any(zeroes(i) for i in result.items)
    assert result.fatal == fatal and (result.score == 0.0) == fatal
