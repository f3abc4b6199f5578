"""The rule engine: pure, from a measured transcript and a scorecard to a CallResult.

Every item verdict carries its basis (exact phrase, regex, metric, intent model, homophone ...)
and a confidence, and is routed by the scorecard's thresholds: final, sampled for a check, or
sent to review; a raised flag carries its basis and confidence too. A fatal item zeroes a call
only on exact wording or a pattern; on model or homophone evidence alone it waits for a reviewer
(no false fatal verdicts from fuzzy matches).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from asr.types import Transcript
from scoring.conditions import CallView, Hit
from scoring.matching import normalize
from scoring.operators import (
    REGISTRY,
    _excluded_in,
    _pattern,
    mask_spans,
    quote_groups,
    quoted_span,
)
from scoring.operators import _spans as pattern_spans
from scoring.scorecard import All, AnyOf, Condition, Item, Not, Op, Order, Routing, Scorecard
from scoring.types import CallResult, Evidence, Flag, ItemResult, ItemStatus, Metrics

#: the kinds of evidence a fatal verdict may rest on without a reviewer
FIRM = frozenset({"exact", "regex"})
PROVISIONAL = "致命项仅有模糊或模型证据，待人工确认"


def zeroes(item: ItemResult) -> bool:
    """A failed fatal item that zeroes the machine score (not one waiting for a reviewer)."""
    return item.fatal and item.status == ItemStatus.FAILED and item.review_reason != PROVISIONAL


def check(condition: Condition, view: CallView, only: frozenset[str] | None = None) -> Hit:
    """Evaluate a condition tree; evidence of matched children is kept. With `only`, operators
    of other kinds of evidence count as not matched (would the verdict stand on those alone?)."""
    if isinstance(condition, Op):
        op = REGISTRY[condition.name]
        if only is not None and op.basis not in only:
            return Hit.none(frozenset({op.basis}))
        # an operator reads only the call and its parameters: once per call for the same
        # parameters (a scorecard shares conditions between items; a fatal item's recheck
        # reads its condition again)
        key = ("op", condition.key)
        hit = view.memo.get(key)
        if hit is None:
            hit = op.run(view, condition.params)
            if not hit.basis:  # the operator's own kind
                hit = Hit(hit.matched, hit.count, hit.evidence, hit.p, op.bases)
            view.memo[key] = hit
        if only is not None and not (hit.basis <= only and hit.belief in (0.0, 1.0)):
            return Hit.none(hit.basis)  # e.g. a keyword matched by homophone only
        return hit
    if isinstance(condition, All):
        hits = [check(c, view, only) for c in condition.children]
        ok = all(h.matched for h in hits)
        deciding = hits if ok else [h for h in hits if not h.matched]
        return Hit(
            ok,
            min(h.count for h in hits) if ok else 0,
            tuple(e for h in hits for e in h.evidence) if ok else (),
            p=min(h.belief for h in hits),
            basis=frozenset().union(*(h.basis for h in deciding)),
        )
    if isinstance(condition, AnyOf):
        hits = [check(c, view, only) for c in condition.children]
        matched = [h for h in hits if h.matched]
        # what decided it: the surest matching branch (an exact phrase over a model's guess)
        surest = max((h.belief for h in matched), default=0.0)
        deciding = [h for h in matched if h.belief == surest] or hits
        return Hit(
            bool(matched),
            sum(h.count for h in matched),
            tuple(e for h in matched for e in h.evidence),
            p=max(h.belief for h in hits),
            basis=frozenset().union(*(h.basis for h in deciding)),
        )
    if isinstance(condition, Not):
        inner = check(condition.child, view, only)
        return Hit(
            not inner.matched, 0 if inner.matched else 1, p=1.0 - inner.belief, basis=inner.basis
        )
    if isinstance(condition, Order):
        return _order(condition, view, only)
    raise TypeError(f"unknown condition {condition!r}")


def _turns_between(view: CallView, a: Evidence, b: Evidence) -> int:
    return sum(1 for s in view.segments if a.start_s < s.start_s <= b.start_s)


def _answered(
    view: CallView,
    a: Evidence,
    then: tuple[Evidence, ...],
    within: int | None,
    breaks: tuple[float, ...] = (),
) -> list:
    return [
        b
        for b in then
        if b.start_s >= a.start_s
        and (within is None or _turns_between(view, a, b) <= within)
        and not any(a.start_s < t < b.start_s for t in breaks)
    ]


def _order(condition: Order, view: CallView, only: frozenset[str] | None = None) -> Hit:
    """`any`: some A is followed by some B (within N turns); `each`: every A is; `first`: the
    earliest A comes no later than the earliest B (nothing of B happens before A). With `until`
    (any / each), a B after a segment `until` quotes that came after the A answers another
    matter, not that A."""
    first, then = check(condition.first, view, only), check(condition.then, view, only)
    p = min(first.belief, then.belief)
    basis = first.basis | then.basis
    if not (first.matched and then.matched):
        return Hit.none(basis, p)
    if condition.mode == "first":
        a = min(first.evidence, key=lambda e: e.start_s)
        b = min(then.evidence, key=lambda e: e.start_s)
        if a.start_s > b.start_s:
            return Hit(False, 0, (b,), p=0.0, basis=basis)
        return Hit(True, 1, (a, b), p=p, basis=basis)
    # `until`: what comes between an A and a B so that the B answers something else (not read
    # with `only`: it says where the call's matters part, not what a verdict stands on)
    breaks: tuple[float, ...] = ()
    if condition.until is not None:
        breaks = tuple(e.start_s for e in check(condition.until, view).evidence)
    pairs = [
        (a, _answered(view, a, then.evidence, condition.within_turns, breaks))
        for a in first.evidence
    ]
    answered = [(a, bs) for a, bs in pairs if bs]
    ok = len(answered) == len(pairs) if condition.mode == "each" else bool(answered)
    if not ok:
        unanswered = tuple(a for a, bs in pairs if not bs)
        return Hit(False, 0, unanswered, p=0.0, basis=basis)
    evidence = tuple(dict.fromkeys(e for a, bs in answered for e in (a, bs[0])))
    return Hit(True, len(answered), evidence, p=p, basis=basis)


def _route(confidence: float, routing: Routing, key: str) -> str:
    if confidence >= routing.final_at:
        return "final"
    if confidence < routing.review_below:
        return "review"
    draw = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "sampled" if draw < routing.sample_rate else "final"


def score_item(item: Item, view: CallView, routing: Routing, call_key: str = "") -> ItemResult:
    routing = item.routing or routing
    applies = _applies(item, view)
    if applies is None or not applies.matched:
        confidence = applies.confidence if applies is not None else 1.0
        basis = tuple(sorted(applies.basis)) if applies is not None else ("metadata",)
        route = _route(confidence, routing, f"{call_key}:{item.id}")
        return ItemResult(
            item.id,
            item.title,
            ItemStatus.NOT_APPLICABLE,
            needs_review=route != "final",
            confidence=round(confidence, 3),
            basis=basis,
            route=route,
            review_reason="置信度低" if route != "final" else "",
        )
    if item.fail_when is not None:
        hit = check(item.fail_when, view)
        failed, occurrences, evidence = hit.matched, max(hit.count, 1), hit.evidence
    else:
        assert item.pass_when is not None
        hit = check(item.pass_when, view)
        # a missing behaviour is shown by what made the item apply (e.g. the disclosure)
        failed, occurrences = not hit.matched, 1
        evidence = hit.evidence if hit.matched else applies.evidence
    confidence = min(hit.confidence, applies.confidence)
    basis = tuple(sorted(hit.basis | (applies.basis if item.applies_when else frozenset())))
    route = _route(confidence, routing, f"{call_key}:{item.id}")
    reason = {"review": "置信度低", "sampled": "抽检"}.get(route, "")
    common = {"confidence": round(confidence, 3), "basis": basis, "evidence": evidence}
    if not failed:
        return ItemResult(
            item.id,
            item.title,
            ItemStatus.PASSED,
            needs_review=route != "final",
            route=route,
            review_reason=reason,
            **common,
        )
    if item.fatal and not _firm(item, view, hit):
        # a fatal verdict on a homophone or a model alone does not zero the machine score: it
        # waits for a reviewer (a review round that keeps it zeroes the reviewed score)
        return ItemResult(
            item.id,
            item.title,
            ItemStatus.FAILED,
            deduction=0.0,
            fatal=True,
            needs_review=True,
            route="review",
            review_reason=PROVISIONAL,
            **common,
        )
    return ItemResult(
        item.id,
        item.title,
        ItemStatus.FAILED,
        deduction=min(item.deduction * occurrences, item.cap),
        fatal=item.fatal,
        needs_review=item.review or item.fatal or route != "final",
        route=route,
        review_reason=reason or ("致命项" if item.fatal else "需复核项" if item.review else ""),
        **common,
    )


def _firm(item: Item, view: CallView, hit: Hit) -> bool:
    """Whether a failed fatal item stands on exact wording or a pattern alone."""
    if item.fail_when is not None:
        return check(item.fail_when, view, FIRM).matched
    return hit.basis <= FIRM and hit.belief in (0.0, 1.0)


def _applies(item: Item, view: CallView) -> Hit | None:
    """None when the call is outside the item's scope; else the applicability hit."""
    meta = view.metadata
    a = item.applies_to
    if a.skill_queues and meta.get("skill_queue") not in a.skill_queues:
        return None
    if a.directions and meta.get("direction") not in a.directions:
        return None
    if a.min_duration_s and view.metrics.duration_s < a.min_duration_s:
        return None
    if item.applies_when is None:
        return Hit(True)
    return check(item.applies_when, view)


