from __future__ import annotations

import pytest

from inspector.review.priority import priority_of


@pytest.mark.parametrize(
    ("fatal", "needs_review", "review_status", "flagged", "expected"),
    [
        (True, True, "unreviewed", True, 0),
        (False, True, "unreviewed", True, 1),
        (False, False, "unreviewed", True, 2),
        (False, False, "unreviewed", False, 3),
        (True, False, "reviewed", True, 4),
        (False, False, "appeal_accepted", False, 4),
        (None, None, None, True, 5),
    ],
)
def test_priority_of(fatal, needs_review, review_status, flagged, expected) -> None:
    assert priority_of(fatal, needs_review, review_status, flagged) == expected
