"""Why customers call, on the managers' dashboard: reason volume and trend, reasons against
satisfaction and QA, emerging issues and first contact resolution (一次解决率), computed from the
cached fact columns like the rest of the dashboard."""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector.reports.dashboard import Dashboard, _indices, _r, _tally
from inspector.reports.satisfaction import day_date
from scoring.reasons.emerging import WINDOWS, RiseTest, rises
from scoring.reasons.fcr import judgeable, repeat_calls
from scoring.reasons.taxonomy import Taxonomy, cached_taxonomy
from surveys.indices import wilson

EXAMPLES = 5
DAY_S = 86_400


def taxonomy(d: Dashboard) -> Taxonomy:
    return cached_taxonomy(d.settings.reasons_taxonomy)


def _ordered(d: Dashboard) -> list[tuple[int, str, str]]:
    """(column in the facts, code, Chinese label) in taxonomy order, then codes it lacks."""
    t, why = taxonomy(d), d.calls.why
    order = {code: k for k, code in enumerate(t.codes)}
    cols = sorted(range(len(why.codes)), key=lambda j: (order.get(why.codes[j], 99), why.codes[j]))
    return [(j, why.codes[j], t.label(why.codes[j])) for j in cols]


def volume(d: Dashboard) -> dict[str, Any]:
    """Calls per reason (a call may have several) and per period; complaints by MIIT class."""
    rows = d.call_rows()
    why = d.calls.why
    days = d.calls.day[rows]
    labels, index = d.periods(days)
    reasons = _ordered(d)
    total = len(rows)
    out_reasons = []
    for j, code, label in reasons:
        n = int(why.has[rows, j].sum())
        out_reasons.append(
            {"reason": code, "label": label, "calls": n, "share": _r(n / total) if total else None}
        )
    trend = []
    per = {
        code: np.bincount(index, weights=why.has[rows, j], minlength=len(labels))
        for j, code, _ in reasons
    }
    calls = np.bincount(index, minlength=len(labels))
    for k, period in enumerate(labels):
        trend.append(
            d.period_fields(period, days)
            | {"calls": int(calls[k])}
            | {c: int(v[k]) for c, v in per.items()}
        )
    t = taxonomy(d)
    classes = np.bincount(why.complaint[rows], minlength=len(why.classes) + 1)
    complaints = [
        {"complaint_class": c, "label": t.complaint_classes.get(c, c), "calls": int(classes[k + 1])}
        for k, c in enumerate(why.classes)
    ]
    return {
        "reasons": out_reasons,
        "trend": trend,
        "labels": {c: lab for _, c, lab in reasons},
        "complaints": complaints,
    }


def satisfaction(d: Dashboard) -> list[dict[str, Any]]:
    """满意率 and 不满意率 with 95 % intervals among the surveyed calls of each reason."""
    survey_rows, call_row = d.survey_rows()
    joined = call_row >= 0
    survey_rows, call_row = survey_rows[joined], call_row[joined]
    why = d.calls.why
    out = []
    for j, code, label in _ordered(d):
        on = why.has[call_row, j]
        [tally] = _tally(d, survey_rows[on], np.zeros(int(on.sum()), dtype=np.int64), 1)
        if not tally.invitations:
            continue
        [row] = _indices(d, {(code, day_date(0)): tally}, "all")
        out.append(
            {"reason": code, "label": label} | {k: v for k, v in row.items() if k != "group"}
        )
    return out


