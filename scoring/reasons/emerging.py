"""Emerging issues: a reason or a phrase whose share of calls rose in the latest period beyond
what chance explains against a trailing baseline.

A one-sided binomial test per series: of the n calls of the recent period, k carry it, against
the share it had in the baseline (smoothed, so a phrase never seen before has a small, not a zero,
share); Bonferroni over every series tested, a minimum count and a minimum rise keep noise and
trivia out. Pure functions over counts: the dashboard feeds them from its fact columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: the recent period and the trailing baseline before it, in days
WINDOWS = {"day": (1, 28), "week": (7, 28)}


@dataclass(frozen=True)
class Rise:
    kind: str  # reason | phrase
    key: str
    recent: int  # calls carrying it in the recent period
    recent_calls: int  # all calls of the recent period
    baseline: int  # calls carrying it in the baseline
    baseline_calls: int
    #: how many the recent period would have at the baseline's share
    expected: float
    ratio: float
    p_value: float


@dataclass(frozen=True)
class RiseTest:
    min_count: int = 10
    #: the recent share must be at least this many times the baseline's
    min_ratio: float = 1.5
    #: family-wise error over all series tested together
    alpha: float = 0.01


def rises(
    kind: str,
    recent: Mapping[str, int],
    recent_calls: int,
    baseline: Mapping[str, int],
    baseline_calls: int,
    test: RiseTest = RiseTest(),  # noqa: B008 (frozen)
    tested: int | None = None,
) -> list[Rise]:
    """The series of `recent` that rose significantly, strongest first. `tested` is the number
    of series in the family (default: these) for the Bonferroni correction."""
    from scipy.stats import binom

    if recent_calls <= 0:
        return []
    family = max(tested if tested is not None else len(recent), 1)
    out = []
    for key, k in recent.items():
        if k < test.min_count:
            continue
        before = baseline.get(key, 0)
        share = (before + 0.5) / (baseline_calls + 1.0)
        expected = share * recent_calls
        ratio = k / expected
        if ratio < test.min_ratio:
            continue
        p = float(binom.sf(k - 1, recent_calls, min(share, 1.0)))
        if p * family < test.alpha:
            out.append(Rise(kind, key, k, recent_calls, before, baseline_calls, expected, ratio, p))
    return sorted(out, key=lambda r: (r.p_value, -r.recent, r.key))
