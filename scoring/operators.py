"""Rule operators: small registered functions from (call, params) to a Hit with evidence.

Each operator validates its parameters when a scorecard loads (`check`) so that a bad scorecard
fails up front with the file, item and field, never in the middle of a batch.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from re import _constants as sre
from re import _parser
from typing import Any

import numpy as np

from asr.types import Segment
from scoring.conditions import CallView, Hit, evidence_of
from scoring.matching import (
    MIN_FUZZY_CHARS,
    TEXT_CACHES,
    SoundWords,
    Texts,
    find_all,
    heard_as,
    holds_any,
    normalize,
    pattern_words,
    sound_words,
)
from scoring.types import Evidence

Params = dict[str, Any]
ROLES = ("agent", "customer", "any")


@dataclass(frozen=True)
class Operator:
    run: Callable[[CallView, Params], Hit]
    #: required and optional parameter names
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    #: the kind of evidence its verdicts rest on (scoring.conditions.BASES), unless a hit says
    basis: str = "exact"

    @cached_property
    def bases(self) -> frozenset[str]:
        return frozenset({self.basis})


REGISTRY: dict[str, Operator] = {}


def operator(  # type: ignore[no-untyped-def]
    name: str, required: Iterable[str] = (), optional: Iterable[str] = (), basis: str = "exact"
):
    def register(fn: Callable[[CallView, Params], Hit]) -> Callable[[CallView, Params], Hit]:
        REGISTRY[name] = Operator(fn, tuple(required), tuple(optional), basis)
        return fn

    return register


# --- selecting the segments a rule looks at -------------------------------------------------

#: a window also takes `min_heard` (0..1): only segments whose recognition confidence is at least
#: that, among those the other keys chose; a transcript of text counts as fully heard (1.0).
#: Whisper's segments carry exp(mean log-probability), which the hallucination guard keeps above
#: ~0.37; pieces split off at a pause carry their words' mean probability and can fall far below
#: (line noise written as 话费、满意度、销户、业 at 0.08). A flag should not rest on words the
#: recogniser all but guessed
WINDOW_KEYS = ("first_s", "last_s", "first_turns", "last_turns", "after", "min_heard")


def opening(view: CallView) -> set[int]:
    """Positions of the opening: what the agent says before the customer first speaks."""
    out: set[int] = set()
    for i, s in enumerate(view.segments):
        if str(s.role) == "customer":
            break
        out.add(i)
    return out


def select(view: CallView, role: str = "any", window: Params | None = None) -> tuple[Segment, ...]:
    """Segments of a role inside a window: first/last N seconds, first/last N turns of the role,
    or `after` an anchor sentence (any role) containing one of the given phrases.

    A closing window (last N seconds or turns) never reaches back into the opening: in a call
    that ends abruptly, the greeting's offer to help is not a question about further needs.
    Worked out once per call for each role and window."""
    return _per_call(view, "select", role, window, lambda: tuple(_select(view, role, window)))


def _chosen(view: CallView, role: str, window: Params | None) -> frozenset[int]:
    """The positions of `select`'s segments, once per call."""
    return _per_call(
        view,
        "chosen",
        role,
        window,
        lambda: frozenset(view.positions[id(s)] for s in select(view, role, window)),
    )


def _per_call(
    view: CallView,
    what: str,
    role: str,
    window: Params | None,
    make: Callable[[], Any],
    of: tuple[Any, ...] = (),
) -> Any:
    """`make()`, worked out once per call for a role and window (kept in `view.memo`), and for
    the scorecard objects `of` (exclusion lists, masks), all by their identity: an object's id
    is reused once it is freed, so the objects are kept beside the result and checked (an
    object equal to the one kept gives the same result)."""
    objects = (window, *of)
    key = (what, role, *map(id, objects))
    found = view.memo.get(key)
    # a tuple compares its items by identity first: the same objects cost no more than that
    if found is None or found[0] != objects:
        found = view.memo[key] = (objects, make())
    return found[1]


def _select(view: CallView, role: str, window: Params | None) -> list[Segment]:
    segs = [s for s in view.segments if role == "any" or str(s.role) == role]
    window = window or {}
    if "last_s" in window or "last_turns" in window:
        start = opening(view)
        segs = [s for s in segs if view.positions[id(s)] not in start]
    if "after" in window:
        anchor = next((s for s in view.segments if holds_any(s.text, window["after"])), None)
        segs = [s for s in segs if anchor is not None and s.start_s > anchor.start_s]
    if "first_s" in window:
        segs = [s for s in segs if s.start_s < float(window["first_s"])]
    if "last_s" in window:
        end = max((s.end_s for s in view.segments), default=0.0)
        segs = [s for s in segs if s.end_s > end - float(window["last_s"])]
    if "first_turns" in window:
        segs = segs[: int(window["first_turns"])]
    if "last_turns" in window:
        segs = segs[-int(window["last_turns"]) :]
    if "min_heard" in window:
        segs = [s for s in segs if s.confidence >= float(window["min_heard"])]
    return segs


#: how far a homophone-only match is believed: below the default routing's final threshold,
#: so a verdict resting on it alone goes to a reviewer
PINYIN_BELIEF = 0.75


