"""Text matching that survives ASR slips: exact, and pinyin-fuzzy (取消 heard as 启销)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import pairwise, repeat
from typing import Any

import numpy as np
from pypinyin.constants import PINYIN_DICT
from rapidfuzz import fuzz, process

from asr.text import HANZI, normalize_for_cer

#: a post's emoji code ([微笑], [怒], [doge], [笑cry]): no words of the sentence
EMOJI_CODE = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,6}\]")


@lru_cache(maxsize=50000)
def normalize(text: str) -> str:
    """Simplified, no punctuation or spaces, digits as Hanzi (matching ignores formatting), and
    no emoji codes: a code inside a phrase (我不会[微笑]销户的) would break it, and its name
    would read as words (微笑, 怒)."""
    return normalize_for_cer(EMOJI_CODE.sub("", text) if "[" in text else text)


@cache
def _syllable(char: str) -> str:
    """Toneless pinyin of a character's first reading (a table lookup, no segmentation)."""
    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return char
    first = readings.split(",")[0]
    return "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))


@lru_cache(maxsize=20000)
def spell(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of each character (non-Hanzi characters kept as they are)."""
    return tuple(_syllable(c) for c in text)


DIGITS = frozenset("零一二三四五六七八九")


@lru_cache(maxsize=50000)
def _is_number(target: str) -> bool:
    return len(target) > 1 and all(c in DIGITS for c in target)


def _whole_number_at(norm: str, target: str) -> bool:
    """A number phrase (一二三零零, 三一五) found as a number of its own, not as a piece of a
    longer one (an ID number, a password, a phone number)."""
    start = norm.find(target)
    while start >= 0:
        end = start + len(target)
        before = norm[start - 1] if start else ""
        after = norm[end] if end < len(norm) else ""
        if before not in DIGITS and after not in DIGITS:
            return True
        start = norm.find(target, start + 1)
    return False


def _said(norm: str, target: str, number: bool) -> bool:
    """Whether the normalised text holds the normalised phrase (a number as a number of its
    own)."""
    return bool(target) and target in norm and (not number or _whole_number_at(norm, target))


def find_exact(text: str, phrase: str) -> str | None:
    target = normalize(phrase)
    return phrase if _said(normalize(text), target, _is_number(target)) else None


#: a phrase shorter than this is matched exactly only: two syllables sound like too much
#: (小伙 / 销户, 六十 / 律师, 再联系 / 再见 would match)
MIN_FUZZY_CHARS = 3
#: a phrase this short is heard through a slip only where each syllable is said the same or
#: swapped as an accent swaps it (`_slip_alike`): one syllable is a third of the word
SHORT_FUZZY_CHARS = 3


@lru_cache(maxsize=50000)
def word_bounds(norm: str) -> frozenset[int]:
    """Offsets where a word starts or ends in normalised text (jieba segmentation)."""
    import jieba

    bounds, at = {0}, 0
    for word in jieba.cut(norm, HMM=False):
        at += len(word)
        bounds.add(at)
    return frozenset(bounds)


#: other modules' caches of sentences already read (`forget_texts` empties them too)
TEXT_CACHES: list[Any] = []


def forget_texts() -> None:
    """Empty the caches of sentences already read (normalised text, pinyin, sound, word
    bounds, and those in TEXT_CACHES), as for a worker that meets every call's text for the
    first time (benchmarks)."""
    for cached in (normalize, spell, _sound, word_bounds, *TEXT_CACHES):
        cached.cache_clear()


def find_pinyin(
    text: str, phrase: str, threshold: float, min_chars: int = MIN_FUZZY_CHARS
) -> str | None:
    """The span of `text` that sounds like `phrase` (pinyin similarity >= threshold, 0-100).

    A fuzzy span must cover whole words: it starts and ends on a word boundary, so the end of
    one word and the start of the next (着急 + 审核 -> 急审核) never read as a phrase (急什么).
    """
    norm, target = normalize(text), normalize(phrase)
    if not target or len(norm) < len(target):
        return None
    if _is_number(target):  # numbers are never heard alike (三七五 is not 三一五)
        return target if find_exact(norm, target) else None
    if target in norm:
        return target
    if len(norm) < len(target) or not _fuzzy_phrase(target, min_chars):
        return None
    # cheap reject first: no alignment of the phrase's sound anywhere in the sentence is close
    if fuzz.partial_ratio(_sound(target), _sound(norm)) < threshold:
        return None
    return _word_span(norm, target, threshold)


def _fuzzy_phrase(target: str, min_chars: int) -> bool:
    """Whether a phrase may be matched by its sound: long enough, and no number."""
    return len(target) >= max(min_chars, 2) and not _is_number(target)


@lru_cache(maxsize=50000)
def _sound(norm: str) -> str:
    """The normalised text as space-separated toneless syllables."""
    return " ".join(spell(norm))


def _word_span(norm: str, target: str, threshold: float) -> str | None:
    """The whole-word span of `norm` that sounds most like `target`, if close enough (the
    earliest of the closest). The sentence is cut into words only when some span is close."""
    syllables = spell(target)
    want = _sound(target)
    spelled = spell(norm)
    size = len(target)
    alike = _slip_alike if size <= SHORT_FUZZY_CHARS else _heard_alike
    close = []
    for i in range(len(spelled) - size + 1):
        span = spelled[i : i + size]
        if all(map(alike, syllables, span)):
            score = fuzz.ratio(want, " ".join(span))
            if score >= threshold:
                close.append((score, i))
    if not close:
        return None
    bounds = word_bounds(norm)
    best, best_at = 0.0, -1
    for score, i in close:
        if score > best and i in bounds and i + size in bounds:
            best, best_at = score, i
    return norm[best_at : best_at + size] if best_at >= 0 else None


@dataclass(frozen=True)
class SoundWords:
    """Words (two Hanzi or more) by their toneless syllables, for `heard_as`."""

    #: syllables -> the words written so
    by_sound: dict[tuple[str, ...], frozenset[str]]
    #: each word's first two syllables: where a word may start
    starts: frozenset[tuple[str, ...]]
    #: the words' lengths, longest first
    sizes: tuple[int, ...]

    def __bool__(self) -> bool:
        return bool(self.by_sound)


def sound_words(words: Sequence[str]) -> SoundWords:
    """Words of two Hanzi or more, by their toneless syllables."""
    out: dict[tuple[str, ...], set[str]] = {}
    for word in words:
        if len(word) >= 2 and all(map(HANZI.match, word)):
            out.setdefault(spell(word), set()).add(word)
    return SoundWords(
        {sound: frozenset(ws) for sound, ws in out.items()},
        frozenset(sound[:2] for sound in out),
        tuple(sorted({len(sound) for sound in out}, reverse=True)),
    )


@lru_cache(maxsize=256)
def pattern_words(pattern: str) -> SoundWords:
    """The words a pattern spells out (runs of two Hanzi or more it matches as written: in a
    group, a branch, a lookaround; not a character class, nor a character made optional or
    repeated), by their sound. 不是要(注销|消户) spells 不是要, 注销 and 消户."""
    import re._constants as c
    import re._parser as parser

    runs: list[str] = []

    def walk(items: Sequence[tuple[Any, Any]]) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is c.LITERAL and HANZI.match(chr(arg)):
                run.append(chr(arg))
                continue
            runs.append("".join(run))
            run = []
            if op is c.SUBPATTERN:
                walk(arg[3])
            elif op is c.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                walk(arg[2])
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(arg[1])
            elif op is c.ATOMIC_GROUP:
                walk(arg)
            elif op is c.GROUPREF_EXISTS:
                walk(arg[1])
                if arg[2] is not None:
                    walk(arg[2])
        runs.append("".join(run))

    walk(parser.parse(pattern))
    return sound_words(runs)


def heard_as(norm: str, words: SoundWords) -> str:
    """Normalised text with each span that sounds exactly like one of `words` (the same
    toneless syllables) but is written otherwise rewritten as the word, longest words first:
    with 不是要 and 注销 among the words, 不是要住销号码 reads 不是要注销号码. What a phrase
    list or a pattern leaves out is then left out where speech recognition misspelt its words
    (a denial read by its sound, as a keyword's homophone is)."""
    if not words or len(norm) < 2:
        return norm
    syllables = spell(norm)
    begins = words.starts
    starts = [i for i, pair in enumerate(pairwise(syllables)) if pair in begins]
    if not starts:  # most texts: no word of the pattern's may start anywhere
        return norm
    chars = list(norm)
    taken = [False] * len(norm)
    for size in words.sizes:
        for i in starts:
            written = words.by_sound.get(syllables[i : i + size])
            if written is None or i + size > len(norm) or any(taken[i : i + size]):
                continue
            span = norm[i : i + size]
            if span not in written:
                chars[i : i + size] = min(written)
            taken[i : i + size] = [True] * size
    return "".join(chars)


_INITIALS = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcs")
#: y- and w- are spellings of a final's glide, not initials (yan = -ian, wan = -uan); after j, q,
#: x and y, u is ü; iu, ui and un are short for iou, uei and uen
_GLIDES = {"yu": "ü", "yi": "i", "y": "i", "wu": "u", "w": "u"}
_SHORT = {"iu": "iou", "ui": "uei", "un": "uen"}


@lru_cache(maxsize=4096)
def _split_syllable(syllable: str) -> tuple[str, str]:
    """(initial, final) of a toneless syllable, the final written out in full (wan -> "",
    uan; jun -> j, ün; gui -> g, uei)."""
    for glide in ("yu", "yi", "wu", "y", "w"):
        if syllable.startswith(glide):
            final = _GLIDES[glide] + syllable[len(glide) :]
            return "", _SHORT.get(final, final)
    for initial in _INITIALS:
        if syllable.startswith(initial):
            final = syllable[len(initial) :]
            if initial in ("j", "q", "x") and final.startswith("u"):
                final = "ü" + final[1:]
            return initial, _SHORT.get(final, final)
    return "", syllable


@lru_cache(maxsize=4096)
def _heard_alike(a: str, b: str) -> bool:
    """Whether one syllable may be a slip for another: the same initial or the same final
    (取消 heard as 启销: q-ü / q-i; 换 as 万: h-uan / -uan). A whole other syllable is another
    word, however close the spelling of the phrase around it (找运营商 is not 换运营商:
    zh-ao / h-uan)."""
    if a == b:
        return True
    (ia, fa), (ib, fb) = _split_syllable(a), _split_syllable(b)
    return ia == ib or fa == fb


#: initials a speaker's accent or speech recognition swaps for each other (平翘舌, n / l, f / h,
#: l / r), and the finals told apart by a nasal's ending alone (前后鼻音)
_SWAPPED_INITIALS = frozenset(
    map(frozenset, (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"), ("l", "r")))
)
_NASAL_FINALS = frozenset(
    map(frozenset, (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"), ("uan", "uang")))
)


@lru_cache(maxsize=4096)
def _slip_alike(a: str, b: str) -> bool:
    """Whether one syllable may be a slip for another in a short phrase (`SHORT_FUZZY_CHARS`),
    where one other syllable is a third of the word: the same sound, or a swap an accent or
    speech recognition makes (zh / z, n / l, an / ang), not any syllable that shares an initial
    or a final (叫什么 is not 急什么: j-iao / j-i)."""
    if a == b:
        return True
    (ia, fa), (ib, fb) = _split_syllable(a), _split_syllable(b)
    if fa == fb:
        return frozenset((ia, ib)) in _SWAPPED_INITIALS
    return ia == ib and frozenset((fa, fb)) in _NASAL_FINALS


#: a match: the words matched and its basis ("exact" wording or a "pinyin" homophone)
Match = tuple[str, str]


@dataclass(frozen=True)
class Texts:
    """Sentences made ready for `find_all`: each normalised, and all of them joined (a phrase
    in none of them costs one look). A call's sentences of a role and window are made ready
    once and searched for every list of phrases."""

    norms: tuple[str, ...]
    everything: str

    @cached_property
    def sounds(self) -> list[str]:
        return [_sound(n) for n in self.norms]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Texts:
        norms = tuple(normalize(t) for t in texts)
        return cls(norms, "\x00".join(norms))


PhraseTable = tuple[tuple[str, ...], tuple[bool, ...], tuple[int, ...], tuple[str, ...]]
#: phrase lists worked out, by the list's identity (the list is kept, so its id stays its own)
_TABLES: dict[tuple[int, int], tuple[Sequence[str], PhraseTable]] = {}


def phrase_table(phrases: Sequence[str], min_chars: int = MIN_FUZZY_CHARS) -> PhraseTable:
    """A scorecard's phrase list, worked out once: normalised, which are numbers, which may be
    heard alike (and how they sound)."""
    if not phrases:
        return (), (), (), ()
    found = _TABLES.get((id(phrases), min_chars))
    if found is not None and found[0] is phrases:
        return found[1]
    targets = tuple(normalize(p) for p in phrases)
    fuzzy = tuple(j for j, t in enumerate(targets) if _fuzzy_phrase(t, min_chars))
    table = (
        targets,
        tuple(map(_is_number, targets)),
        fuzzy,
        tuple(_sound(targets[j]) for j in fuzzy),
    )
    if len(_TABLES) >= 4096:  # scorecards come and go: start again rather than grow
        _TABLES.clear()
    _TABLES[id(phrases), min_chars] = (phrases, table)
    return table


def holds_any(text: str, phrases: Sequence[str]) -> bool:
    """Whether the text holds one of the phrases exactly (`find_exact`, for every phrase)."""
    norm = normalize(text)
    targets, numbers, _, _ = phrase_table(phrases)
    return any(map(_said, repeat(norm), targets, numbers))


def find_all(
    texts: Sequence[str] | Texts,
    phrases: Sequence[str],
    pinyin: float | None = None,
    min_chars: int = MIN_FUZZY_CHARS,
) -> list[tuple[int, int, Match]]:
    """Every (text index, phrase index, match), in text then phrase order: the same verdicts
    as `find_exact`, then (with `pinyin`) `find_pinyin`, pair by pair, but a phrase said in
    none of the texts costs one look, and the homophone pre-filter runs over all pairs at once
    in rapidfuzz's C loop."""
    ready = texts if isinstance(texts, Texts) else Texts.of(texts)
    norms, everything = ready.norms, ready.everything
    targets, numbers, fuzzy, sounds = phrase_table(phrases, min_chars)
    found: dict[tuple[int, int], Match] = {}
    for j, target in enumerate(targets):
        if not target or target not in everything:
            continue
        for i, norm in enumerate(norms):
            if _said(norm, target, numbers[j]):
                found[i, j] = (phrases[j], "exact")
    if pinyin and norms and fuzzy:
        close = process.cdist(
            sounds,
            ready.sounds,
            scorer=fuzz.partial_ratio,
            score_cutoff=pinyin,
            workers=1,
        )
        for k, i in zip(*np.nonzero(close), strict=True):
            j, norm = fuzzy[k], norms[i]
            if (i, j) not in found and len(norm) >= len(targets[j]):
                span = _word_span(norm, targets[j], pinyin)
                if span:
                    found[int(i), j] = (span, "pinyin")
    return [(i, j, found[i, j]) for i, j in sorted(found)]
