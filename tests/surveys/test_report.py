"""Grouped satisfaction indices against a hand-computed table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from surveys.report import SurveyRow, indices, period_start


def _row(
    day: int,
    agent: str | None,
    level: str | None,
    score: float | None = None,
    nps: float | None = None,
    scale: str = "ivr3",
) -> SurveyRow:
    return SurveyRow(
        sent_at=datetime(2026, 11, day, 10, tzinfo=UTC),
        agent=agent,
        team="T1",
        queue="billing",
        responded=level is not None,
        scale=scale,
        score=score,
        level=level,
        nps=nps,
    )


ROWS = [
    _row(2, "A1", "satisfied", 1),
    _row(2, "A1", "satisfied", 1),
    _row(2, "A1", "basic", 2),
    _row(2, "A1", "dissatisfied", 3),
    _row(2, "A1", None),  # 5 invited, 4 answered
    _row(3, "A1", "satisfied", 1),
    _row(2, "A2", "dissatisfied", 3, scale="ivr3"),
    _row(9, "A2", None),
    _row(2, None, "basic", 2),  # a response that joined no call
]


def test_by_agent_and_day() -> None:
    table = {(g.group, g.period): g for g in indices(ROWS, by="agent", period="day", strict=False)}
    a1 = table[("A1", "2026-11-02")]
    assert (a1.invitations, a1.responses) == (5, 4)
    assert a1.response_rate.value == pytest.approx(0.8)
    assert a1.satisfied_rate.value == pytest.approx(0.75)  # (2 + 1) / 4
    assert a1.dissatisfied_rate.value == pytest.approx(0.25)
    assert a1.mean_score == {"ivr3": pytest.approx(7 / 4)}
    assert a1.satisfied_rate.small_sample and a1.satisfied_rate.low < 0.75 < a1.satisfied_rate.high
    assert table[("A1", "2026-11-03")].satisfied_rate.value == 1.0
    assert ("(no call)", "2026-11-02") in table
    assert table[("A2", "2026-11-09")].satisfied_rate.value is None  # invited, nobody answered


def test_strict_variant_and_rollups() -> None:
    strict = {g.group: g for g in indices(ROWS, by="agent", period="month", strict=True)}
    assert strict["A1"].satisfied_rate.value == pytest.approx(3 / 5)  # 满意 only: 3 of 5
    weeks = {(g.group, g.period) for g in indices(ROWS, by="agent", period="week", strict=False)}
    assert ("A2", "2026-11-09 (W46)") in weeks and ("A2", "2026-11-02 (W45)") in weeks
    (overall,) = indices(ROWS, by="overall", period="all", strict=False)
    assert (overall.invitations, overall.responses) == (9, 7)


def test_csat_and_nps_columns() -> None:
    rows = [
        _row(2, "A1", "satisfied", 5, nps=10, scale="csat5"),
        _row(2, "A1", "satisfied", 4, nps=9, scale="csat5"),
        _row(2, "A1", "dissatisfied", 2, nps=3, scale="csat5"),
        _row(2, "A1", "basic", 3, nps=8, scale="csat5"),
    ]
    (g,) = indices(rows, by="agent", period="all", strict=False)
    assert g.csat_top2.value == 0.5 and g.csat_mean == pytest.approx(3.5)
    assert g.nps.score == pytest.approx(25.0)  # 2 promoters, 1 detractor of 4


@pytest.mark.parametrize(
    ("day", "period", "label"),
    [
        (datetime(2026, 11, 4).date(), "week", "2026-11-02 (W45)"),
        (datetime(2026, 11, 4).date(), "month", "2026-11"),
        (datetime(2026, 11, 4).date(), "day", "2026-11-04"),
    ],
)
def test_period_labels(day, period, label) -> None:  # type: ignore[no-untyped-def]
    assert period_start(day, period) == label
