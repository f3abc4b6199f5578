"""Review and appeal rules, table-tested."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoring.review import (
    ItemState,
    ManualItem,
    ReviewError,
    Verdict,
    apply_verdicts,
    check_can_appeal,
    check_can_decide,
    final_score,
    validate_manual,
)

ITEMS = [
    ItemState("greeting", "failed", 5, 5),
    ItemState("closing", "passed", 0, 3),
    ItemState("forbidden", "passed", 0, 100, fatal=True),
    ItemState("hold", "not_applicable", 0, 5),
]


def test_verdicts_flip_items_and_the_score_follows() -> None:
    assert final_score(ITEMS) == 95
    after = apply_verdicts(ITEMS, {"greeting": Verdict.OVERTURN, "closing": Verdict.OVERTURN})
    assert [i.status for i in after[:2]] == ["passed", "failed"]
    assert final_score(after) == 97  # -3 for closing, greeting restored
    assert final_score(after, [ManualItem("态度生硬", 10)]) == 87
    fatal = apply_verdicts(ITEMS, {"forbidden": Verdict.OVERTURN})
    assert final_score(fatal) == 0
    assert apply_verdicts(ITEMS, {"greeting": Verdict.CONFIRM}) == ITEMS
    assert final_score(ITEMS, [ManualItem("x", 100)]) == 0  # never below zero


@pytest.mark.parametrize(
    ("verdicts", "message"),
    [
        ({"hold": Verdict.OVERTURN}, "did not apply"),
        ({"nope": Verdict.CONFIRM}, "no such item"),
    ],
)
def test_bad_verdicts(verdicts, message) -> None:
    with pytest.raises(ReviewError, match=message):
        apply_verdicts(ITEMS, verdicts)


@pytest.mark.parametrize(
    ("manual", "message"),
    [
        ([ManualItem("", 5)], "title"),
        ([ManualItem("x", 0)], "between"),
        ([ManualItem("x", 101)], "between"),
    ],
)
def test_bad_manual_items(manual, message) -> None:
    with pytest.raises(ReviewError, match=message):
        validate_manual(manual)


NOW = datetime(2026, 11, 10, tzinfo=UTC)
OK = dict(
    locked=False,
    open_items=set(),
    item_id="greeting",
    item_status="failed",
    published_at=NOW - timedelta(days=1),
    now=NOW,
    window=timedelta(days=7),
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"locked": True}, "final judgement"),
        ({"item_status": None}, "no such item"),
        ({"item_status": "passed"}, "not failed"),
        ({"open_items": {"greeting"}}, "already has an open appeal"),
        ({"published_at": NOW - timedelta(days=8)}, "window"),
    ],
)
def test_appeal_rules(change, message) -> None:
    check_can_appeal(**OK)
    with pytest.raises(ReviewError, match=message):
        check_can_appeal(**(OK | change))


def test_decision_rules() -> None:
    check_can_decide("open", False)
    with pytest.raises(ReviewError, match="already accepted"):
        check_can_decide("accepted", False)
    with pytest.raises(ReviewError, match="final judgement"):
        check_can_decide("open", True)
