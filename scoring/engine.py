"""The rule engine: pure, from a measured transcript and a scorecard to a CallResult."""

from __future__ import annotations

from typing import Any

from asr.types import Transcript
from scoring.conditions import CallView, Hit
from scoring.operators import REGISTRY
from scoring.scorecard import All, AnyOf, Condition, Item, Not, Op, Order, Scorecard
from scoring.types import CallResult, Flag, ItemResult, ItemStatus, Metrics


def check(condition: Condition, view: CallView) -> Hit:
    """Evaluate a condition tree; evidence of matched children is kept."""
    if isinstance(condition, Op):
        return REGISTRY[condition.name].run(view, condition.params)
    if isinstance(condition, All):
        hits = [check(c, view) for c in condition.children]
        ok = all(h.matched for h in hits)
        return Hit(
            ok,
            min(h.count for h in hits) if ok else 0,
            tuple(e for h in hits for e in h.evidence) if ok else (),
        )
    if isinstance(condition, AnyOf):
        hits = [check(c, view) for c in condition.children]
        matched = [h for h in hits if h.matched]
        return Hit(
            bool(matched),
            sum(h.count for h in matched),
            tuple(e for h in matched for e in h.evidence),
        )
    if isinstance(condition, Not):
        inner = check(condition.child, view)
        return Hit(not inner.matched, 0 if inner.matched else 1)
    if isinstance(condition, Order):
        return _order(condition, view)
    raise TypeError(f"unknown condition {condition!r}")


def _order(condition: Order, view: CallView) -> Hit:
    first, then = check(condition.first, view), check(condition.then, view)
    if not (first.matched and then.matched):
        return Hit.none()
    first_at = min(e.start_s for e in first.evidence)
    then_at = min(e.start_s for e in then.evidence)
    if first_at > then_at:
        return Hit.none()
    if condition.within_turns is not None:
        turns = sum(1 for s in view.segments if first_at < s.start_s <= then_at)
        if turns > condition.within_turns:
            return Hit.none()
    return Hit(True, 1, first.evidence + then.evidence)


def _applies(item: Item, view: CallView) -> Hit | None:
    """None when the item does not apply; else the applicability hit (its evidence)."""
    meta = view.metadata
    a = item.applies_to
    if a.skill_queues and meta.get("skill_queue") not in a.skill_queues:
        return None
    if a.directions and meta.get("direction") not in a.directions:
        return None
    if a.min_duration_s and view.metrics.duration_s < a.min_duration_s:
        return None
    if item.applies_when is None:
        return Hit(True)
    hit = check(item.applies_when, view)
    return hit if hit.matched else None


def score_item(item: Item, view: CallView) -> ItemResult:
    applies = _applies(item, view)
    if applies is None:
        return ItemResult(item.id, item.title, ItemStatus.NOT_APPLICABLE)
    if item.fail_when is not None:
        hit = check(item.fail_when, view)
        failed, occurrences, evidence = hit.matched, max(hit.count, 1), hit.evidence
    else:
        assert item.pass_when is not None
        hit = check(item.pass_when, view)
        # a missing behaviour is shown by what made the item apply (e.g. the disclosure)
        failed, occurrences = not hit.matched, 1
        evidence = hit.evidence if hit.matched else applies.evidence
    if not failed:
        return ItemResult(item.id, item.title, ItemStatus.PASSED, evidence=evidence)
    return ItemResult(
        item.id,
        item.title,
        ItemStatus.FAILED,
        deduction=min(item.deduction * occurrences, item.cap),
        fatal=item.fatal,
        needs_review=item.review or item.fatal,
        evidence=evidence,
    )


def evaluate(
    transcript: Transcript,
    metrics: Metrics,
    scorecard: Scorecard,
    metadata: dict[str, Any] | None = None,
) -> CallResult:
    """Score one call; pure (no database, no I/O)."""
    view = CallView(transcript, metrics, metadata or {})
    items = tuple(score_item(item, view) for item in scorecard.items)
    fatal = any(i.fatal and i.status == ItemStatus.FAILED for i in items)
    score = 0.0 if fatal else max(scorecard.base - sum(i.deduction for i in items), 0.0)
    flags = []
    for rule in scorecard.flags:
        hit = check(rule.when, view)
        if hit.matched:
            flags.append(Flag(rule.id, hit.evidence))
    return CallResult(
        scorecard=scorecard.name,
        scorecard_version=scorecard.version,
        score=round(score, 2),
        fatal=fatal,
        needs_review=any(i.needs_review for i in items),
        items=items,
        flags=tuple(flags),
    )