#: a condition's `exclude`: phrases (any of them held) or a regular expression over the
#: normalised text (scoring.matching.normalize: digits and 幺 as 一二三, 两 as 二, simplified,
#: lower case, no spaces or punctuation), written once in a scorecard and shared by keyword,
#: regex and intent conditions. Keyword and regex conditions leave out the turn that holds it,
#: intent conditions the sentence. A keyword or regex condition's `mask` (the same two forms)
#: leaves out only the words it matches: a negation (不投诉) is no 投诉, but a threat beside it
#: in the same turn still counts.
Exclude = list[str] | str | None


def _masked(text: str, mask: Exclude) -> str:
    """The normalised text with the words `mask` matches cut out (a separator in their place,
    so the words on either side do not join): 我不投诉，但我要找记者 keeps 找记者, loses 投诉."""
    norm = normalize(text)
    if isinstance(mask, str):
        return _cut(norm, mask_spans(mask, norm))
    for phrase in mask or ():
        norm = norm.replace(normalize(phrase), "\x00")
    return norm


def _exclude_key(exclude: Exclude) -> str | tuple[str, ...] | None:
    return exclude if exclude is None or isinstance(exclude, str) else tuple(exclude)


def _excluded(text: str, exclude: Exclude) -> bool:
    if isinstance(exclude, str):
        norm = normalize(text)
        return any(part.search(norm) for part in _alternatives(exclude))
    return holds_any(text, exclude or ())


def _excluded_in(view: CallView, text: str, exclude: Exclude) -> bool:
    """`_excluded`, once per call for a text and an exclusion: a scorecard's conditions share
    their exclusions (one flag's keyword, regex and intent conditions), and each reads the
    same turns and sentences. A list of phrases is known by its identity and kept beside the
    result (as `_per_call` keeps its objects): call it with the scorecard's own lists."""
    key = ("excluded", text, exclude if isinstance(exclude, str) else id(exclude))
    found = view.memo.get(key)
    if found is None or found[0] != exclude:  # an equal list gives the same answer
        found = view.memo[key] = (exclude, _excluded(text, exclude))
    return found[1]


@lru_cache(maxsize=256)
def _phrase_words(phrases: tuple[str, ...]) -> SoundWords:
    return sound_words([normalize(phrase) for phrase in phrases])


def _heard(norm: str, exclude: list[str] | str) -> str:
    """Normalised text as an exclusion or a mask hears it: its words said through a slip
    rewritten as the exclusion's own words (`heard_as`)."""
    return _heard_by(norm, _exclude_key(exclude))


@lru_cache(maxsize=20000)
def _heard_by(norm: str, exclude: tuple[str, ...] | str) -> str:
    """`_heard`, kept for a text and an exclusion: conditions share their exclusions and
    masks, and read the same sentences."""
    words = pattern_words(exclude) if isinstance(exclude, str) else _phrase_words(exclude)
    return heard_as(norm, words)


def _masked_by_sound(text: str, mask: Exclude) -> str:
    """`_masked`, the masked words found by their sound (`heard_as`: 我不事要投诉, 去工信不犯不上)
    and cut out of the text as it was said, so what is left is quoted as said."""
    return _cut_by_sound(text, _exclude_key(mask))


@lru_cache(maxsize=20000)
def _cut_by_sound(text: str, mask: tuple[str, ...] | str | None) -> str:
    """`_masked_by_sound`, kept for a text and a mask (a scorecard's conditions share their
    masks and read the same turns)."""
    norm = normalize(text)
    heard = _heard(norm, mask) if mask else norm
    if isinstance(mask, str):  # the said text cut where the heard one holds the words
        return _cut(norm, mask_spans(mask, heard))
    if heard == norm:
        return _masked(text, mask)
    # phrase by phrase, as `_masked` cuts them, in the heard and the said text alike
    said, cut = list(norm), list(heard)  # \x01 holds a cut character's place
    for phrase in map(normalize, mask or ()):
        at, size, joined = 0, len(phrase), "".join(cut)
        while phrase and (at := joined.find(phrase, at)) >= 0:
            said[at : at + size] = cut[at : at + size] = ["\x00"] + ["\x01"] * (size - 1)
            at += size
    return "".join(said).replace("\x01", "")


TEXT_CACHES.extend((_heard_by, _cut_by_sound))


def _heard_excluded(view: CallView, text: str, exclude: Exclude) -> bool:
    """`_excluded_in`, read by sound: on the text with its words that sound exactly like the
    exclusion's own words rewritten as them (`heard_as`), where there are such words. A keyword
    heard through a slip (住销 for 注销, 斜号转网 for 携号转网) is found by its sound, so its
    denial (我不是要住销号码) is read by its sound too, and so is a threat after a denial (我不是要
    携号转网，我是要直接小户). Asked only of a turn or sentence that would otherwise count, and
    once per call for a text and an exclusion."""
    if exclude is None:
        return False
    key = ("heard", text, exclude if isinstance(exclude, str) else id(exclude))
    found = view.memo.get(key)
    if found is None or found[0] != exclude:
        norm = normalize(text)
        heard = _heard(norm, exclude)
        out = _excluded(heard, exclude) if heard != norm else _excluded_in(view, text, exclude)
        found = view.memo[key] = (exclude, out)
    return found[1]


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