def qa(d: Dashboard, top_items: int = 3) -> list[dict[str, Any]]:
    """Per reason: QA mean, fatal rate, and the items failed most often on its calls (with the
    rate on all calls beside it)."""
    rows = d.call_rows()
    c, why = d.calls, d.calls.why
    overall_failed = c.failed[rows].sum(axis=0)
    overall_applicable = c.applicable[rows].sum(axis=0)
    out = []
    for j, code, label in _ordered(d):
        mine = rows[why.has[rows, j]]
        if not len(mine):
            continue
        failed = c.failed[mine].sum(axis=0)
        applicable = c.applicable[mine].sum(axis=0)
        rate = np.where(applicable > 0, failed / np.maximum(applicable, 1), 0.0)
        worst = [k for k in np.argsort(-rate, kind="stable") if failed[k]][:top_items]
        items = [
            {
                "item_id": c.items[k],
                "title": d.items_title.get(c.items[k], c.items[k]),
                "failed_rate": _r(float(rate[k])),
                "all_calls_rate": _r(float(overall_failed[k] / overall_applicable[k]))
                if overall_applicable[k]
                else None,
            }
            for k in worst
        ]
        out.append(
            {
                "reason": code,
                "label": label,
                "calls": int(len(mine)),
                "qa_mean": _r(float(c.score[mine].mean()), 2),
                "fatal_rate": _r(float(c.fatal[mine].mean())),
                "failed_items": items,
                "top_failed": "；".join(f"{i['title']} {i['failed_rate']:.0%}" for i in items),
                "small_sample": d.small(int(len(mine))),
            }
        )
    return out


def emerging(d: Dashboard) -> dict[str, Any]:
    """Reasons and phrases whose share of calls rose in the latest day or week (the filter's
    period; a week unless it is day) beyond chance, against the four weeks before, with example
    calls. A phrase that mostly rides on a rising reason is listed under that reason."""
    c, why = d.calls, d.calls.why
    period = d.f.period if d.f.period in WINDOWS else "week"
    recent_days, baseline_days = WINDOWS[period]
    known = np.flatnonzero(d._attributes(np.arange(len(c.pk))) & (c.day >= 0))
    if not len(known):
        return {"period": period, "alerts": []}
    end_day = int(c.day[known].max()) + 1
    if d.f.end is not None:
        end_day = min(end_day, int(np.floor(d.f.end.timestamp() / DAY_S)) + 1)
    day = c.day[known]
    recent = known[(day >= end_day - recent_days) & (day < end_day)]
    base = known[(day >= end_day - recent_days - baseline_days) & (day < end_day - recent_days)]
    test = RiseTest(min_count=d.settings.emerging_min_count)
    columns = {code: j for j, code, _ in _ordered(d)}
    reason_recent = {code: int(why.has[recent, j].sum()) for code, j in columns.items()}
    reason_base = {code: int(why.has[base, j].sum()) for code, j in columns.items()}
    in_recent = np.zeros(len(c.pk), dtype=bool)
    in_recent[recent] = True
    in_base = np.zeros(len(c.pk), dtype=bool)
    in_base[base] = True
    n_words = len(why.keywords)
    word_recent = np.bincount(why.kw_code[in_recent[why.kw_row]], minlength=n_words)
    word_base = np.bincount(why.kw_code[in_base[why.kw_row]], minlength=n_words)
    phrase_recent = {why.keywords[k]: int(v) for k, v in enumerate(word_recent) if v}
    phrase_base = {why.keywords[k]: int(v) for k, v in enumerate(word_base) if v}
    family = sum(v >= test.min_count for v in reason_recent.values()) + sum(
        v >= test.min_count for v in phrase_recent.values()
    )
    found = rises("reason", reason_recent, len(recent), reason_base, len(base), test, family)
    found += rises("phrase", phrase_recent, len(recent), phrase_base, len(base), test, family)
    t = taxonomy(d)
    alerts: list[dict[str, Any]] = []
    by_reason: dict[str, dict[str, Any]] = {}
    for rise in found:
        if rise.kind == "reason":
            calls = recent[why.has[recent, columns[rise.key]]]
        else:
            word = why.keywords.index(rise.key)
            calls = np.unique(why.kw_row[(why.kw_code == word) & in_recent[why.kw_row]])
        if rise.kind == "phrase":
            # a phrase most of whose calls are of a rising reason belongs to that reason's alert
            host = next(
                (a for code, a in by_reason.items() if why.has[calls, columns[code]].mean() >= 0.5),
                None,
            )
            if host is not None:
                host["phrases"].append(rise.key)
                continue
        newest = calls[np.argsort(-c.started[calls], kind="stable")][:EXAMPLES]
        alert = {
            "kind": rise.kind,
            "key": rise.key,
            "label": t.label(rise.key) if rise.kind == "reason" else rise.key,
            "period": period,
            "since": day_date(end_day - recent_days).isoformat(),
            "recent": rise.recent,
            "recent_calls": rise.recent_calls,
            "baseline": rise.baseline,
            "baseline_calls": rise.baseline_calls,
            "expected": round(rise.expected, 1),
            "ratio": round(rise.ratio, 2),
            "p_value": float(f"{rise.p_value:.3g}"),
            "phrases": [],
            "examples": [{"pk": int(c.pk[r]), "call_id": str(why.call_id[r])} for r in newest],
        }
        if rise.kind == "reason":
            by_reason[rise.key] = alert
        alerts.append(alert)
    return {"period": period, "alerts": alerts}


