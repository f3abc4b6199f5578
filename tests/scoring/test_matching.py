"""Homophone matching covers whole words only, and never two-character phrases."""

from __future__ import annotations

import pytest

from scoring.matching import find_exact, find_pinyin


@pytest.mark.parametrize(
    ("text", "phrase", "threshold", "found"),
    [
        # spans that cross a word boundary never read as a phrase (false fatal verdicts)
        ("我这边帮您着急审核一下", "急什么", 88, None),
        ("请问您要办理什么业务", "急什么", 88, None),
        # two syllables sound like too much: exact only
        ("小伙子你好，我查一下", "销户", 88, None),
        ("我爸今年六十了", "律师", 88, None),
        ("那我们明天再联系", "再见", 85, None),
        ("我是联通号码", "工号", 80, None),
        ("我要销户", "销户", 88, "销户"),
        # homophones of whole words still match (ASR slips)
        ("请您提供一下基础姓名", "机主姓名", 80, "基础姓名"),
        ("你听不动吗", "你听不懂吗", 88, "你听不动吗"),
        ("我要携号转往", "携号转网", 88, "携号转往"),
        # numbers are numbers of their own, never pieces of a longer one or homophones
        ("服务密码是零三一五二零", "三一五", 88, None),
        ("一三七五五零八", "三一五", 88, None),
        ("我要打一二三零零投诉", "一二三零零", 88, "一二三零零"),
        ("我去三一五晚会曝光你们", "三一五", 88, "三一五"),
    ],
)
def test_pinyin_matches_whole_words(
    text: str, phrase: str, threshold: float, found: str | None
) -> None:
    assert find_pinyin(text, phrase, threshold) == found


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("工号幺零零幺", "工号一零零一", "工号一零零一"),
        ("再联系", "再见", None),
        ("身份证三三零幺零六幺九九二零三幺五", "三一五", None),
        ("打幺二三零零", "一二三零零", "一二三零零"),
    ],
)
def test_exact(text: str, phrase: str, found: str | None) -> None:
    assert find_exact(text, phrase) == found
