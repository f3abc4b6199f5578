"""Glossary suggestions from reviewers' corrections: what a fix is, and when it is suggested."""

from __future__ import annotations

import pytest

from asr.glossary_suggest import Fix, Suggestion, fixes, suggest


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("我想办理兵击令套餐", "我想办理冰激凌套餐", [Fix("兵击令", "冰激凌")]),
        # one character heard wrong: widened to the word that holds it, not the whole 月话费
        ("这个月画费多少", "这个月话费多少", [Fix("画费", "话费")]),
        ("请您提供公号", "请您提供工号", [Fix("公号", "工号")]),
        # a rewritten sentence, punctuation, a single character: no term
        ("这不归我管。", "您本月的话费是八十元。", []),
        ("好的", "好的。", []),
        ("我要办理宽带续费", "我要办理宽带续费啊", []),
        ("一样的话", "一样的话", []),
    ],
)
def test_fixes(before: str, after: str, expected: list[Fix]) -> None:
    assert fixes(before, after) == expected


def test_a_fix_made_often_enough_is_suggested_with_its_calls() -> None:
    corrections = [
        ("c1", "我想办理兵击令套餐", "我想办理冰激凌套餐"),
        ("c2", "兵击令套餐多少钱", "冰激凌套餐多少钱"),
        ("c2", "那个兵击令套餐", "那个冰激凌套餐"),
        ("c3", "请您提供公号", "请您提供工号"),
        ("c4", "请您提供公号", "请您提供工号"),
    ]
    assert suggest(corrections, min_count=3) == [Suggestion("冰激凌", "兵击令", 3, ("c1", "c2"))]
    assert [s.term for s in suggest(corrections, min_count=2)] == ["冰激凌", "工号"]
    assert [s.term for s in suggest(corrections, 2, known=frozenset({"工号"}))] == ["冰激凌"]