def first_contact(d: Dashboard, by: str = "reason") -> list[dict[str, Any]]:
    """一次解决率 per reason, agent or team: of the (call, reason) pairs whose window has closed,
    the share where the same customer did not call again about that reason, with its 95 %
    interval. Repeat calls are looked for among all calls, whoever took them."""
    if by not in ("reason", "agent", "team", "overall"):
        raise ValueError(f"by must be reason, agent, team or overall, not {by!r}")
    c, why = d.calls, d.calls.why
    window_s = d.settings.fcr_window_days * DAY_S
    repeated = repeat_calls(why.customer, c.started, why.has, window_s)
    rows = d.call_rows()
    as_of = int(c.started.max()) if len(c.started) else 0
    rows = rows[judgeable(c.started[rows], window_s, as_of) & (why.customer[rows] >= 0)]
    ordered = _ordered(d)
    cols = [j for j, _, _ in ordered]
    pairs = why.has[np.ix_(rows, cols)]
    again = repeated[np.ix_(rows, cols)] & pairs
    if by == "reason":
        groups = [
            (code, label, pairs[:, k].sum(), again[:, k].sum())
            for k, (_, code, label) in enumerate(ordered)
        ]
    elif by == "overall":
        groups = [("all", "全部", pairs.sum(), again.sum())]
    else:
        codes, names = (c.agent, c.agents) if by == "agent" else (c.team, c.teams)
        per_pairs = np.bincount(codes[rows], weights=pairs.sum(axis=1), minlength=len(names.values))
        per_again = np.bincount(codes[rows], weights=again.sum(axis=1), minlength=len(names.values))
        groups = [
            (names.values[g], names.values[g], per_pairs[g], per_again[g])
            for g in range(len(names.values))
        ]
    out = []
    for key, label, n, repeats in groups:
        n, repeats = int(n), int(repeats)
        if not n:
            continue
        bounds = wilson(n - repeats, n)
        out.append(
            {
                by: key,
                "label": label,
                "contacts": n,
                "repeats": repeats,
                "fcr": _r((n - repeats) / n),
                "fcr_low": _r(bounds[0]) if bounds else None,
                "fcr_high": _r(bounds[1]) if bounds else None,
                **({"agent_name": d.calls.agent_names.get(key, "")} if by == "agent" else {}),
                "small_sample": d.small(n),
            }
        )
    return out


def fcr_all(d: Dashboard) -> dict[str, Any]:
    """一次解决率 overall and per reason, agent and team (the dashboard's FCR panel)."""
    overall = first_contact(d, "overall")
    return {
        "window_days": d.settings.fcr_window_days,
        "overall": overall[0] if overall else None,
        **{by: first_contact(d, by) for by in ("reason", "agent", "team")},
    }
