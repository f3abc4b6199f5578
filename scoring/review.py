"""Human review of machine verdicts (复核) and agents' appeals (申诉), as pure rules.

A reviewer confirms or overturns item verdicts and may add manual deductions; the final score is
the machine's items as reviewed plus the manual items. An appeal disputes one item; a QA lead
accepts it (the item is overturned in the agent's favour) or rejects it; a final judgement locks
the call. The database side (inspector/review/rounds.py) stores each round and every action.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import InspectorError


class ReviewError(InspectorError):
    """A review or appeal action that the rules do not allow (the message says why)."""


class Verdict(enum.StrEnum):
    CONFIRM = "confirm"
    OVERTURN = "overturn"


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ItemState:
    """One scorecard item as it currently stands (after earlier rounds)."""

    item_id: str
    status: str  # passed | failed | not_applicable
    deduction: float  # what the item takes off when failed
    points: float  # what failing it would take off (for a passed item overturned to failed)
    fatal: bool = False


@dataclass(frozen=True)
class ManualItem:
    title: str
    deduction: float
    comment: str = ""


def apply_verdicts(items: Iterable[ItemState], verdicts: Mapping[str, Verdict]) -> list[ItemState]:
    """Items after a round of verdicts: an overturned item flips between passed and failed."""
    out = []
    for item in items:
        verdict = verdicts.get(item.item_id)
        if verdict is None or verdict == Verdict.CONFIRM:
            out.append(item)
            continue
        if item.status == "not_applicable":
            raise ReviewError(
                f"item {item.item_id} did not apply to this call: nothing to overturn"
            )
        if item.status == "failed":
            out.append(ItemState(item.item_id, "passed", 0.0, item.points, item.fatal))
        else:
            out.append(ItemState(item.item_id, "failed", item.points, item.points, item.fatal))
    unknown = set(verdicts) - {i.item_id for i in out}
    if unknown:
        raise ReviewError(f"no such item on this call: {', '.join(sorted(unknown))}")
    return out


def final_score(
    items: Iterable[ItemState], manual: Iterable[ManualItem] = (), base: float = 100.0
) -> float:
    """The scorecard's arithmetic on reviewed items: a failed fatal item zeroes the call."""
    items = list(items)
    if any(i.fatal and i.status == "failed" for i in items):
        return 0.0
    taken = sum(i.deduction for i in items if i.status == "failed")
    taken += sum(m.deduction for m in manual)
    return round(max(base - taken, 0.0), 2)


def validate_manual(manual: Iterable[ManualItem]) -> list[ManualItem]:
    out = []
    for m in manual:
        if not m.title.strip():
            raise ReviewError("a manual deduction needs a title")
        if not 0 < m.deduction <= 100:
            raise ReviewError(f"manual deduction {m.deduction:g} must be between 0 and 100")
        out.append(m)
    return out


def check_can_appeal(
    *,
    locked: bool,
    open_items: set[str],
    item_id: str,
    item_status: str | None,
    published_at: datetime,
    now: datetime,
    window: timedelta,
) -> None:
    """Raise ReviewError unless an agent may appeal this item now."""
    if locked:
        raise ReviewError("this call has a final judgement: no further appeals")
    if item_status is None:
        raise ReviewError(f"no such item on this call: {item_id}")
    if item_status != "failed":
        raise ReviewError(f"item {item_id} is not failed: nothing to appeal")
    if item_id in open_items:
        raise ReviewError(f"item {item_id} already has an open appeal")
    if now - published_at > window:
        days = window.total_seconds() / 86400
        raise ReviewError(f"the appeal window ({days:g} days after the verdict) has closed")


def check_can_decide(status: str, locked: bool) -> None:
    if status != AppealStatus.OPEN:
        raise ReviewError(f"this appeal is already {status}")
    if locked:
        raise ReviewError("this call has a final judgement")
