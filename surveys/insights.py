"""QA <-> satisfaction: which scorecard items go with dissatisfied customers, how agents' QA
scores line up with their 满意率, calls where QA and the customer disagree, and signs that an
agent games the survey. Pure functions over joined call/survey facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from surveys.indices import Rate, rate

#: best answer on each scale (IVR key 1 = 满意)
BEST = {"ivr3": 1.0, "csat5": 5.0, "ten_point": 10.0, "nps11": 10.0}
QA_PASS_DISSATISFIED = "qa_pass_dissatisfied"
QA_FAIL_SATISFIED = "qa_fail_satisfied"


@dataclass(frozen=True)
class ScoredSurvey:
    """One answered survey joined to its call's current QA result."""

    call_pk: int
    call_id: str
    agent: str | None
    qa_score: float
    fatal: bool
    level: str  # satisfied | basic | dissatisfied
    satisfaction: float  # the answer on 0-100, best = 100
    failed_items: frozenset[str] = frozenset()
    applicable_items: frozenset[str] = frozenset()
    response_key: str = ""


@dataclass(frozen=True)
class ItemCorrelation:
    item_id: str
    n: int  # answered surveys of calls where the item applied
    failed: int
    dissatisfied_if_failed: Rate
    dissatisfied_if_passed: Rate
    #: point-biserial r between the item failing and dissatisfaction (100 - answer on 0-100)
    point_biserial: float | None
    point_biserial_p: float | None
    #: Spearman rho between failing and the ordinal level (不满意 > 基本满意 > 满意)
    spearman: float | None
    spearman_p: float | None

    @property
    def comparable(self) -> bool:
        """Whether both groups (failed, passed) hold dissatisfied and other calls."""
        return contrasted(self.dissatisfied_if_failed, self.dissatisfied_if_passed)


def contrasted(if_failed: Rate, if_passed: Rate) -> bool:
    """A correlation means something only when the failed and the passed calls each include
    dissatisfied and not dissatisfied customers: otherwise a shift between 满意 and 基本满意
    alone reads as r = 1.0 with no dissatisfied call on either side."""
    return all(0 < r.successes < r.n for r in (if_failed, if_passed))


def _strongest_first(found: list[ItemCorrelation]) -> list[ItemCorrelation]:
    return sorted(found, key=lambda c: -(c.point_biserial if c.point_biserial is not None else -2))


LEVEL_RANK = {"satisfied": 0, "basic": 1, "dissatisfied": 2}


def item_correlations(
    surveys: Sequence[ScoredSurvey], min_sample: int = 30
) -> list[ItemCorrelation]:
    """Per item, how its failure goes with dissatisfaction; strongest association first."""
    from scipy import stats

    items = sorted({i for s in surveys for i in s.applicable_items})
    out = []
    for item in items:
        rows = [s for s in surveys if item in s.applicable_items]
        failed = [1 if item in s.failed_items else 0 for s in rows]
        unhappy = [100.0 - s.satisfaction for s in rows]
        rank = [LEVEL_RANK[s.level] for s in rows]
        k = sum(failed)
        bad_f = sum(1 for f, s in zip(failed, rows, strict=True) if f and s.level == "dissatisfied")
        bad_p = sum(
            1 for f, s in zip(failed, rows, strict=True) if not f and s.level == "dissatisfied"
        )
        if_failed = rate(bad_f, k, min_sample)
        if_passed = rate(bad_p, len(rows) - k, min_sample)
        r = p = rho = rho_p = None
        if contrasted(if_failed, if_passed) and len(set(unhappy)) > 1:
            pb = stats.pointbiserialr(failed, unhappy)
            r, p = float(pb.statistic), float(pb.pvalue)
        if contrasted(if_failed, if_passed) and len(set(rank)) > 1:
            sp = stats.spearmanr(failed, rank)
            rho, rho_p = float(sp.statistic), float(sp.pvalue)
        out.append(
            ItemCorrelation(
                item_id=item,
                n=len(rows),
                failed=k,
                dissatisfied_if_failed=if_failed,
                dissatisfied_if_passed=if_passed,
                point_biserial=r,
                point_biserial_p=p,
                spearman=rho,
                spearman_p=rho_p,
            )
        )
    return _strongest_first(out)