#: what keeps a pattern whole when only whether it is found matters: a back-reference, a
#: conditional group or inline flags (which may name a group or apply to every branch)
_WHOLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]")


@lru_cache(maxsize=256)
def _alternatives(pattern: str) -> tuple[re.Pattern[str], ...]:
    """A pattern's top-level branches, each compiled alone, for asking only whether the pattern
    is found (a text holds a match of A|B where it holds one of A or of B). Python's re scans a
    long alternation position by position, trying every branch at each; a branch alone is
    anchored (^), or found by its first characters, far faster (an exclusion of 18 branches:
    about half the time). The whole pattern where a branch could not stand alone."""
    if _WHOLE.search(pattern):
        return (_pattern(pattern),)
    parts, depth, start, k, in_class = [], 0, 0, 0, False
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":  # a class: a ] first in it (or after its ^) is a character
            in_class, k = True, k + 1
            k += pattern[k : k + 1] == "^"
            k += pattern[k : k + 1] == "]"
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:k])
            start = k + 1
        k += 1
    parts.append(pattern[start:])
    if len(parts) < 2:
        return (_pattern(pattern),)
    return tuple(re.compile(_fail_fast(part)) for part in parts)


def _fail_fast(branch: str) -> str:
    """A branch that opens with lookbehinds ((?<!不是)(?<!没)…气话) with a lookahead for the
    characters it may start with in front ((?=气)): re cannot find such a branch by its first
    characters and tries every lookbehind at every position of the text; the lookahead fails
    at once where none of them is. The branch matches exactly where it did."""
    items = list(_parser.parse(branch))
    if not items or items[0][0] not in (sre.ASSERT, sre.ASSERT_NOT) or items[0][1][0] != -1:
        return branch
    chars, nullable = _first_chars(items)
    if chars is None or nullable or not chars:
        return branch
    return "(?=[" + "".join(re.escape(chr(c)) for c in sorted(chars)) + "])" + branch


def _first_chars(items: Iterable[tuple[Any, Any]]) -> tuple[frozenset[int] | None, bool]:
    """The code points a parsed sequence may start with, and whether it may match nothing;
    None where that is not a short list of characters (a negated class, a category, any)."""
    found: set[int] = set()
    for op, av in items:
        if op is sre.LITERAL:
            return frozenset(found | {av}), False
        if op is sre.IN:
            if not all(kind is sre.LITERAL for kind, _ in av):
                return None, False
            return frozenset(found | {c for _, c in av}), False
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # reads, consumes nothing
        if op is sre.SUBPATTERN:
            if av[1] or av[2]:  # flags of its own
                return None, False
            chars, nullable = _first_chars(av[3])
        elif op is sre.BRANCH:
            reads = [_first_chars(alt) for alt in av[1]]
            if any(c is None for c, _ in reads):
                return None, False
            chars = frozenset().union(*(c for c, _ in reads))  # type: ignore[arg-type]
            nullable = any(n for _, n in reads)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            chars, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return frozenset(found), False
    return frozenset(found), True


@lru_cache(maxsize=256)
def _span_branches(pattern: str) -> tuple[re.Pattern[str], ...]:
    """`_alternatives`, where no branch can match an empty string (finditer's rules for an
    empty match are not rebuilt here): else the whole pattern."""
    parts = _alternatives(pattern)
    if len(parts) > 1 and any(_parser.parse(p.pattern).getwidth()[0] == 0 for p in parts):
        return (_pattern(pattern),)
    return parts


def _spans(pattern: str, text: str) -> list[tuple[int, int]]:
    """The spans `re.finditer(pattern, text)` finds, found branch by branch: Python's re tries
    every branch of a long alternation at every position of the text (a mask of fifty branches
    costs four times its branches looked for alone, each found by its first characters). At
    each step the earliest match of any branch after the last one wins, the first branch
    written where two start together, as the alternation would choose; a branch's match is
    looked for again only once the last match has passed its start."""
    parts = _span_branches(pattern)
    if len(parts) == 1:
        return [m.span() for m in parts[0].finditer(text)]
    found = [part.search(text) for part in parts]
    spans, at = [], 0
    while True:
        best = None
        for k, match in enumerate(found):
            if match is not None and match.start() < at:
                match = found[k] = parts[k].search(text, at)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        if best is None:
            return spans
        spans.append(best.span())
        at = best.end()


