"""Glossary correction (热词纠错): put misheard telecom terms back by their sound.

Whisper base hears 话费 as 画费, 工号 as 公号, 来电 as 来店: the right syllables written with
the wrong characters. A window of the transcript is replaced by a glossary term when

- every character can be read with the term's syllable (tones ignored; zh/z, ch/c, sh/s and
  -ing/-in, -eng/-en count as the same sound, as in southern Mandarin);
- the window is not itself a word of jieba's dictionary (花费, 包装, 合适 are real words and stay:
  only a non-word is taken for a mishearing);
- for two-character terms the window already shares one character with the term and the
  syllables match without the fuzzy pairs (two characters are too short to guess more).

Staff and account numbers are read digit by digit with 幺 for one (工号幺零零八); after a number
cue (工号, 尾号, 后四位...) syllables that sound like digits are written as those digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

from asr.text import HANZI

PACKAGED_GLOSSARY = Path(__file__).with_name("glossary_zh.txt")

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"))
#: syllable -> the digit character an agent reads (1 is 幺 on the phone)
DIGIT_SYLLABLES = {
    "ling": "零",
    "yao": "幺",
    "yi": "一",
    "er": "二",
    "liang": "两",
    "san": "三",
    "si": "四",
    "wu": "五",
    "liu": "六",
    "qi": "七",
    "ba": "八",
    "jiu": "九",
}
NUMBER_CUES = ("工号", "尾号", "后四位是", "后四位", "号码是", "编号", "卡号")
_MIN_DIGITS = 3


def fuzzy(syllable: str) -> str:
    """The syllable with the sound pairs that southern Mandarin merges folded together."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """Every toneless reading of one character (heteronyms included)."""
    if not HANZI.match(char):
        return frozenset()
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def is_word(text: str) -> bool:
    return bool(_dictionary().get(text))


@dataclass(frozen=True)
class Term:
    text: str
    syllables: tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    start: int
    heard: str
    written: str


class Glossary:
    """A set of domain terms and the corrections they imply for a transcript."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_first: dict[str, list[Term]] = {}
        seen: set[str] = set()
        for raw in terms:
            text = raw.strip()
            if len(text) < 2 or text in seen or not all(HANZI.match(c) for c in text):
                continue
            seen.add(text)
            term = Term(text, tuple(lazy_pinyin(text, style=Style.NORMAL)))
            self._by_first.setdefault(fuzzy(term.syllables[0]), []).append(term)
        self.size = len(seen)
        #: the terms as written (what `inspector glossary suggest` leaves out)
        self.terms = frozenset(seen)

    @classmethod
    def from_file(cls, path: Path, extra: Iterable[str] = ()) -> Glossary:
        """Terms one per line (`#` starts a comment), plus `extra` (the hotword setting)."""
        from core.errors import ConfigError

        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"glossary {path}: cannot be read ({exc})") from exc
        terms = [line.split("#", 1)[0].strip() for line in lines]
        return cls([t for t in terms if t] + list(extra))

    def correct(self, text: str) -> tuple[str, list[Correction]]:
        """The text with misheard terms and staff numbers put right, and what was changed."""
        chars = list(text)
        done: list[Correction] = []
        i = 0
        while i < len(chars):
            term = self._match_at(chars, i)
            if term is None:
                i += 1
                continue
            heard = "".join(chars[i : i + len(term.text)])
            if heard != term.text:
                done.append(Correction(i, heard, term.text))
                chars[i : i + len(term.text)] = list(term.text)
            i += len(term.text)
        text = "".join(chars)
        text, digits = _fix_numbers(text)
        return text, done + digits

    def _match_at(self, chars: list[str], i: int) -> Term | None:
        first = readings(chars[i])
        candidates = [t for key in {fuzzy(r) for r in first} for t in self._by_first.get(key, ())]
        for term in sorted(candidates, key=lambda t: -len(t.text)):  # longest first
            size = len(term.text)
            window = chars[i : i + size]
            if len(window) < size:
                continue
            if "".join(window) == term.text:
                return term
            if _sounds_like(window, term) and not is_word("".join(window)):
                return term
        return None


def _sounds_like(window: list[str], term: Term) -> bool:
    shared = sum(a == b for a, b in zip(window, term.text, strict=True))
    exact_only = len(term.text) == 2
    if exact_only and shared == 0:
        return False
    for char, syllable in zip(window, term.syllables, strict=True):
        options = readings(char)
        if syllable in options:
            continue
        if exact_only or fuzzy(syllable) not in {fuzzy(r) for r in options}:
            return False
    return True


def _fix_numbers(text: str) -> tuple[str, list[Correction]]:
    """After a number cue, characters that sound like digits become those digits."""
    fixes: list[Correction] = []
    chars = list(text)
    for cue in NUMBER_CUES:
        for match in re.finditer(cue, text):
            start = match.end()
            digits: list[str] = []
            for char in chars[start : start + 12]:
                digit = _digit(char)
                if digit is None:
                    break
                digits.append(digit)
            if len(digits) < _MIN_DIGITS:
                continue
            heard = "".join(chars[start : start + len(digits)])
            if heard != "".join(digits):
                fixes.append(Correction(start, heard, "".join(digits)))
                chars[start : start + len(digits)] = digits
    return "".join(chars), fixes


def _fold_ing(syllable: str) -> str:
    # only the -in/-ing pair for digits (邻 lin for 零 ling): with zh/z folded, 是 would read as 四
    return syllable[:-1] if syllable.endswith("ing") else syllable


_DIGIT_BY_SOUND = {_fold_ing(syllable): digit for syllable, digit in DIGIT_SYLLABLES.items()}
_DIGIT_CHARS = frozenset(DIGIT_SYLLABLES.values())


def _digit(char: str) -> str | None:
    if char in _DIGIT_CHARS or char.isdigit():
        return char
    for reading in readings(char):
        digit = _DIGIT_BY_SOUND.get(_fold_ing(reading))
        if digit is not None:
            return digit
    return None
