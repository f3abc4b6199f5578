"""Glossary terms learnt from reviewers' transcript corrections: where reviewers write the same
word in place of what the ASR heard again and again, that word belongs in the glossary (a
reviewer's fix teaches the product its vocabulary).

A correction is compared with the sentence before it word by word (jieba), and each changed span
becomes a (heard, written) pair; a pair seen in at least `min_count` corrections is suggested.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from asr.text import HANZI

#: a written span longer than this is a rewritten sentence, not a term
MAX_TERM_CHARS = 8


@dataclass(frozen=True)
class Fix:
    heard: str
    written: str


@dataclass(frozen=True)
class Suggestion:
    term: str
    heard: str
    count: int
    #: calls where reviewers made this fix (a few examples, in the order they were made)
    call_ids: tuple[str, ...]


def words(text: str) -> list[str]:
    """The sentence cut into words by jieba, punctuation and spaces dropped."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(text) if any(HANZI.match(c) for c in w)]


def _hanzi(text: str) -> str:
    return "".join(c for c in text if HANZI.match(c))


def fixes(before: str, after: str) -> list[Fix]:
    """The words a reviewer changed in one sentence: (heard, written) for each changed span whose
    written side is a short run of Chinese characters (2 to MAX_TERM_CHARS)."""
    a, b = words(before), words(after)
    out = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        written = _hanzi("".join(b[j1:j2]))
        heard = _hanzi("".join(a[i1:i2]))
        if 2 <= len(written) <= MAX_TERM_CHARS and written != heard:
            out.append(Fix(heard, written))
    return out


def suggest(
    corrections: Iterable[tuple[str, str, str]],
    min_count: int = 3,
    known: frozenset[str] = frozenset(),
    examples: int = 5,
) -> list[Suggestion]:
    """Suggested terms from (call id, text before, text after) corrections: each fix made in at
    least `min_count` corrections, most frequent first; terms already `known` are left out."""
    counts: dict[Fix, int] = {}
    calls: dict[Fix, list[str]] = {}
    for call_id, before, after in corrections:
        for fix in set(fixes(before, after)):
            if fix.written in known:
                continue
            counts[fix] = counts.get(fix, 0) + 1
            seen = calls.setdefault(fix, [])
            if call_id not in seen and len(seen) < examples:
                seen.append(call_id)
    found = [
        Suggestion(fix.written, fix.heard, n, tuple(calls[fix]))
        for fix, n in counts.items()
        if n >= min_count
    ]
    return sorted(found, key=lambda s: (-s.count, s.term, s.heard))