def item_correlations_arrays(
    items: Sequence[str],
    failed: np.ndarray,
    applicable: np.ndarray,
    unhappy: np.ndarray,
    rank: np.ndarray,
    min_sample: int = 30,
) -> list[ItemCorrelation]:
    """item_correlations over columns: failed and applicable are (surveys, items) booleans,
    unhappy is 100 - the answer on 0-100 and rank the ordinal level (0 满意, 1 基本满意,
    2 不满意). Same figures, computed from sums, so a million surveys take milliseconds."""
    from scipy import stats

    a = applicable.astype(np.float64)
    fa = (failed & applicable).astype(np.float64)
    onehot = np.stack([rank == level for level in range(3)], axis=1).astype(np.float64)
    n, k = a.sum(axis=0), fa.sum(axis=0)
    sy, syy, s1 = a.T @ unhappy, a.T @ (unhappy * unhappy), fa.T @ unhappy
    counts, counts_failed = a.T @ onehot, fa.T @ onehot  # (items, 3)
    # Spearman: x's ranks are affine in x, so rho is Pearson(x, midrank of the level)
    below = np.cumsum(counts, axis=1) - counts
    midrank = below + (counts + 1) / 2
    ry, ryy = (counts * midrank).sum(axis=1), (counts * midrank**2).sum(axis=1)
    r1 = (counts_failed * midrank).sum(axis=1)

    def pearson(j: int, total: float, squares: float, on_failed: float) -> float | None:
        spread = n[j] * squares - total * total
        if not (0 < k[j] < n[j]) or spread <= 1e-9 * max(n[j] * squares, 1.0):
            return None
        value = (n[j] * on_failed - k[j] * total) / np.sqrt((n[j] * k[j] - k[j] ** 2) * spread)
        return float(np.clip(value, -1.0, 1.0))

    def p_value(r: float | None, size: float) -> float | None:
        if r is None or size <= 2:
            return None
        if abs(r) >= 1.0:
            return 0.0
        t = r * np.sqrt((size - 2) / (1 - r * r))
        return float(2 * stats.t.sf(abs(t), size - 2))

    out = []
    for j, item in enumerate(items):
        if n[j] == 0:
            continue
        bad_f = int(round(counts_failed[j, 2]))
        bad_p = int(round(counts[j, 2])) - bad_f
        if_failed = rate(bad_f, int(k[j]), min_sample)
        if_passed = rate(bad_p, int(n[j] - k[j]), min_sample)
        r = rho = None
        if contrasted(if_failed, if_passed):
            r = pearson(j, sy[j], syy[j], s1[j])
            rho = pearson(j, ry[j], ryy[j], r1[j]) if (counts[j] > 0).sum() > 1 else None
        out.append(
            ItemCorrelation(
                item_id=item,
                n=int(n[j]),
                failed=int(k[j]),
                dissatisfied_if_failed=if_failed,
                dissatisfied_if_passed=if_passed,
                point_biserial=r,
                point_biserial_p=p_value(r, n[j]),
                spearman=rho,
                spearman_p=p_value(rho, n[j]),
            )
        )
    return _strongest_first(out)


@dataclass(frozen=True)
class AgentQaSatisfaction:
    agent: str
    n: int
    qa_mean: float
    satisfied_rate: Rate


@dataclass(frozen=True)
class AgentComparison:
    agents: list[AgentQaSatisfaction]
    spearman: float | None  # across agents: QA mean vs 满意率
    spearman_p: float | None