def _once(evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """A flag's evidence in call order, each sentence once (several branches of a flag often
    quote the same sentence; the first quote is kept)."""
    seen: dict[tuple[float, float, str, str], Evidence] = {}
    for e in evidence:
        seen.setdefault((e.start_s, e.end_s, e.role, e.text), e)
    return tuple(sorted(seen.values(), key=lambda e: e.start_s))


#: the confidence of a doubted flag: on the development sets and the reviews' sentences a flag
#: the context heads doubt was about as often a real threat as a look-alike, whatever P(aside)
DOUBTED = 0.5


def _ops(condition: Condition) -> tuple[Op, ...]:
    """Every operator of a condition tree, in order."""
    if isinstance(condition, Op):
        return (condition,)
    if isinstance(condition, All | AnyOf):
        return tuple(o for c in condition.children for o in _ops(c))
    if isinstance(condition, Not):
        return _ops(condition.child)
    if isinstance(condition, Order):
        return _ops(condition.first) + _ops(condition.then)
    return ()


def _model_reads(condition: Condition) -> tuple[tuple[str, float], ...]:
    """(act, min_p) of every intent condition in a condition tree."""
    return tuple(
        (o.params["act"], float(o.params.get("min_p", 0.5)))
        for o in _ops(condition)
        if o.name == "intent"
    )


def _doubted(
    view: CallView,
    evidence: tuple[Evidence, ...],
    doubt: tuple[tuple[str, float], ...],
    reads: tuple[tuple[str, float], ...] = (),
    unread: tuple[str, float, str, float] | None = None,
    unless: tuple[tuple[str, float], ...] = (),
) -> bool:
    """Whether every sentence the flag may rest on is one of the `doubt` acts (a complaint made
    long ago, someone else's threat). For quoted words, the sentences that hold them; for a
    sentence a model quoted (a whole sentence), also every other sentence of its turn that the
    flag's intent conditions (`reads`: act, min_p) may have matched (a model quotes a turn's
    first sentence at its threshold, and a later one may be the threat). Not doubted where
    there is no evidence or the quoted words cannot be placed in a sentence. A doubted flag is
    still raised (a sentence may join an aside and a real threat): a reviewer decides, the
    machine drops nothing. With `unread` (aside act, at least, act, under), a sentence at least
    that likely the aside act that the act's head reads under `under` counts as an aside too.
    A sentence at least as likely one of the `unless` acts as its probability is never an
    aside (a threat its head is all but certain of)."""
    if not evidence:
        return False
    owner, texts, probs = view._units
    aside = view.context_probability

    side, at_least, act, under = unread or ("", 0.0, "", 0.0)

    def doubted(u: int) -> bool:
        if any(probs[sure][u] >= at for sure, at in unless):
            return False
        if any(aside(a, u) >= at for a, at in doubt):
            return True
        return unread is not None and aside(side, u) >= at_least and probs[act][u] < under

    where = view.quoted_turns
    for e in evidence:
        i, match = where.get((e.start_s, e.text)), normalize(e.match)
        turn = np.flatnonzero(owner == i).tolist() if i is not None else []
        units = [u for u in turn if match and match in normalize(texts[u])]
        if not units:
            return False
        if any(match == normalize(texts[u]) for u in units):  # a sentence a model read
            units += [u for u in turn if any(probs[act][u] >= at for act, at in reads)]
        if not all(doubted(u) for u in units):
            return False
    return True


def _intents(condition: Condition) -> tuple[dict[str, Any], ...]:
    """The parameters of every intent condition that raises the flag by itself (the tree's
    root, or a branch of `any` under it): not one that only corroborates in an `all`, is
    negated or ordered."""
    if isinstance(condition, Op):
        return (condition.params,) if condition.name == "intent" else ()
    if isinstance(condition, AnyOf):
        return tuple(q for c in condition.children for q in _intents(c))
    return ()


def _masks(condition: Condition) -> tuple[str | tuple[str, ...], ...]:
    """The `mask` of every condition in a tree (a pattern, or phrases): the words a flag's
    conditions do not count, so no quote inside them is a threat."""
    masks = (o.params.get("mask") for o in _ops(condition))
    return tuple(m if isinstance(m, str) else tuple(map(str, m)) for m in masks if m)


def _patterns(condition: Condition) -> tuple[str, ...]:
    """The pattern of every regex condition in a tree."""
    return tuple(str(o.params["pattern"]) for o in _ops(condition) if o.name == "regex")


def _quoted_at(norm: str, patterns: tuple[str, ...], match: str) -> set[int]:
    """Where in a turn's normalised text the flag's patterns quote `match` (a regex's quote
    group, or its whole match): the same words said again where no pattern matches them
    (刚才是气话，你别记我不续费了) are no threat."""
    out = set()
    for raw in patterns:
        pattern = _pattern(raw)
        quotes = quote_groups(pattern)
        for m in pattern.finditer(norm):
            start, end = quoted_span(m, quotes)
            if norm[start:end] == match:
                out.add(start)
    return out


def _spans(norm: str, words: str | tuple[str, ...]) -> list[tuple[int, int]]:
    """Where a pattern, or any of the phrases, is in normalised text: (start, end). A pattern's
    group named `take`, where it matched, is the span (a guard read from the sentence's start,
    ^(?!.*要是).*?(?P<take>不投诉了), leaves what comes before the words a threat)."""
    if isinstance(words, str):
        pattern = _pattern(words)
        if "take" not in pattern.groupindex:
            return pattern_spans(words, norm)
        return [
            m.span("take") if m.group("take") is not None else m.span()
            for m in pattern.finditer(norm)
        ]
    out = []
    for phrase in filter(None, map(normalize, words)):
        k = norm.find(phrase)
        while k >= 0:
            out.append((k, k + len(phrase)))
            k = norm.find(phrase, k + 1)
    return out


#: what turns a sentence back to a threat after a take-back (刚才是气话，不过…)
_CONTRAST = re.compile("但是|不过|可是|然而")


def _read_up_to(norm: str, a: int, b: int, taken: list[tuple[int, int]]) -> int:
    """Where a sentence a model read as a threat (norm[a:b]) is a threat up to: its last
    character; but where it holds take-back words with no 但是/不过/可是/然而 after them, only
    what comes before the first of them: the model read the sentence whole, so where in it the
    threat is cannot be told (再这样我就投诉你们，我也不是真要投诉 and 刚才是气话，明天再不修我就去
    总部闹 alike), and a reviewer decides."""
    inside = [(x, y) for x, y in taken if a <= x and y <= b]
    if not inside or _CONTRAST.search(norm, max(y for _, y in inside), b):
        return b - 1
    return min(x for x, _ in inside) - 1


def _taken_back(
    view: CallView,
    evidence: tuple[Evidence, ...],
    words: str | None,
    acts: tuple[tuple[str, float], ...] = (),
    reads: tuple[dict[str, Any], ...] = (),
    masks: tuple[str | tuple[str, ...], ...] = (),
    words_decide: str | None = None,
    patterns: tuple[str, ...] = (),
) -> bool:
    """Whether the speaker takes back every threat the flag quotes, after the last of them:
    words that `words` (a regular expression over normalised text) matches in one of their
    sentences (我也不是真要投诉, 刚才是气话), or a sentence a context head reads as one of
    `acts` (act, min_p: 刚才那话你就当没听见). Read in call order, character by character
    within a turn: quoted words said after the take-back stand (刚才是气话，不过再不修我真去消
    协), and so do those in the sentence the head reads (骂人那句我收回，但投诉照样要投). Words
    quoted inside take-back words (不是真要投诉's 投诉) or inside the flag's `masks` (我没想投诉)
    are no threat. A sentence a model quoted whole is a threat up to its last character, or up
    to take-back words inside it (`_read_up_to`), and so is every other sentence of its turn an
    intent condition that raises the flag by itself (`reads`: their parameters) would match (a
    model quotes a turn's first sentence at its threshold). A sentence `words_decide` matches is
    a take-back by the words only, whatever the heads read in it. Not taken back where there is
    no evidence, the quotes are of more than one speaker or a quote cannot be placed. Words a
    regex quoted are placed where one of the flag's `patterns` quotes them in the turn."""
    roles = {e.role for e in evidence}
    if len(roles) != 1:
        return False
    (role,) = roles
    where = view.quoted_turns
    norms = [normalize(s.text) for s in view.segments]
    # each turn's sentences of the speaker: (start, end) in the turn's normalised text, and
    # the take-backs: words (start, end), and where each sentence the heads read as one starts
    _, owner, texts, _, _ = view._unit_inputs
    units: list[list[tuple[int, int, int]]] = [[] for _ in norms]  # (unit, start, end)
    for i in {int(i) for i in owner.tolist()}:
        at = 0
        for u in np.flatnonzero(owner == i).tolist():
            sentence = normalize(texts[u])
            found = norms[i].find(sentence, at) if sentence else -1
            if found >= 0:
                at = found + len(sentence)
                units[i].append((u, found, at))
    spans: list[list[tuple[int, int]]] = [[] for _ in norms]
    starts: list[list[int]] = [[] for _ in norms]
    for i, s in enumerate(view.segments):
        if str(s.role) != role:
            continue
        for u, a, b in units[i]:
            if words:  # within a sentence, never across the end of one
                spans[i] += [(a + x, a + y) for x, y in _spans(norms[i][a:b], words)]
            if words_decide and _pattern(words_decide).search(norms[i][a:b]):
                continue  # left to the words
            if any(view.context_probability(act, u) >= p for act, p in acts):
                starts[i].append(a)
    probs = view._units[2] if reads else {}

    def read(u: int) -> bool:  # a sentence one of the flag's intent conditions would match
        text = texts[u]
        return any(
            probs[q["act"]][u] >= float(q.get("min_p", 0.5))
            and len(normalize(text)) >= int(q.get("min_chars", 0))
            and not any(q.get(k) and _excluded_in(view, text, q[k]) for k in ("exclude", "mask"))
            for q in reads
        )

    last = (-1, -1)  # the latest threat: (turn, character)
    for e in evidence:
        i, match = where.get((e.start_s, e.text)), normalize(e.match)
        if i is None or not match:
            return False
        norm = norms[i]
        at = [k for k in range(len(norm)) if norm.startswith(match, k)]
        if not at:
            return False
        if any(match == norm[a:b] for _, a, b in units[i]):  # a sentence a model read
            threats = [_read_up_to(norm, k, k + len(match), spans[i]) for k in at]
            threats += [_read_up_to(norm, a, b, spans[i]) for u, a, b in units[i] if read(u)]
        else:  # quoted words, unless inside take-back words or masked words
            hidden = spans[i] + [
                x
                for m in masks
                for x in (mask_spans(m, norm) if isinstance(m, str) else _spans(norm, m))
            ]
            threats = [k for k in at if not any(a <= k and k + len(match) <= b for a, b in hidden)]
            # where one of the flag's patterns quotes them (the words said again unmatched,
            # 我可没说不续费了, are none); where none does (a keyword's words, or a turn whose
            # masked text the pattern read differently), wherever they are
            quoted_at = _quoted_at(norm, patterns, match)
            placed = [k for k in threats if k in quoted_at]
            threats = placed or threats
        last = max([last, *((i, k) for k in threats)])
    return any(
        (i, a) > last for i in range(len(norms)) for a in [a for a, _ in spans[i]] + starts[i]
    )


def spoken_chars(transcript: Transcript) -> int:
    return sum(len("".join(s.text.split())) for s in transcript.segments)


def evaluate(
    transcript: Transcript,
    metrics: Metrics,
    scorecard: Scorecard,
    metadata: dict[str, Any] | None = None,
) -> CallResult:
    """Score one call; pure (no database, no I/O)."""
    metadata = metadata or {}
    if spoken_chars(transcript) < scorecard.min_speech_chars:
        # silence, line noise, music: nothing to judge, and nothing counts in QA statistics
        return CallResult(scorecard.name, scorecard.version, 0.0, False, False, no_speech=True)
    view = CallView(transcript, metrics, metadata, scorecard.custom_heads)
    first = transcript.segments[0].text if transcript.segments else ""
    key = str(metadata.get("call_id") or first)
    items = tuple(score_item(item, view, scorecard.routing, key) for item in scorecard.items)
    fatal = any(zeroes(i) for i in items)
    score = 0.0 if fatal else max(scorecard.base - sum(i.deduction for i in items), 0.0)
    flags = []
    for rule in scorecard.flags:
        hit = check(rule.when, view)
        if hit.matched:
            confidence, basis = hit.confidence, hit.basis
            route = _route(confidence, rule.routing or scorecard.routing, f"{key}:{rule.id}")
            doubts = set()
            if (rule.doubt or rule.doubt_unread) and _doubted(
                view,
                hit.evidence,
                rule.doubt,
                _model_reads(rule.when),
                rule.doubt_unread,
                rule.doubt_unless,
            ):
                doubts.add("context")  # every quoted sentence an aside
            if (rule.taken_back or rule.taken_back_acts) and _taken_back(
                view,
                hit.evidence,
                rule.taken_back,
                rule.taken_back_acts,
                _intents(rule.when),
                _masks(rule.when),
                rule.taken_back_words_decide,
                _patterns(rule.when),
            ):
                if rule.taken_back_drop:
                    continue  # every quoted threat taken back after it: no flag
                doubts.add("taken_back")  # the same, doubted: a reviewer decides
            if doubts:  # still raised, never final: a reviewer decides, told why
                confidence, basis, route = min(confidence, DOUBTED), basis | doubts, "review"
            flags.append(
                Flag(
                    rule.id, _once(hit.evidence), round(confidence, 3), tuple(sorted(basis)), route
                )
            )
    return CallResult(
        scorecard=scorecard.name,
        scorecard_version=scorecard.version,
        score=round(score, 2),
        fatal=fatal,
        needs_review=any(i.needs_review for i in items),
        items=items,
        flags=tuple(flags),
    )
