"""Survey formulas against hand-computed values."""

from __future__ import annotations

import pytest

from surveys.indices import (
    Level,
    csat,
    dissatisfaction_rate,
    level_counts,
    nps,
    rate,
    satisfaction_rate,
    wilson,
)

S, B, D = Level.SATISFIED, Level.BASIC, Level.DISSATISFIED


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # hand-computed Wilson 95 % bounds (z = 1.96)
        (50, 100, 0.4038, 0.5962),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 1, 0.2065, 1.0),
        (81, 90, 0.8208, 0.9465),
    ],
)
def test_wilson(successes: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson(successes, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(5, 4)
    empty = rate(0, 0)
    assert (empty.value, empty.low, empty.high, empty.small_sample) == (None, None, None, True)
    assert rate(30, 30).small_sample is False and rate(29, 29).small_sample is True
    assert rate(5, 10, min_sample=5).small_sample is False


def test_satisfaction_rates_loose_and_strict() -> None:
    counts = level_counts([S] * 60 + [B] * 25 + [D] * 15 + [None] * 7)  # 7 invited, no answer
    assert counts == {S: 60, B: 25, D: 15}
    loose = satisfaction_rate(counts, strict=False)
    strict = satisfaction_rate(counts, strict=True)
    assert (loose.successes, loose.n, loose.value) == (85, 100, 0.85)
    assert (strict.successes, strict.value) == (60, 0.60)
    assert dissatisfaction_rate(counts).value == 0.15
    assert satisfaction_rate(level_counts([]), strict=False).value is None


def test_response_rate() -> None:
    assert rate(107, 428).value == pytest.approx(0.25)


def test_csat_top2_and_mean() -> None:
    top, mean = csat([5, 5, 4, 3, 2, 1, 4, 5])
    assert (top.successes, top.n) == (5, 8) and top.value == pytest.approx(0.625)
    assert mean == pytest.approx(29 / 8)
    empty, mean = csat([])
    assert empty.value is None and mean is None
    with pytest.raises(ValueError, match="outside 1..5"):
        csat([6])


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        ([10] * 20, 100.0),  # all promoters
        ([0, 3, 6] * 5, -100.0),  # all detractors
        ([7, 8] * 10, 0.0),  # all passives
        ([10, 9, 8, 7, 6, 0, 10, 9, 9, 5], 20.0),  # 5 promoters, 3 detractors of 10
    ],
)
def test_nps(answers: list[int], score: float) -> None:
    result = nps(answers)
    assert result.score == pytest.approx(score)
    assert result.promoters + result.passives + result.detractors == result.n == len(answers)
    assert -100 <= result.low <= result.score <= result.high <= 100


def test_nps_edges() -> None:
    none = nps([])
    assert none.score is None and none.n == 0 and none.small_sample
    everyone = nps([10] * 40)
    assert everyone.low == everyone.high == 100.0 and not everyone.small_sample
    with pytest.raises(ValueError, match="outside 0..10"):
        nps([11])