def agent_comparison(
    surveys: Iterable[ScoredSurvey], *, strict: bool, min_sample: int = 30
) -> AgentComparison:
    from scipy import stats

    by_agent: dict[str, list[ScoredSurvey]] = defaultdict(list)
    for s in surveys:
        by_agent[s.agent or "(none)"].append(s)
    agents = []
    for agent, rows in sorted(by_agent.items()):
        good = {"satisfied"} if strict else {"satisfied", "basic"}
        agents.append(
            AgentQaSatisfaction(
                agent=agent,
                n=len(rows),
                qa_mean=sum(s.qa_score for s in rows) / len(rows),
                satisfied_rate=rate(sum(s.level in good for s in rows), len(rows), min_sample),
            )
        )
    rho = p = None
    qa = [a.qa_mean for a in agents]
    sat = [a.satisfied_rate.value for a in agents]
    if len(agents) >= 3 and len(set(qa)) > 1 and len(set(sat)) > 1:
        result = stats.spearmanr(qa, sat)
        rho, p = float(result.statistic), float(result.pvalue)
    return AgentComparison(agents, rho, p)


def mismatch(score: float, fatal: bool, level: str | None, high: float, low: float) -> str | None:
    """QA and the customer disagree: a high QA score but 不满意, or a failed call but 满意."""
    if level == "dissatisfied" and not fatal and score >= high:
        return QA_PASS_DISSATISFIED
    if level == "satisfied" and (fatal or score < low):
        return QA_FAIL_SATISFIED
    return None


@dataclass(frozen=True)
class SurveyAnswer:
    """One survey invitation as the gaming checks see it."""

    response_key: str
    agent: str | None
    scale: str | None
    score: float | None
    sent_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class GamingSignal:
    agent: str
    kind: str  # solicitation | max_scores | fast_answers
    detail: str
    evidence: list[str] = field(default_factory=list)


def gaming_signals(
    answers: Sequence[SurveyAnswer],
    solicitation_calls: dict[str, list[str]],
    *,
    fast_s: float = 15.0,
    alpha: float = 0.01,
    min_sample: int = 30,
) -> list[GamingSignal]:
    """Agents whose calls solicit scores, agents with implausibly many best answers against
    their peers (one-sided binomial test, Bonferroni over agents), and answers that arrived
    implausibly fast after the invitation (or before it)."""
    from scipy import stats

    out = [
        GamingSignal(
            agent, "solicitation", f"{len(calls)} call(s) with score solicitation", sorted(calls)
        )
        for agent, calls in sorted(solicitation_calls.items())
        if calls
    ]
    answered = [a for a in answers if a.score is not None and a.scale in BEST and a.agent]
    best: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in answered:
        best[a.agent][0] += a.score == BEST[a.scale]  # type: ignore[index,operator]
        best[a.agent][1] += 1  # type: ignore[index]
    total_best = sum(k for k, _ in best.values())
    total = sum(n for _, n in best.values())
    tested = [agent for agent, (_, n) in best.items() if n >= min_sample]
    for agent in sorted(tested):
        k, n = best[agent]
        peers_k, peers_n = total_best - k, total - n
        if peers_n < min_sample:
            continue
        p0 = min(max(peers_k / peers_n, 1e-6), 1 - 1e-6)
        test = stats.binomtest(k, n, p0, alternative="greater")
        if test.pvalue < alpha / len(tested):
            out.append(
                GamingSignal(
                    agent,
                    "max_scores",
                    f"{k}/{n} best answers ({k / n:.0%}) vs peers {p0:.0%}, p={test.pvalue:.1e}",
                )
            )
    fast: dict[str, list[str]] = defaultdict(list)
    for a in answers:
        quick = a.sent_at and a.answered_at and (a.answered_at - a.sent_at).total_seconds() < fast_s
        if quick:
            fast[a.agent or "(none)"].append(a.response_key)
    for agent, keys in sorted(fast.items()):
        out.append(
            GamingSignal(
                agent,
                "fast_answers",
                f"{len(keys)} answer(s) within {fast_s:g} s of the invitation",
                sorted(keys),
            )
        )
    return out
