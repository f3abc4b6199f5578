"""The rise test and repeat calls as pure functions."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.reasons.emerging import RiseTest, rises
from scoring.reasons.fcr import judgeable, repeat_calls


@pytest.mark.parametrize(
    ("recent", "baseline", "alert"),
    [
        (60, 80, True),  # tripled: 60 of 280 against 80 of 880
        (20, 80, False),  # unchanged
        (30, 80, False),  # 1.5x: within what chance and the minimum rise allow
        (9, 0, False),  # new but under the minimum count
        (12, 0, True),  # new and frequent enough
        (40, 80, True),
    ],
)
def test_rises(recent: int, baseline: int, alert: bool) -> None:
    found = rises("reason", {"x": recent}, 280, {"x": baseline}, 880, RiseTest(min_count=10))
    assert bool(found) is alert
    if found:
        assert found[0].expected == pytest.approx((baseline + 0.5) / 881 * 280)


def test_bonferroni_needs_more_evidence_in_a_larger_family() -> None:
    args = ("phrase", {"x": 16}, 280, {"x": 20}, 880, RiseTest(min_count=10))
    assert rises(*args, tested=1)
    assert not rises(*args, tested=10_000)


def test_repeat_calls_same_customer_same_reason_within_the_window() -> None:
    day = 86_400
    customer = np.array([1, 1, 2, 2, -1, 1])
    started = np.array([0, 3, 0, 10, 1, 20]) * day
    has = np.array([[1, 0], [1, 1], [0, 1], [0, 1], [1, 0], [0, 1]], dtype=bool)
    again = repeat_calls(customer, started, has, 7 * day)
    assert again.tolist() == [
        [True, False],  # customer 1 called about reason 0 again on day 3
        [False, False],  # reason 1 again on day 20: too late
        [False, False],  # customer 2 again on day 10: too late
        [False, False],
        [False, False],  # no customer number
        [False, False],
    ]
    assert judgeable(started, 7 * day, 20 * day).tolist() == [True, True, True, True, True, False]
