"""Glossary terms learnt from reviewers' transcript corrections: where reviewers write the same
word in place of what the ASR heard again and again, that word belongs in the glossary (a
reviewer's fix teaches the product its vocabulary).

A correction is compared with the sentence before it character by character; each changed run,
widened to the jieba word that holds it, becomes a (heard, written) pair, and a pair seen in at
least `min_count` corrections is suggested.
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


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word jieba finds in the text, sub-words included (search mode)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [(start, end) for _, start, end in jieba.tokenize(text, mode="search")]


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The shortest word (two characters or more) that holds text[start:end], else the span."""
    covering = [(s, e) for s, e in _spans(text) if s <= start and e >= end and e - s >= 2]
    return min(covering, key=lambda span: (span[1] - span[0], span[0]), default=(start, end))


def fixes(before: str, after: str) -> list[Fix]:
    """The words a reviewer changed in one sentence: each changed run of characters, widened to
    the word of the corrected sentence that holds it (jieba), as (heard, written); only written
    words of 2 to MAX_TERM_CHARS Chinese characters count."""
    out = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        start, end = _word_around(after, j1, j2)
        written = after[start:end]
        # the widening covers characters both sentences share: the same ones around i1:i2
        heard = before[max(i1 - (j1 - start), 0) : i2 + (end - j2)]
        if (
            2 <= len(written) <= MAX_TERM_CHARS
            and all(HANZI.match(c) for c in written)
            and written != heard
        ):
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
