"""QA <-> satisfaction formulas against hand-computed values, mismatch rules, gaming signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from surveys.insights import (
    QA_FAIL_SATISFIED,
    QA_PASS_DISSATISFIED,
    ScoredSurvey,
    SurveyAnswer,
    agent_comparison,
    gaming_signals,
    item_correlations,
    mismatch,
)

LEVEL_OF = {100.0: "satisfied", 50.0: "basic", 0.0: "dissatisfied"}


def survey(i: int, agent: str, qa: float, satisfaction: float, failed=(), applicable=("a", "b")):
    return ScoredSurvey(
        call_pk=i,
        call_id=f"c{i}",
        agent=agent,
        qa_score=qa,
        fatal=False,
        level=LEVEL_OF[satisfaction],
        satisfaction=satisfaction,
        failed_items=frozenset(failed),
        applicable_items=frozenset(applicable),
    )


def test_point_biserial_and_spearman_by_hand() -> None:
    # item a fails on calls 1, 2; answers 0, 50, 100, 100, 0 -> dissatisfaction 100, 50, 0, 0, 100
    rows = [
        survey(1, "A", 70, 0.0, failed=("a",)),
        survey(2, "A", 80, 50.0, failed=("a",)),
        survey(3, "B", 95, 100.0),
        survey(4, "B", 90, 100.0),
        survey(5, "B", 85, 0.0),
    ]
    by_item = {c.item_id: c for c in item_correlations(rows)}
    a = by_item["a"]
    # mean f 0.4, mean u 50, cov 10, var_f 0.24, var_u 2000 -> r = 10 / sqrt(480) = 0.4564
    assert a.point_biserial == pytest.approx(10 / 480**0.5)
    assert (a.n, a.failed) == (5, 2)
    assert a.dissatisfied_if_failed.value == 0.5
    assert a.dissatisfied_if_passed.value == pytest.approx(1 / 3)
    # ranks of failing (4.5, 4.5, 2, 2, 2) vs level (4.5, 3, 1.5, 1.5, 4.5): centred
    # (1.5, 1.5, -1, -1, -1) and (1.5, 0, -1.5, -1.5, 1.5): rho = 3.75 / sqrt(7.5 * 9)
    assert a.spearman == pytest.approx(3.75 / (7.5 * 9) ** 0.5)
    b = by_item["b"]  # never failed: no correlation to compute
    assert b.failed == 0 and b.point_biserial is None and b.spearman is None
    assert [c.item_id for c in item_correlations(rows)] == ["a", "b"]  # strongest first


def _two_by_two(failed_bad: int, failed_good: int, passed_bad: int, passed_good: int):
    """Surveys of item a: failed or passed, dissatisfied (0) or not (50 or 100, alternating)."""
    rows, i = [], 0
    for failed, bad, count in (
        (True, True, failed_bad),
        (True, False, failed_good),
        (False, True, passed_bad),
        (False, False, passed_good),
    ):
        for _ in range(count):
            i += 1
            answer = 0.0 if bad else (50.0 if failed else 100.0)
            rows.append(survey(i, "A", 80, answer, failed=("a",) if failed else ()))
    return rows


@pytest.mark.parametrize(
    ("cells", "shown"),
    [
        # failed->基本满意, passed->满意, nobody dissatisfied: r would be 1.0; no contrast
        ((0, 5, 0, 5), False),
        ((3, 0, 2, 5), False),  # every failed call dissatisfied
        ((2, 3, 0, 5), False),  # no dissatisfied passed call
        ((2, 3, 5, 0), False),  # every passed call dissatisfied
        ((0, 0, 2, 5), False),  # never failed
        ((2, 3, 1, 5), True),  # both groups hold both: a correlation to show
    ],
)
def test_a_correlation_needs_dissatisfied_and_satisfied_in_both_groups(cells, shown) -> None:
    import numpy as np

    from surveys.insights import LEVEL_RANK, item_correlations_arrays

    rows = _two_by_two(*cells)
    by_rows = {c.item_id: c for c in item_correlations(rows)}["a"]
    by_columns = item_correlations_arrays(
        ["a"],
        np.array([["a" in s.failed_items] for s in rows]),
        np.ones((len(rows), 1), dtype=bool),
        np.array([100.0 - s.satisfaction for s in rows]),
        np.array([LEVEL_RANK[s.level] for s in rows]),
    )[0]
    for found in (by_rows, by_columns):
        assert found.comparable is shown
        assert (found.point_biserial is not None) is shown
        assert (found.point_biserial_p is not None) is shown
        assert (found.spearman is not None) is shown


def test_items_without_contrast_sort_below_those_with_one() -> None:
    # b: r = 1.0 from 满意 vs 基本满意 alone; a: a real but weaker association
    rows = _two_by_two(2, 3, 1, 5)
    rows += [
        survey(
            100 + i,
            "A",
            80,
            50.0 if i < 5 else 100.0,
            failed=("b",) if i < 5 else (),
            applicable=("b",),
        )
        for i in range(10)
    ]
    assert [c.item_id for c in item_correlations(rows)] == ["a", "b"]


def test_not_applicable_items_are_left_out_of_their_correlation() -> None:
    rows = [
        survey(1, "A", 50, 0.0, failed=("a",), applicable=("a",)),
        survey(2, "A", 90, 100.0, applicable=("b",)),
    ]
    (a, b) = sorted(item_correlations(rows), key=lambda c: c.item_id)
    assert a.n == 1 and b.n == 1


def test_agent_comparison() -> None:
    rows = [
        survey(1, "A", 60, 0.0),
        survey(2, "A", 70, 50.0),
        survey(3, "B", 80, 100.0),
        survey(4, "B", 90, 0.0),
        survey(5, "C", 95, 100.0),
    ]
    loose = agent_comparison(rows, strict=False)
    table = {a.agent: a for a in loose.agents}
    assert table["A"].qa_mean == 65 and table["A"].satisfied_rate.value == 0.5
    assert table["B"].satisfied_rate.value == 0.5 and table["C"].satisfied_rate.value == 1.0
    strict = {a.agent: a for a in agent_comparison(rows, strict=True).agents}
    assert strict["A"].satisfied_rate.value == 0.0
    # QA means 65, 85, 95 vs 满意率 .5, .5, 1 -> ranks (1,2,3) vs (1.5,1.5,3): rho = 0.866
    assert loose.spearman == pytest.approx(0.8660, abs=1e-4)
    assert agent_comparison(rows[:2], strict=False).spearman is None  # one agent


@pytest.mark.parametrize(
    ("score", "fatal", "level", "expected"),
    [
        (95, False, "dissatisfied", QA_PASS_DISSATISFIED),
        (90, False, "dissatisfied", QA_PASS_DISSATISFIED),
        (89.9, False, "dissatisfied", None),
        (95, True, "dissatisfied", None),  # a fatal call that upset the customer agrees
        (40, False, "satisfied", QA_FAIL_SATISFIED),
        (0, True, "satisfied", QA_FAIL_SATISFIED),
        (60, False, "satisfied", None),
        (40, False, "basic", None),
        (95, False, None, None),
    ],
)
def test_mismatch(score, fatal, level, expected) -> None:
    assert mismatch(score, fatal, level, high=90, low=60) is expected


T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def answers(agent: str, n: int, best: int, delay_s: float = 120) -> list[SurveyAnswer]:
    return [
        SurveyAnswer(
            f"{agent}-{i}",
            agent,
            "ten_point",
            10.0 if i < best else 7.0,
            T0,
            T0 + timedelta(seconds=delay_s),
        )
        for i in range(n)
    ]


def test_gaming_signals() -> None:
    data = answers("A", 60, 58) + answers("B", 60, 20) + answers("C", 60, 22)
    data += answers("D", 2, 0, delay_s=5)  # too few for the score test, but fast
    signals = gaming_signals(data, {"B": ["c21"], "C": []}, fast_s=15, min_sample=30)
    kinds = {(s.agent, s.kind) for s in signals}
    assert kinds == {("A", "max_scores"), ("B", "solicitation"), ("D", "fast_answers")}
    fast = next(s for s in signals if s.kind == "fast_answers")
    assert fast.evidence == ["D-0", "D-1"]
    assert "58/60" in next(s for s in signals if s.kind == "max_scores").detail
    # an agent as good as the peers raises nothing
    assert gaming_signals(answers("A", 60, 25) + answers("B", 60, 20), {}) == []


def test_column_correlations_match_the_row_by_row_ones() -> None:
    import random

    import numpy as np

    from surveys.insights import LEVEL_RANK, item_correlations_arrays

    rng = random.Random(7)
    items = ["a", "b", "c", "d"]
    rows = []
    for i in range(400):
        applicable = tuple(x for x in items if x != "d" or rng.random() < 0.5)
        failed = tuple(x for x in applicable if x != "c" and rng.random() < 0.2 + 0.1 * (x == "a"))
        bad = "a" in failed and rng.random() < 0.6
        satisfaction = 0.0 if bad else rng.choice([50.0, 100.0, 100.0])
        rows.append(survey(i, "A", 80, satisfaction, failed, applicable))
    expected = item_correlations(rows)
    got = item_correlations_arrays(
        items,
        np.array([[x in s.failed_items for x in items] for s in rows]),
        np.array([[x in s.applicable_items for x in items] for s in rows]),
        np.array([100.0 - s.satisfaction for s in rows]),
        np.array([LEVEL_RANK[s.level] for s in rows]),
    )
    assert [c.item_id for c in got] == [c.item_id for c in expected]
    for e, g in zip(expected, got, strict=True):
        assert (g.n, g.failed) == (e.n, e.failed)
        assert g.dissatisfied_if_failed == e.dissatisfied_if_failed
        assert g.dissatisfied_if_passed == e.dissatisfied_if_passed
        for name in ("point_biserial", "point_biserial_p", "spearman", "spearman_p"):
            want, have = getattr(e, name), getattr(g, name)
            assert (want is None) == (have is None), name
            if want is not None:
                assert have == pytest.approx(want, rel=1e-6, abs=1e-12), name
