"""Similar-to-examples with the shipped m3e-small encoder."""

from __future__ import annotations

import pytest

from scoring.engine import check
from scoring.scorecard import _Ctx, parse_condition
from tests.scoring.factories import make_view

pytestmark = pytest.mark.slow

TRANSFER = ["我现在为您转接专席", "我帮您转到相关部门处理"]


def _similar(view, **params):  # type: ignore[no-untyped-def]
    raw = {"similar": {"examples": TRANSFER, **params}}
    return check(parse_condition(raw, _Ctx("t", "item"), "when"), view)


def test_paraphrases_match_and_unrelated_sentences_do_not() -> None:
    view = make_view(
        (0, 3, "agent", "这个我帮您转给技术部门的同事处理"),
        (4, 6, "customer", "好的"),
        (7, 9, "agent", "您的话费是一百二十八元"),
    )
    hit = _similar(view, role="agent", threshold=0.8)
    assert hit.matched and hit.count == 1
    (ev,) = hit.evidence
    assert ev.text.startswith("这个我帮您转给") and "≈ 我帮您转到相关部门处理" in ev.match
    assert not _similar(make_view((0, 3, "agent", "今天天气不错")), role="agent").matched
    assert not _similar(view, role="customer").matched
