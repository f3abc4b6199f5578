"""Homophone matching covers whole words only, and never two-character phrases."""

from __future__ import annotations

import pytest

from scoring.matching import (
    find_all,
    find_exact,
    find_pinyin,
    heard_as,
    holds_any,
    normalize,
    pattern_words,
)

PINYIN_CASES = [
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
    ("那我就换运营伤", "换运营商", 88, "换运营伤"),
    # a slip keeps each syllable's initial or final: a whole other syllable is another word
    ("警察让我们找运营商调通话记录", "换运营商", 88, None),
    # y- and w- spell a final's glide: 万 (w-an = -uan) is a slip for 换 (h-uan)
    ("那我就万运营商", "换运营商", 88, "万运营商"),
    # a phrase of three syllables or fewer is heard through a slip only where each syllable
    # is said the same or swapped as an accent swaps it (zh / z, n / l, an / ang): one other
    # syllable sharing only an initial is another word (叫 j-iao is not 急 j-i)
    ("请问是哪个地址的宽带，装机人叫什么？", "急什么", 88, None),
    ("你急森么，我又不是不给你办", "急什么", 88, "急森么"),
    ("你记什么", "急什么", 88, "记什么"),
    # numbers are numbers of their own, never pieces of a longer one or homophones
    ("服务密码是零三一五二零", "三一五", 88, None),
    ("一三七五五零八", "三一五", 88, None),
    ("我要打一二三零零投诉", "一二三零零", 88, "一二三零零"),
    ("我去三一五晚会曝光你们", "三一五", 88, "三一五"),
]


@pytest.mark.parametrize(("text", "phrase", "threshold", "found"), PINYIN_CASES)
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


def test_matching_all_pairs_at_once_gives_the_pair_by_pair_verdicts() -> None:
    """The keyword operator's batch search finds what find_exact, then find_pinyin, find for
    each (text, phrase) pair, in text then phrase order, and nothing else."""
    texts = sorted({c[0] for c in PINYIN_CASES}) + ["", "工号幺零零幺，我要投诉，还要销户"]
    phrases = sorted({c[1] for c in PINYIN_CASES}) + ["工号一零零一", "投诉", "我要投诉"]
    for threshold in (None, 80, 88):
        expected = []
        for i, text in enumerate(texts):
            for j, phrase in enumerate(phrases):
                if find_exact(text, phrase):
                    expected.append((i, j, (phrase, "exact")))
                elif threshold and (span := find_pinyin(text, phrase, threshold)):
                    expected.append((i, j, (span, "pinyin")))
        assert find_all(texts, phrases, threshold) == expected
        assert any(basis == "pinyin" for *_, (_, basis) in expected) == bool(threshold)
    assert find_all([], phrases, 88) == []


@pytest.mark.parametrize(
    ("text", "phrases", "expected"),
    [
        ("我要打三一五投诉你们", ["三一五"], True),
        ("我的密码是一三一五二", ["三一五"], False),  # a piece of a longer number
        ("我的密码是一三一五二，也打过三一五", ["三一五"], True),
        ("我不投诉了", ["不投诉", "算了"], True),
        ("我要投訴", ["投诉"], True),  # traditional characters normalise
        ("我要投诉", ["不投诉", ""], False),
        ("我要投诉", [], False),
    ],
)
def test_holds_any_is_find_exact_for_every_phrase(text: str, phrases: list, expected: bool) -> None:
    assert holds_any(text, phrases) is expected
    assert holds_any(text, phrases) == any(find_exact(text, p) for p in phrases)


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("我不会[微笑]销户的", "我不会销户的"),  # a code inside a phrase
        ("[怒][怒]客服又踢皮球", "客服又踢皮球"),
        ("信号太差了[笑cry][doge]", "信号太差了"),
        ("[]空的括号[ab1]", "空的括号ab一"),  # not codes: empty, or with a digit
    ],
)
def test_matching_reads_no_emoji_codes(text: str, norm: str) -> None:
    assert normalize(text) == norm
    assert find_exact(text, norm[:4]) == norm[:4]


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("不是要(注销|消户)", {"不是要", "注销", "消户"}),
        # a lookbehind's words are words too; a lone Hanzi is none
        ("(?<!本来)不想(转|携)", {"本来", "不想"}),
        # a character class, an optional or repeated character, a wildcard: no word through it
        ("[注销]号|销?户|不投诉+|投.诉", {"不投"}),
        ("(销户){1,2}|(?:携号)?转网", {"销户", "携号", "转网"}),
        ("abc|一二三零零", {"一二三零零"}),
    ],
)
def test_a_pattern_spells_the_words_it_matches_as_written(pattern: str, words: set) -> None:
    found = pattern_words(pattern)
    assert {w for ws in found.by_sound.values() for w in ws} == words


@pytest.mark.parametrize(
    ("text", "pattern", "heard"),
    [
        # a slip of the exclusion's words is read as its words
        ("我不是要住销号码", "不是要(注销|销户)", "我不是要注销号码"),
        ("我不事要住销号码", "不是要(注销|销户)", "我不是要注销号码"),
        # a correct spelling, or other words, stay as they are
        ("我不是要注销号码", "不是要(注销|销户)", "我不是要注销号码"),
        ("我要住院了", "不是要(注销|销户)", "我要住院了"),
        # the longer word first, and a character is rewritten once
        ("我不试要携号转往", "不是要携号转网|不是|转网", "我不是要携号转网"),
        # the same sound written two ways: neither spelling is rewritten
        ("他是一个事", "是一|事一", "他是一个事"),
    ],
)
def test_a_slip_is_heard_as_the_words_it_sounds_like(text: str, pattern: str, heard: str) -> None:
    assert heard_as(normalize(text), pattern_words(pattern)) == normalize(heard)
