"""The dashboard's league tables (agents, teams) and risk flags per 100 calls."""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector.reports.dashboard import RISK_FLAGS, Dashboard, _indices, _r, _tally
from inspector.reports.satisfaction import day_date


def league(d: Dashboard, by: str) -> dict[str, Any]:
    """Agents or teams: calls, QA mean, fatal calls, risk flags, survey indices; plus the
    Spearman correlation of QA mean and 满意率 across them (the scatter)."""
    from scipy import stats

    c = d.calls
    codes, names = {"agent": (c.agent, c.agents), "team": (c.team, c.teams)}[by]
    n_groups = len(names.values)
    rows = d.call_rows()
    group = codes[rows]
    calls = np.bincount(group, minlength=n_groups)
    score = np.bincount(group, weights=c.score[rows], minlength=n_groups)
    fatal = np.bincount(group, weights=c.fatal[rows], minlength=n_groups)
    flags = {
        f: np.bincount(group, weights=c.flagged[rows, c.flags.index(f)], minlength=n_groups)
        for f in RISK_FLAGS
        if f in c.flags
    }
    team_of = {}
    if by == "agent":
        for a, t in zip(c.agent[rows].tolist(), c.team[rows].tolist(), strict=True):
            team_of.setdefault(a, c.teams.values[t])
    survey_by_group: dict[str, dict[str, Any]] = {}
    if d.surveys is not None:
        srows, call_row = d.survey_rows()
        keep = call_row >= 0
        srows, call_row = srows[keep], call_row[keep]
        tallies = _tally(d, srows, codes[call_row], n_groups)
        probe = day_date(0)
        by_name = {(names.values[g], probe): t for g, t in enumerate(tallies) if t.invitations}
        for row in _indices(d, by_name, "all"):
            survey_by_group[row["group"]] = row
    out = []
    for g in np.flatnonzero(calls).tolist():
        name = names.values[g]
        sv = survey_by_group.get(name, {})
        out.append(
            {
                by: name,
                **(
                    {"agent_name": c.agent_names.get(name, ""), "team": team_of.get(g, "")}
                    if by == "agent"
                    else {}
                ),
                "calls": int(calls[g]),
                "qa_mean": _r(score[g] / calls[g], 2),
                "fatal": int(fatal[g]),
                "fatal_rate": _r(fatal[g] / calls[g]),
                **{f: int(v[g]) for f, v in flags.items()},
                "responses": sv.get("responses", 0),
                "satisfied_rate": sv.get("satisfied_rate"),
                "satisfied_rate_low": sv.get("satisfied_rate_low"),
                "satisfied_rate_high": sv.get("satisfied_rate_high"),
                "dissatisfied_rate": sv.get("dissatisfied_rate"),
                "nps": sv.get("nps"),
                "small_sample": sv.get("small_sample", True),
            }
        )
    out.sort(key=lambda r: (-(r["qa_mean"] or 0), r[by]))
    for rank, row in enumerate(out, start=1):
        row["rank"] = rank
    pairs = [(r["qa_mean"], r["satisfied_rate"]) for r in out if r["satisfied_rate"] is not None]
    rho = p = None
    if len(pairs) >= 3 and len({a for a, _ in pairs}) > 1 and len({b for _, b in pairs}) > 1:
        result = stats.spearmanr([a for a, _ in pairs], [b for _, b in pairs])
        rho, p = _r(float(result.statistic)), _r(float(result.pvalue), 6)
    return {"rows": out, "spearman": rho, "spearman_p": p}


def risk_flags(d: Dashboard) -> dict[str, Any]:
    """Per period: calls, and calls carrying each flag (complaint, churn, anger, mismatch...)
    in force; `<flag>_waiting` of them still wait for a reviewer to confirm or dismiss the flag
    (the machine was unsure: they count until dismissed, and a manager sees how many)."""
    rows = d.call_rows()
    c = d.calls
    days = c.day[rows]
    labels, index = d.periods(days)
    n = np.bincount(index, minlength=len(labels))
    series = {}
    for j, f in enumerate(c.flags):
        series[f] = np.bincount(index, weights=c.flagged[rows, j], minlength=len(labels))
        series[waiting_key(f)] = np.bincount(
            index, weights=c.waiting[rows, j], minlength=len(labels)
        )
    return {
        "flags": c.flags,
        "trend": [
            d.period_fields(label, days)
            | {"calls": int(n[k]), "small_sample": d.small(int(n[k]))}
            | {f: int(v[k]) for f, v in series.items()}
            for k, label in enumerate(labels)
        ],
    }


def waiting_key(flag: str) -> str:
    """The column of a flag's calls still waiting for a reviewer's decision."""
    return f"{flag}_waiting"
