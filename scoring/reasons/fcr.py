"""First contact resolution (一次解决率): a call did not resolve a reason when the same customer
(hashed number) called again about the same reason within the window. Pure array functions."""

from __future__ import annotations

import numpy as np


def repeat_calls(
    customer: np.ndarray, started: np.ndarray, has: np.ndarray, window_s: float
) -> np.ndarray:
    """(calls, reasons): True where the same customer called again about that reason within
    `window_s` after this call. Calls without a known customer or start time never repeat."""
    out = np.zeros(has.shape, dtype=bool)
    known = (customer >= 0) & (started >= 0)
    for r in range(has.shape[1]):
        idx = np.flatnonzero(has[:, r] & known)
        if len(idx) < 2:
            continue
        order = idx[np.lexsort((idx, started[idx], customer[idx]))]
        c, t = customer[order], started[order]
        # sorted by customer then time: a call's next call about the reason is the next row
        again = (c[1:] == c[:-1]) & (t[1:] - t[:-1] <= window_s)
        out[order[:-1][again], r] = True
    return out


def judgeable(started: np.ndarray, window_s: float, as_of: int) -> np.ndarray:
    """Calls whose window has closed by `as_of` (a later call could still come for the rest)."""
    return (started >= 0) & (started + window_s <= as_of)
