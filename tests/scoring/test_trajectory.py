"""Peak / end / trend arithmetic of the sentiment trajectory, on hand-made turns."""

from __future__ import annotations

import pytest

from asr.types import Role, Segment, Transcript
from scoring.trajectory import call_trajectories, role_trajectory


def turn(start: float, end: float, role: str, score: float | None, anger: float = 0.0) -> Segment:
    return Segment(start, end, Role(role), f"{role}@{start}", sentiment=score, anger=anger)


# a 100 s call; customer midpoints at 5, 30, 55, 70, 95
CUSTOMER = [
    turn(0, 10, "customer", -0.2),
    turn(25, 35, "customer", -0.9, anger=0.8),
    turn(50, 60, "customer", -0.5),
    turn(65, 75, "customer", 0.1),
    turn(90, 100, "customer", 0.7),
]


def test_quarters_start_end_trend_and_peak() -> None:
    t = role_trajectory(CUSTOMER + [turn(10, 20, "agent", 0.5)], "customer", 100.0)
    assert t is not None
    assert t.turns == 5
    assert t.curve[0] == (5.0, -0.2) and t.curve[-1] == (95.0, 0.7)
    assert t.quarters == pytest.approx((-0.2, -0.9, -0.2, 0.7))  # Q3 holds 55 and 70
    assert t.start == pytest.approx(-0.2)  # only the 5 s turn lies in the first 20 %
    assert t.end == pytest.approx(0.7)  # only the 95 s turn lies in the last 20 %
    assert t.trend == pytest.approx(0.9)
    assert (t.peak.time_s, t.peak.score, t.peak.text) == (30.0, -0.9, "customer@25")
    assert t.peak_end == pytest.approx((-0.9 + 0.7) / 2)
    assert t.mean == pytest.approx((-0.2 - 0.9 - 0.5 + 0.1 + 0.7) / 5)
    assert t.max_anger == pytest.approx(0.8)


def test_window_without_turns_falls_back_to_first_and_last_turn() -> None:
    segs = [turn(30, 40, "customer", 0.4), turn(50, 60, "customer", -0.6)]
    t = role_trajectory(segs, "customer", 100.0)
    assert t is not None
    assert t.start == pytest.approx(0.4) and t.end == pytest.approx(-0.6)
    assert t.trend == pytest.approx(-1.0)
    assert t.quarters[0] is None and t.quarters[3] is None


def test_ties_pick_the_earliest_peak_and_unscored_turns_are_ignored() -> None:
    segs = [turn(0, 2, "agent", -0.5), turn(4, 6, "agent", None), turn(8, 10, "agent", -0.5)]
    t = role_trajectory(segs, "agent", 10.0)
    assert t is not None and t.turns == 2 and t.peak.time_s == 1.0


def test_roles_without_scores_are_left_out() -> None:
    transcript = Transcript((turn(0, 2, "agent", None), *CUSTOMER))
    found = call_trajectories(transcript, 100.0)
    assert set(found) == {"customer"}
    data = found["customer"].as_json()
    assert data["peak"] == {"time_s": 30.0, "score": -0.9, "text": "customer@25"}
    assert data["quarters"] == [-0.2, -0.9, -0.2, 0.7]