def mask_spans(pattern: str, text: str) -> list[tuple[int, int]]:
    """The words a mask covers: every branch's matches, overlapping ones joined. Not the
    spans `re.finditer` finds, where a branch's match that starts inside an earlier match of
    another branch is never looked for (写毕业论文 would hide 论文…投诉 of 论文想问下你们客户
    投诉). A match of no characters hides nothing."""
    found = []
    for part in _span_branches(pattern):
        first = part.search(text)  # most branches are in no text: one look each
        if first is not None:
            found += [m.span() for m in part.finditer(text, first.start()) if m.end() > m.start()]
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _cut(norm: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by one \x00."""
    out, at = [], 0
    for start, end in spans:
        out += [norm[at:start], "\x00"]
        at = end
    return "".join(out) + norm[at:]


@lru_cache(maxsize=256)
def quote_groups(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """A pattern's groups named quote, quote_2, ... in the order they are written."""
    named = sorted(pattern.groupindex.items(), key=lambda kv: kv[1])
    return tuple(name for name, _ in named if name.startswith("quote"))


def quoted_span(match: re.Match[str], quotes: tuple[str, ...]) -> tuple[int, int]:
    """Where what a regex match quotes as evidence is: the first group named quote... that
    took part in it, else the whole match. A pattern that reads a guard from the turn's start
    (^(?!.*如果).*?(?P<quote>这卡我不要了)) quotes the words, not the turn up to them, so the
    reviewer sees what was said and a take-back said before the words is read as before them."""
    for name in quotes:
        start, end = match.span(name)
        if end > start:
            return start, end
    return match.span()


def _quoted(match: re.Match[str], quotes: tuple[str, ...]) -> str:
    start, end = quoted_span(match, quotes)
    return match.string[start:end]


#: what may read a line break as part of a turn: then a pattern is looked for turn by turn only
_CROSSES_LINES = re.compile(r"\\[AZsSWDnxuUN0-7]|\[\^|\[[^\]]*-[^\]]*\]|\(\?[a-z]*s")


@lru_cache(maxsize=256)
def _line_pattern(pattern: str) -> tuple[re.Pattern[str], ...] | None:
    """The pattern over a call's turns joined one a line (^ and $ at each turn's ends), to look
    once for what is mostly in no turn at all, branch by branch (`_alternatives`: the pattern
    is found where one of its branches is); None where a line break could change what it
    matches (\\A, \\s, an escaped line break or code point, a negated class or a range, dot-all)."""
    if _CROSSES_LINES.search(pattern):
        return None
    return tuple(re.compile(part.pattern, re.MULTILINE) for part in _alternatives(pattern))


#: what stands in a turn's text for a sentence `unless` left out: survives normalisation (a
#: letter), is in no phrase, and keeps the words on either side from joining
CUT = "\u0298"


def unless_of(raw: list[str] | dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    """A condition's `unless`: act ids (a sentence more likely than not one of them) or a
    mapping of act id -> the probability from which a sentence counts as that act."""
    if not raw:
        return ()
    if isinstance(raw, dict):
        return tuple((str(a), float(p)) for a, p in raw.items())
    return tuple((str(a), 0.5) for a in raw)


def _turn_texts(
    view: CallView,
    unless: Params | list[str] | None,
    keep: Params | list[str] | None = None,
) -> tuple[str, ...]:
    """Every segment's text; with `unless`, the sentences the heads read as one of those acts
    are cut out: 我前年投诉过一回，后来解决了 is no threat, while 上回投诉没用，这次我直接找工信部
    beside it in the same turn still is; but not (`keep`) a sentence at least that likely one of
    those acts (a threat its head is sure of, said in one breath with a denial of
    something else: 我不是要投诉你，但这事我得去消协问个明白). Once per call for the acts."""
    pairs = unless_of(unless)
    if not pairs:
        return tuple(s.text for s in view.segments)
    kept = unless_of(keep)
    key = ("cut", pairs, kept)
    found = view.memo.get(key)
    if found is None:
        owner, texts, probs = view._units
        aside = np.zeros(len(texts), dtype=bool)
        for act, at_least in pairs:
            aside |= probs[act] >= at_least
        for act, at_least in kept:
            aside &= probs[act] < at_least
        parts: list[list[str]] = [[] for _ in view.segments]
        for u, i in enumerate(owner.tolist()):
            parts[i].append(CUT if aside[u] else texts[u])
        touched = set(owner[aside].tolist())
        found = view.memo[key] = tuple(
            "".join(parts[i]) if i in touched else s.text for i, s in enumerate(view.segments)
        )
    return found  # type: ignore[no-any-return]


def _groups(segs: Sequence[Segment], across: int) -> Sequence[Segment]:
    """Each segment alone, or each run of `across` consecutive ones joined (a phrase may be
    split over turns when ASR cuts a sentence)."""
    if across <= 1:
        return segs
    return [
        Segment(g[0].start_s, g[-1].end_s, g[0].role, "".join(x.text for x in g))
        for g in (segs[i : i + across] for i in range(max(len(segs) - across + 1, 1)))
    ]


@operator(
    "keyword",
    required=("words",),
    optional=(
        "mode",
        "n",
        "role",
        "window",
        "pinyin",
        "pinyin_min_chars",
        "exclude",
        "mask",
        "aside",
        "unless",
        "keep",
        "across_turns",
    ),
)
def keyword(view: CallView, p: Params) -> Hit:
    """any / all / at least N / none of a list of phrases, by role and window, exact or pinyin,
    per sentence or across a window of consecutive turns; a turn holding `exclude` is left out,
    a phrase said only inside the words `mask` matches does not count, nor one said in a
    sentence that is one of the `unless` acts (a past complaint, a what-if) and none of the
    `keep` acts (`_turn_texts`)."""
    words: list[str] = p["words"]
    exclude: Exclude = p.get("exclude")
    pinyin = p.get("pinyin")
    # two-character homophones only where a scorecard asks, in a narrow window (工号 heard as
    # 孤号 in the opening); by default three characters, whole words
    min_chars = int(p.get("pinyin_min_chars", MIN_FUZZY_CHARS))
    evidence: list[Evidence] = []
    found: dict[str, str] = {}  # phrase -> basis (exact wins over pinyin)
    role, window, across = p.get("role", "any"), p.get("window"), int(p.get("across_turns", 1))

    unless, keep = p.get("unless"), p.get("keep")

    def ready_turns() -> tuple[Sequence[Segment], list[str], Texts]:
        turns = _groups(select(view, role, window), across)
        if unless:  # one turn at a time (a scorecard refuses unless with across_turns)
            cut = _turn_texts(view, unless, keep)
            texts = [cut[view.positions[id(s)]] for s in turns]
        else:
            texts = [s.text for s in turns]
        return turns, texts, Texts.of(texts)

    # the turns looked at, made ready once per call for each role, window and act; a turn's
    # exclusion is asked only of a turn a phrase is found in (most turns hold none, and an
    # exclusion of many branches costs more to ask than the phrases)
    groups, texts, ready = _per_call(
        view, f"keyword{across}", role, window, ready_turns, (unless, keep)
    )
    mask: Exclude = p.get("mask")
    # a turn's text with the masked words cut out, worked out only for a turn a phrase is in
    masked: dict[int, str] = {}
    for i, j, (text, basis) in find_all(ready, words, pinyin, min_chars):
        if exclude and _heard_excluded(view, groups[i].text, exclude):
            continue  # the turn's exclusion, said through a slip
        if mask:
            if i not in masked:  # the masked words read by their sound too (我不事要投诉)
                masked[i] = _masked_by_sound(texts[i], mask)
            if normalize(text) not in masked[i]:
                continue  # said only inside the masked words
        if found.get(words[j]) != "exact":
            found[words[j]] = basis
        evidence.append(evidence_of(groups[i], text))
    exact = {w for w, b in found.items() if b == "exact"}
    basis = frozenset(found.values()) or frozenset({"exact"})
    mode = p.get("mode", "any")
    if mode == "none":
        if exact:
            return Hit(False, 0, tuple(evidence), basis=basis)
        if found:  # only homophones: probably not said
            return Hit(False, 0, tuple(evidence), p=1.0 - PINYIN_BELIEF, basis=basis)
        return Hit(True, 1, basis=basis)
    needed = {"any": 1, "all": len(words), "atleast": int(p.get("n", 1))}[mode]
    if len(exact) >= needed:
        return Hit(True, len(evidence), tuple(evidence), basis=frozenset({"exact"}))
    if len(found) >= needed:
        return Hit(True, len(evidence), tuple(evidence), p=PINYIN_BELIEF, basis=basis)
    return Hit(False, len(evidence), basis=basis)


@operator(
    "regex",
    required=("pattern",),
    optional=("exclude", "mask", "aside", "unless", "keep", "role", "window", "belief"),
    basis="regex",
)
def regex(view: CallView, p: Params) -> Hit:
    """A regular expression over normalised text; a turn that matches the `exclude` pattern
    (or holds one of its phrases) is left out, and the words `mask` matches are cut out of the
    text before the pattern is looked for, and so are the sentences that are one of the
    `unless` acts and none of the `keep` acts (`_turn_texts`). A `belief` under 1 says the
    pattern is a wider net than policy wording: a match is routed by it, and a fatal verdict
    resting on it waits for a reviewer."""
    pattern, exclude, mask = _pattern(p["pattern"]), p.get("exclude"), p.get("mask")
    role, window, unless = p.get("role", "any"), p.get("window"), p.get("unless")
    keep = p.get("keep")

    def turn_texts() -> tuple[list[tuple[Segment, str]], str]:
        cut = _turn_texts(view, unless, keep) if unless else None
        turns = []
        for seg in select(view, role, window):
            text = seg.text if cut is None else cut[view.positions[id(seg)]]
            turns.append((seg, _masked_by_sound(text, mask) if mask else normalize(text)))
        return turns, "\n".join(t for _, t in turns)

    # the turns' texts, once per call for each role, window, mask and act, and all of them as
    # lines: a pattern found on none of the lines is found in none of the turns; a turn's
    # exclusion is asked only of a turn the pattern is found in
    turns, lines = _per_call(view, "regex", role, window, turn_texts, (mask, unless, keep))
    as_lines = _line_pattern(p["pattern"])
    if as_lines is not None and not any(part.search(lines) for part in as_lines):
        return Hit(False, 0, (), None, frozenset({"regex"}))
    evidence = []
    quotes = quote_groups(pattern)
    for seg, text in turns:
        found = [evidence_of(seg, _quoted(m, quotes)) for m in pattern.finditer(text)]
        if found and not (exclude and _heard_excluded(view, seg.text, exclude)):
            evidence += found
    belief = float(p["belief"]) if evidence and "belief" in p else None
    return Hit(bool(evidence), len(evidence), tuple(evidence), belief, frozenset({"regex"}))


def _last_agent_turn(view: CallView, before_s: float) -> list[int]:
    """The segments of the agent's last turn ending by `before_s` (the agent's segments with no
    customer's between them): what the agent said last before a silence."""
    ended = [i for i, s in enumerate(view.segments) if s.end_s <= before_s]
    turn: list[int] = []
    for i in reversed(ended):
        if str(view.segments[i].role) != "agent":
            if turn:
                break
            continue
        turn.append(i)
    return turn


@operator(
    "silence",
    required=("min_ms",),
    optional=("exclude_announced", "announce", "announce_act", "announce_within_s", "before_role"),
    basis="metric",
)
def silence(view: CallView, p: Params) -> Hit:
    """Silences between turns of at least min_ms, optionally not counting announced holds: a
    wait the agent announced in their last turn before the silence, within
    `announce_within_s` of it (a 我看一下 said before the customer answered and the agent spoke
    again announces nothing of the silence after)."""
    min_s = float(p["min_ms"]) / 1000.0
    announce = p.get("announce", ())
    within = float(p.get("announce_within_s", 30))
    announced_by_act = view.intent(p["announce_act"]) if "announce_act" in p else None
    evidence = []
    for gap in view.metrics.silences:
        if gap.duration_s < min_s or gap.before_role == "start" or gap.after_role == "end":
            continue
        if "before_role" in p and gap.after_role != p["before_role"]:
            continue  # e.g. only the agent's slow answers: silences the agent ends
        if p.get("exclude_announced") and any(
            gap.start_s - within <= view.segments[i].end_s
            and (
                holds_any(view.segments[i].text, announce)
                or (announced_by_act is not None and announced_by_act[i] >= 0.5)
            )
            for i in _last_agent_turn(view, gap.start_s + 0.5)
        ):
            continue
        evidence.append(
            Evidence(
                gap.start_s,
                gap.end_s,
                "silence",
                f"静音 {gap.duration_s:.1f} 秒",
                f"{gap.duration_s:.1f}s",
            )
        )
    return Hit(bool(evidence), len(evidence), tuple(evidence))


@operator(
    "overlap", required=(), optional=("interrupter", "min_s", "count", "total_s"), basis="metric"
)
def overlap(view: CallView, p: Params) -> Hit:
    """Talking over: at least `count` overlaps of min_s by the interrupter, or (with total_s)
    at least that many seconds of them in all."""
    who, min_s = p.get("interrupter", "agent"), float(p.get("min_s", 0.5))
    hits = [
        o
        for o in view.metrics.overlaps
        if o.duration_s >= min_s and (who == "any" or o.interrupter == who)
    ]
    evidence = tuple(
        Evidence(
            o.start_s,
            o.start_s + o.duration_s,
            o.interrupter,
            f"{o.interrupter} 抢话 {o.duration_s:.1f} 秒",
            f"{o.duration_s:.1f}s",
        )
        for o in hits
    )
    if "total_s" in p:
        return Hit(sum(o.duration_s for o in hits) >= float(p["total_s"]), len(hits), evidence)
    return Hit(len(hits) >= int(p.get("count", 1)), len(hits), evidence)


@operator("speech_rate", required=("min", "max"), optional=("role",), basis="metric")
def speech_rate(view: CallView, p: Params) -> Hit:
    """Matched when a role's rate (字/分钟 over its own talk time) is outside [min, max]."""
    role = p.get("role", "agent")
    rate = view.metrics.roles[role].speech_rate_cpm if role in view.metrics.roles else None
    if rate is None or float(p["min"]) <= rate <= float(p["max"]):
        return Hit.none()
    own = [s for s in view.segments if str(s.role) == role]
    span = Evidence(own[0].start_s, own[-1].end_s, role, f"语速 {rate:.0f} 字/分钟", f"{rate:.0f}")
    return Hit(True, 1, (span,))


@operator("turns", optional=("role", "min", "max"), basis="metric")
def turns(view: CallView, p: Params) -> Hit:
    """Matched when a role took from `min` to `max` turns (either bound may be left out): a
    short written exchange, where one sentence is most of what the customer said, beside a
    call of many turns. A turn is a speaker turn (view.speaker_turns): the segments ASR cut
    at a speaker's pauses are one."""
    role = p.get("role", "any")
    turn = view.speaker_turns
    count = len(
        {int(turn[i]) for i, s in enumerate(view.segments) if role == "any" or str(s.role) == role}
    )
    low, high = p.get("min"), p.get("max")
    ok = (low is None or count >= int(low)) and (high is None or count <= int(high))
    # no evidence: a count quotes nothing, and beside the words of an `all` it would read as
    # one more thing said
    return Hit(ok, count if ok else 0)


@operator("repeat", required=("n",), optional=("role", "min_chars"))
def repeat(view: CallView, p: Params) -> Hit:
    """Matched when a role says the same sentence n times or more."""
    seen: dict[str, list[Segment]] = {}
    for seg in select(view, p.get("role", "agent")):
        text = normalize(seg.text)
        if len(text) >= int(p.get("min_chars", 4)):
            seen.setdefault(text, []).append(seg)
    repeated = [segs for segs in seen.values() if len(segs) >= int(p["n"])]
    evidence = tuple(evidence_of(s, "repeat") for segs in repeated for s in segs)
    return Hit(bool(repeated), len(repeated), evidence)


@operator(
    "metadata", required=("field",), optional=("equals", "in", "min", "max"), basis="metadata"
)
def metadata(view: CallView, p: Params) -> Hit:
    """A call metadata field (duration_s, skill_queue, direction, any manifest column); `field`
    may list synonyms (the first present is read)."""
    names = p["field"] if isinstance(p["field"], list) else [p["field"]]
    value = next((view.metadata[n] for n in names if view.metadata.get(n) not in (None, "")), None)
    if value is None:
        return Hit.none()
    ok = True
    if "equals" in p:
        ok &= str(value) == str(p["equals"])
    if "in" in p:
        ok &= str(value) in {str(v) for v in p["in"]}
    if "min" in p:
        ok &= float(value) >= float(p["min"])
    if "max" in p:
        ok &= float(value) <= float(p["max"])
    return Hit(ok, int(ok))


@operator("asr_confidence", optional=("max_mean", "min_dropped_s", "role"), basis="metric")
def asr_confidence(view: CallView, p: Params) -> Hit:
    """Low recognition confidence: a role's mean segment confidence below max_mean (each role
    on its own when role is any), or at least min_dropped_s seconds of speech ASR dropped."""
    roles = ("agent", "customer") if p.get("role", "any") == "any" else (p["role"],)
    low: list[Segment] = []
    for role in roles:
        segs = select(view, role)
        mean = sum(s.confidence for s in segs) / len(segs) if segs else 1.0
        if "max_mean" in p and mean < float(p["max_mean"]):
            low += sorted(segs, key=lambda s: s.confidence)[:3]
    spans = view.transcript.dropped
    dropped_s = sum(e - s for s, e in spans)
    many_dropped = "min_dropped_s" in p and dropped_s >= float(p["min_dropped_s"])
    if not (low or many_dropped):
        return Hit.none()
    evidence = tuple(evidence_of(s, f"confidence {s.confidence:.2f}") for s in low)
    if many_dropped:
        evidence += tuple(Evidence(s, e, "asr", "未识别（已丢弃）", "dropped") for s, e in spans)
    return Hit(True, len(evidence), evidence)


@operator(
    "similar", required=("examples",), optional=("threshold", "role", "window"), basis="similar"
)
def similar(view: CallView, p: Params) -> Hit:
    """Semantic similarity to example sentences (m3e-small embeddings, cosine >= threshold)."""
    from scoring.embeddings import example_vectors, shared_encoder

    segs = select(view, p.get("role", "any"), p.get("window"))
    if not segs:
        return Hit.none()
    examples = tuple(p["examples"])
    sims = shared_encoder().encode([s.text for s in segs]) @ example_vectors(examples).T
    threshold = float(p.get("threshold", 0.8))
    evidence = tuple(
        evidence_of(seg, f"≈ {examples[int(row.argmax())]} ({row.max():.2f})")
        for seg, row in zip(segs, sims, strict=True)
        if row.max() >= threshold
    )
    return Hit(bool(evidence), len(evidence), evidence)


@operator(
    "sentiment",
    optional=("role", "below", "above", "min_anger", "where", "end_share", "drop"),
    basis="sentiment",
)
def sentiment(view: CallView, p: Params) -> Hit:
    """A role's per-turn sentiment (-1..1): anywhere, at the end (last share), or its trend.

    `where: anywhere|end` matches turns below/above a threshold (and, with `min_anger`, at least
    that angry); `where: trend` matches when the mean of the last share of the call is lower than
    the first share's by at least `drop`.
    Turns without a score (no sentiment stage ran) never match.
    """
    role = p.get("role", "customer")
    scored = [s for s in select(view, role) if s.sentiment is not None]
    if not scored:
        return Hit.none()
    where = p.get("where", "anywhere")
    share = float(p.get("end_share", 0.2))
    end = max(s.end_s for s in view.segments)
    if where == "trend":
        head = [s for s in scored if s.start_s < end * share]
        tail = [s for s in scored if s.end_s > end * (1 - share)]
        if not head or not tail:
            return Hit.none()
        change = np.mean([s.sentiment for s in tail]) - np.mean([s.sentiment for s in head])
        if change > -float(p.get("drop", 0.3)):
            return Hit.none()
        worst = min(tail, key=lambda s: s.sentiment)
        return Hit(True, 1, (evidence_of(worst, f"trend {change:+.2f}"),))
    if where == "end":
        scored = [s for s in scored if s.end_s > end * (1 - share)]
    min_anger = float(p.get("min_anger", 0.0))
    hits = [
        s
        for s in scored
        if (
            ("below" in p and s.sentiment < float(p["below"]))
            or ("above" in p and s.sentiment > float(p["above"]))
        )
        and (s.anger or 0.0) >= min_anger
    ]
    evidence = tuple(evidence_of(s, _sentiment_note(s)) for s in hits)
    return Hit(bool(hits), len(hits), evidence)


def _sentiment_note(seg: Segment) -> str:
    note = f"sentiment {seg.sentiment:+.2f}"
    return note if seg.anger is None else f"{note}, anger {seg.anger:.2f}"


def _said_before_more(segment: str, sentence: str, short: int) -> bool:
    """Whether a sentence shorter than `short` characters has more of its segment after it: a
    short reply the speaker goes on to explain or follow with an offer (办不了的。需要本人去营业
    厅办; 没事没事。那我这边给您约的是周一) is not that reply said and left alone."""
    said = normalize(sentence)
    return len(said) < short and not normalize(segment).endswith(said)


@operator(
    "intent",
    required=("act",),
    optional=(
        "role",
        "window",
        "min_p",
        "unless",
        "also",
        "also_in",
        "exclude",
        "exclude_turn",
        "mask",
        "aside",
        "aside_unless",
        "cue",
        "min_chars",
        "short_last",
        "min_count",
        "belief",
    ),
    basis="intent",
)
def intent(view: CallView, p: Params) -> Hit:
    """A dialogue act (scoring.intents.ACTS, or the scorecard's own) in a sentence, by the
    trained heads over the sentence vectors: matched where P(act) >= min_p (default 0.5); with
    `unless`, sentences that are rather one of those acts do not count; with `also` (act ->
    probability), only sentences that are also those acts count (`also_in: turn`: whose
    speaker turn holds a sentence, in the window and not left out by `exclude` or `mask`,
    that is those acts); nor do (`exclude`) those holding one of its phrases or matching its
    pattern (我不投诉) or `mask`'s (a model reads the whole sentence, so a masked word leaves
    the sentence out), nor (`exclude_turn`) the sentences of a turn that holds it anywhere (a
    threat taken back in the turn's next sentence: 再这样我就投诉……算了，我也不是真要投诉),
    nor sentences shorter than `min_chars`, nor (`short_last`) sentences shorter than that
    with more of their segment after them (a curt 办不了的 goes on to explain); nor (`aside`)
    those holding a look-alike's words named by their context (我们这是区法院) unless the
    rest of the sentence holds `aside_unless`'s (a threat said beside them: …，你们再不处理
    我就去告你们). With `cue` (phrases, or a pattern over the normalised sentence), only
    sentences that hold its words count: a lower `min_p` corroborated by the act's words in
    the same sentence (a churn threat the head is less sure of, with 不交了 or 号停掉 in it).
    With `min_count`, at least that many sentences must be the act (an act the model reads
    into one sentence only now and then, corroborated by another). The hit's belief is the
    highest probability among the sentences looked at (with `min_count`, the lowest of that
    many highest), so a near miss is routed by it; `belief` caps a match's (the model alone is
    a wider net than the act's words: a match is routed by the cap, and a fatal verdict
    resting on it waits for a reviewer)."""
    threshold = float(p.get("min_p", 0.5))
    exclude: Exclude = p.get("exclude")
    mask: Exclude = p.get("mask")
    aside: Exclude = p.get("aside")
    aside_unless: Exclude = p.get("aside_unless")
    exclude_turn: Exclude = p.get("exclude_turn")
    cue: Exclude = p.get("cue")
    min_chars = int(p.get("min_chars", 0))
    short_last = int(p.get("short_last", 0))
    min_count = int(p.get("min_count", 1))
    chosen = _chosen(view, p.get("role", "any"), p.get("window"))
    also_in = p.get("also_in", "sentence")

    def left_out(text: str) -> bool:
        """A sentence `exclude`, `mask` or `aside` leaves out of the act."""
        if any(x is not None and _heard_excluded(view, text, x) for x in (exclude, mask)):
            return True
        if aside is None or not _heard_excluded(view, text, aside):
            return False
        # a threat said beside the look-alike's words, not inside them (万一我要投诉的话…)
        # (the cut text is looked in as it is: normalising it again would join the words
        # either side of a cut)
        if aside_unless is None:
            return True
        rest = _masked_by_sound(text, aside)
        return not any(part.search(rest) for part in _alternatives(str(aside_unless)))

    # a turn's other sentences corroborate only where the act itself is looked for (the
    # window: a sentence speech recognition all but guessed is no grievance) and in the
    # caller's own words: what `exclude` or `mask` leaves out of the act (我妈说你们太过分了)
    # is no grievance of the turn either
    skip = None
    if also_in == "turn":

        def no_grievance(segment: int, text: str) -> bool:
            return segment not in chosen or left_out(text)

        skip = (
            (
                chosen,
                _exclude_key(exclude),
                _exclude_key(mask),
                _exclude_key(aside),
                _exclude_key(aside_unless),
            ),
            no_grievance,
        )
    ranked, texts = view.ranked_intent(
        p["act"], unless_of(p.get("unless")), p.get("also"), also_in, skip, threshold
    )
    # the min_count highest probabilities among the sentences looked at: the belief is the
    # lowest of them (P that min_count sentences are the act)
    top = [0.0] * min_count
    first_unit: dict[int, int] = {}  # segment -> its earliest sentence at the threshold
    for u, i, prob in ranked:  # likeliest first
        if prob <= top[0] and prob < threshold:  # neither this nor a later one changes anything
            break
        if (
            i not in chosen
            or left_out(texts[u])
            or (
                exclude_turn is not None and _excluded_in(view, view.segments[i].text, exclude_turn)
            )
            or (min_chars and len(normalize(texts[u])) < min_chars)
            or (short_last and _said_before_more(view.segments[i].text, texts[u], short_last))
            or (cue is not None and not _excluded_in(view, texts[u], cue))
        ):
            continue
        if prob > top[0]:
            heapq.heapreplace(top, prob)
        if prob >= threshold and u < first_unit.get(i, u + 1):
            first_unit[i] = u
    best = top[0]
    if best < threshold:
        return Hit(False, 0, (), p=best)
    # a turn's evidence quotes its first sentence that is the act, whatever order they were read
    found = tuple(evidence_of(view.segments[i], texts[first_unit[i]]) for i in sorted(first_unit))
    return Hit(bool(found), len(found), found, p=min(best, float(p.get("belief", 1.0))))
