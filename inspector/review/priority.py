"""The review queue's order, stored on each call so the queue pages through an index.

0 fatal hit, 1 a hit (or an unsure flag not yet decided) that needs review, 2 a risk or
mismatch flag in force, 3 scored, 4 reviewed (or appealed), 5 no QA result yet. Updated wherever
its inputs change: results written, flags refreshed or decided, reviews and appeal decisions.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from inspector.store.models import Call, CallFlag, ScoreResult
from inspector.store.worklist_models import dismissed, unsure


def priority_of(
    fatal: bool | None,
    needs_review: bool | None,
    review_status: str | None,
    flagged: bool,
    unsure_flag: bool = False,
) -> int:
    """`flagged`: a flag in force (none a reviewer dismissed); `unsure_flag`: one routed to a
    reviewer (its confidence under the flag's final threshold) that nobody has decided yet."""
    if review_status is None:
        return 5
    if review_status != "unreviewed":
        return 4
    if fatal:
        return 0
    if needs_review or unsure_flag:
        return 1
    return 2 if flagged else 3


def update_priority(session: Session, call_pks: Iterable[int]) -> None:
    """Recompute the queue priority of these calls from their result and flags."""
    pks = sorted(set(call_pks))
    for chunk in range(0, len(pks), 500):
        ids = pks[chunk : chunk + 500]
        flagged = exists().where(CallFlag.call_pk == Call.id, ~dismissed())
        waiting = exists().where(CallFlag.call_pk == Call.id, unsure())
        rows = session.execute(
            select(Call.id, ScoreResult.fatal, ScoreResult.needs_review, ScoreResult.review_status)
            .add_columns(flagged, waiting)
            .outerjoin(ScoreResult, ScoreResult.call_pk == Call.id)
            .where(Call.id.in_(ids))
        ).all()
        values = {pk: priority_of(f, n, r, bool(fl), bool(w)) for pk, f, n, r, fl, w in rows}
        for value in set(values.values()):
            session.execute(
                update(Call)
                .where(Call.id.in_([pk for pk, v in values.items() if v == value]))
                .values(queue_priority=value)
            )
