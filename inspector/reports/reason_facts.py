"""Why customers called, as numpy columns beside the dashboard's call facts: each call's
reasons in force, its complaint class, its hashed customer number (for repeat calls) and the
customer's telling words (for emerging phrases). Read with the call facts, kept while the
database does not change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ReasonFacts:
    """Rows aligned with CallFacts (one per current scored call)."""

    codes: list[str]
    has: np.ndarray  # bool (calls, codes)
    classes: list[str]
    complaint: np.ndarray  # int8 (calls,): 0 none, k+1 = classes[k]
    customer: np.ndarray  # int64 (calls,): code of the hashed customer number, -1 unknown
    call_id: np.ndarray  # object (calls,): the call id people know
    keywords: list[str]
    kw_row: np.ndarray  # int64: call row of each (call, keyword) pair
    kw_code: np.ndarray  # int32: keyword code of each pair


Rows = Callable[[Session, str], list[tuple[Any, ...]]]


def load_reason_facts(
    session: Session,
    rows: Rows,
    pk: np.ndarray,
) -> ReasonFacts:
    """Read the reasons, classes, customers and keywords of the calls `pk` (sorted); codes and
    classes in alphabetical order (the panels order them by the taxonomy)."""
    n = len(pk)

    def at(call_pk: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        keys = np.asarray(call_pk, dtype=np.int64)
        if not n or not len(keys):
            # nothing to align with (no scored call yet): every row is left out
            return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
        where = np.clip(np.searchsorted(pk, keys), 0, n - 1)
        return where, pk[where] == keys

    reason_rows = rows(
        session, "SELECT call_pk, reason, complaint_class FROM call_reasons WHERE active"
    )
    all_codes = sorted({r[1] for r in reason_rows})
    all_classes = sorted({r[2] for r in reason_rows if r[2]})
    has = np.zeros((n, len(all_codes)), dtype=bool)
    complaint = np.zeros(n, dtype=np.int8)
    if reason_rows:
        where, keep = at([r[0] for r in reason_rows])
        code = {c: k for k, c in enumerate(all_codes)}
        col = np.array([code[r[1]] for r in reason_rows], dtype=np.int64)
        has[where[keep], col[keep]] = True
        cls = {c: k + 1 for k, c in enumerate(all_classes)}
        klass = np.array([cls.get(r[2] or "", 0) for r in reason_rows], dtype=np.int8)
        on = keep & (klass > 0)
        complaint[where[on]] = klass[on]
    customer = np.full(n, -1, dtype=np.int64)
    call_id = np.empty(n, dtype=object)
    call_rows = rows(
        session, "SELECT id, call_id, customer_number_hash FROM calls WHERE is_current"
    )
    if call_rows:
        where, keep = at([r[0] for r in call_rows])
        hashes: dict[str, int] = {}
        codes_of = np.array(
            [hashes.setdefault(r[2], len(hashes)) if r[2] else -1 for r in call_rows],
            dtype=np.int64,
        )
        customer[where[keep]] = codes_of[keep]
        ids = np.array([r[1] for r in call_rows], dtype=object)
        call_id[where[keep]] = ids[keep]
    kw_rows = rows(session, "SELECT call_pk, keyword FROM call_keywords")
    words: dict[str, int] = {}
    kw_code = np.array([words.setdefault(r[1], len(words)) for r in kw_rows], dtype=np.int32)
    where, keep = at([r[0] for r in kw_rows])
    return ReasonFacts(
        codes=all_codes,
        has=has,
        classes=all_classes,
        complaint=complaint,
        customer=customer,
        call_id=call_id,
        keywords=list(words),
        kw_row=where[keep],
        kw_code=kw_code[keep],
    )
