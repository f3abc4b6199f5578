"""Scorecards (质检方案) as YAML: sections of items with points, deductions and conditions.

Validated when loaded; every error names the file, the item and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from core.errors import ScorecardError
from scoring.custom_acts import fit_custom_acts, parse_acts
from scoring.intents import ALL_ACTS, CONTRAST_ACTS, CONTRAST_AGAINST, IntentHeads
from scoring.operators import REGISTRY, ROLES, WINDOW_KEYS, unless_of

BUILTIN_DIR = Path(__file__).with_name("scorecards")
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Op:
    name: str
    params: dict[str, Any]

    @cached_property
    def key(self) -> str:
        """The operator and its parameters as text: two conditions with the same key read a
        call the same way (a YAML anchor shared between items is parsed once per use)."""
        return self.name + json.dumps(self.params, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class All:
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    child: Condition


@dataclass(frozen=True)
class Order:
    """`first` holds before `then` (and, with within_turns, no more than N turns before)."""

    first: Condition
    then: Condition
    within_turns: int | None = None
    #: any: some A is followed by a B; each: every A is answered by a B; first: the earliest A
    #: comes before the earliest B
    mode: str = "any"
    #: (any / each) a B answers an A only if no segment this condition quotes comes between
    #: them (a second matter raised: 还有个事, 第二个…, after which the agent's help is for it)
    until: Condition | None = None


Condition = Op | All | AnyOf | Not | Order

#: the keys an `order` condition takes
ORDER_KEYS = ("first", "then", "within_turns", "mode", "until")


@dataclass(frozen=True)
class AppliesTo:
    skill_queues: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    min_duration_s: float = 0.0


@dataclass(frozen=True)
class Routing:
    """Where a verdict goes by its confidence: final at or above `final_at`, review below
    `review_below`, and in between a `sample_rate` share is sampled for a routine check."""

    final_at: float = 0.85
    review_below: float = 0.65
    sample_rate: float = 0.2


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    section: str
    points: float
    deduction: float
    cap: float
    severity: str
    fatal: bool
    review: bool
    applies_to: AppliesTo
    applies_when: Condition | None
    fail_when: Condition | None
    pass_when: Condition | None
    routing: Routing | None = None


@dataclass(frozen=True)
class FlagRule:
    id: str
    title: str
    when: Condition
    #: where a raised flag goes by its confidence (the scorecard's routing when None)
    routing: Routing | None = None
    #: (act, probability): a flag every quoted sentence of which is at least that likely one of
    #: these acts (a complaint made long ago, someone else's) is doubted: its confidence falls
    #: to the likeliest that a quoted sentence is not, and the routing sends it to a reviewer
    doubt: tuple[tuple[str, float], ...] = ()
    #: (aside act, at least, act, under): a quoted sentence at least that likely the aside act
    #: that the act's own head reads under `under` is doubted too: neither head reads a threat
    #: in it (我是做自媒体的, 工信部的人上次来测过信号), each alone too weak to doubt by
    doubt_unread: tuple[str, float, str, float] | None = None
    #: (act, probability): a quoted sentence at least that likely one of these acts (the
    #: threat itself) is never doubted, by `doubt` or by `doubt_unread`: the threat head all but
    #: certain of a threat outweighs the context head's reading of the aside beside it (投诉这种
    #: 事我一般犯不上，但这回我非去工信部不可)
    doubt_unless: tuple[tuple[str, float], ...] = ()
    #: `taken_back`'s words (one regular expression, looked for in each of the speaker's
    #: sentences, normalised) and acts (act, probability): a flag every quoted threat of which
    #: comes before such words (刚才是气话, 我也不是真要投诉) or a sentence of such an act, said
    #: by the same speaker, is doubted as above; in call order, so a threat said again after
    #: them stands
    taken_back: str | None = None
    taken_back_acts: tuple[tuple[str, float], ...] = ()
    #: `taken_back`'s `words_decide`: a sentence this pattern matches is a take-back only by
    #: the words; the acts' reading of it does not count (the head reads an accusation, 刚才是
    #: 你瞎说的, as readily as the caller's own 刚才是我瞎说的)
    taken_back_words_decide: str | None = None
    #: `taken_back`'s `drop`: a flag every quoted threat of which is taken back is not raised
    #: at all (rather than doubted and sent to a reviewer)
    taken_back_drop: bool = False


@dataclass(frozen=True)
class Scorecard:
    name: str
    version: str
    base: float
    items: tuple[Item, ...]
    flags: tuple[FlagRule, ...] = field(default_factory=tuple)
    routing: Routing = field(default_factory=Routing)
    #: fewer spoken characters than this and the call is `no speech`, not scored
    min_speech_chars: int = 10
    #: the scorecard's own acts, fitted from its examples when it loads
    custom_heads: IntentHeads | None = None
    #: how well each own act's examples separate (cross-validated), for the author
    custom_report: dict[str, dict[str, float]] = field(default_factory=dict)


class _Ctx:
    def __init__(self, source: str, where: str, acts: frozenset[str] = frozenset(ALL_ACTS)) -> None:
        self.source, self.where, self.acts = source, where, acts

    def error(self, field_name: str, message: str) -> ScorecardError:
        return ScorecardError(f"{self.source}: {self.where}: field '{field_name}': {message}")


def parse_condition(raw: Any, ctx: _Ctx, path: str) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ctx.error(
            path,
            "a condition is a mapping with one key: all, any, not, order or "
            f"an operator ({', '.join(sorted(REGISTRY))})",
        )
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ctx.error(f"{path}.{key}", "needs a non-empty list of conditions")
        children = tuple(parse_condition(c, ctx, f"{path}.{key}[{i}]") for i, c in enumerate(value))
        return All(children) if key == "all" else AnyOf(children)
    if key == "not":
        return Not(parse_condition(value, ctx, f"{path}.not"))
    if key == "order":
        if not isinstance(value, dict) or not {"first", "then"} <= set(value):
            raise ctx.error(f"{path}.order", "needs 'first' and 'then' conditions")
        within = value.get("within_turns")
        mode = value.get("mode", "any")
        if mode not in ("any", "each", "first"):
            raise ctx.error(f"{path}.order.mode", f"{mode!r} is not any, each or first")
        unknown = sorted(set(value) - set(ORDER_KEYS))
        if unknown:
            raise ctx.error(
                f"{path}.order.{unknown[0]}", f"unknown key (allowed: {', '.join(ORDER_KEYS)})"
            )
        if "until" in value and mode == "first":
            raise ctx.error(f"{path}.order.until", "applies to mode any or each, not first")
        return Order(
            parse_condition(value["first"], ctx, f"{path}.order.first"),
            parse_condition(value["then"], ctx, f"{path}.order.then"),
            int(within) if within is not None else None,
            mode,
            parse_condition(value["until"], ctx, f"{path}.order.until")
            if "until" in value
            else None,
        )
    if key not in REGISTRY:
        raise ctx.error(path, f"unknown operator {key!r} (known: {', '.join(sorted(REGISTRY))})")
    return Op(key, _check_params(key, value, ctx, f"{path}.{key}"))


def _check_params(name: str, params: Any, ctx: _Ctx, path: str) -> dict[str, Any]:
    op = REGISTRY[name]
    if not isinstance(params, dict):
        raise ctx.error(path, "operator parameters must be a mapping")
    for required in op.required:
        if required not in params:
            raise ctx.error(f"{path}.{required}", "missing")
    for key in params:
        if key not in op.required + op.optional:
            raise ctx.error(
                f"{path}.{key}",
                f"unknown parameter (allowed: {', '.join(op.required + op.optional)})",
            )
    if "role" in params and params["role"] not in ROLES:
        raise ctx.error(f"{path}.role", f"{params['role']!r} is not one of {', '.join(ROLES)}")
    if "window" in params:
        window = params["window"]
        if not isinstance(window, dict) or not set(window) <= set(WINDOW_KEYS):
            raise ctx.error(f"{path}.window", f"use only {', '.join(WINDOW_KEYS)}")
        heard = window.get("min_heard", 0.0)
        if isinstance(heard, bool) or not isinstance(heard, int | float) or not 0 <= heard <= 1:
            raise ctx.error(f"{path}.window.min_heard", f"{heard!r} is not a number from 0 to 1")
    if name == "sentiment" and params.get("where", "anywhere") not in ("anywhere", "end", "trend"):
        raise ctx.error(f"{path}.where", f"{params['where']!r} is not anywhere, end or trend")
    if name == "turns":
        bounds = {k: params[k] for k in ("min", "max") if k in params}
        if not bounds:
            raise ctx.error(path, "needs min, max or both")
        for key, value in bounds.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ctx.error(f"{path}.{key}", f"must be a whole number >= 0, got {value!r}")
        if bounds.get("min", 0) > bounds.get("max", bounds.get("min", 0)):
            raise ctx.error(path, f"min {bounds['min']} is above max {bounds['max']}")
    if name == "keyword":
        words = params["words"]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise ctx.error(f"{path}.words", "needs a non-empty list of phrases")
        if params.get("mode", "any") not in ("any", "all", "atleast", "none"):
            raise ctx.error(f"{path}.mode", f"{params['mode']!r} is not any, all, atleast or none")
    if name == "intent":
        also = params.get("also", {})
        if not isinstance(also, dict):
            raise ctx.error(f"{path}.also", "needs a mapping of act -> probability")
        for act in [params["act"], *also]:
            _known_act(act, ctx, f"{path}.act")
        if "also_in" in params:
            if not also:
                raise ctx.error(f"{path}.also_in", "only goes with also")
            if params["also_in"] not in ("sentence", "turn"):
                raise ctx.error(f"{path}.also_in", f"{params['also_in']!r} is not sentence or turn")
        for key, min_p in [("min_p", params.get("min_p", 0.5))] + [
            (f"also.{act}", value) for act, value in also.items()
        ]:
            _probability(min_p, ctx, f"{path}.{key}")
        for key, least in (("min_chars", 0), ("short_last", 0), ("min_count", 1)):
            value = params.get(key, least)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ctx.error(
                    f"{path}.{key}", f"must be a whole number >= {least}, got {value!r}"
                )
    if "unless" in params and name in ("keyword", "regex", "intent"):
        # sentences the heads read as one of these acts do not count (a past complaint)
        # (act ids, or a mapping of act id -> the probability from which a sentence is one)
        _act_thresholds(params["unless"], ctx, f"{path}.unless", contrasts=name == "intent")
        for act in params["unless"]:
            if act in CONTRAST_ACTS and params["act"] not in CONTRAST_AGAINST[act]:
                raise ctx.error(
                    f"{path}.unless",
                    f"{act!r} tells its look-alikes from"
                    f" {'/'.join(sorted(CONTRAST_AGAINST[act]))} only, not from {params['act']!r}",
                )
        if int(params.get("across_turns", 1)) > 1:
            raise ctx.error(f"{path}.unless", "reads one turn at a time: not with across_turns")
    if "keep" in params:
        # the sentences `unless` never cuts: those at least that likely one of these acts
        if "unless" not in params:
            raise ctx.error(f"{path}.keep", "goes with a keyword or regex condition's unless")
        _act_thresholds(params["keep"], ctx, f"{path}.keep")
    for key in ("exclude", "mask", "exclude_turn", "cue"):
        if key not in params or name not in ("keyword", "regex", "intent"):
            continue
        # phrases (any of them held), or one regular expression over the normalised text
        words = params[key]
        if isinstance(words, list):
            if not words or not all(isinstance(x, str) and x.strip() for x in words):
                raise ctx.error(f"{path}.{key}", "needs a pattern or a non-empty list of phrases")
        elif isinstance(words, str):
            _check_pattern(words, ctx, f"{path}.{key}")
        else:
            raise ctx.error(f"{path}.{key}", "needs a pattern or a non-empty list of phrases")
    if "aside_unless" in params and ("aside" not in params or name != "intent"):
        raise ctx.error(f"{path}.aside_unless", "goes with an intent condition's aside")
    for key in ("aside", "aside_unless"):
        if key in params:
            if not isinstance(params[key], str):
                raise ctx.error(f"{path}.{key}", "needs a regular expression")
            _check_pattern(params[key], ctx, f"{path}.{key}")
    if "aside" in params and name != "intent":
        # look-alikes named by their context (我们这是区法院, 法院让我调通话记录): cut out of the
        # text as `mask`'s words are, by a keyword or regex condition only. An intent condition
        # leaves out a whole sentence that holds its mask, and with it a threat said in the same
        # sentence (我们这是区法院，你们再不处理我就去告你们); so such words are an `aside`,
        # which an intent condition reads only where `aside_unless` finds no threat beside them
        aside, mask = params["aside"], params.get("mask")
        if mask is not None and not isinstance(mask, str):
            raise ctx.error(f"{path}.aside", "goes with a mask written as a pattern, not phrases")
        params = {k: v for k, v in params.items() if k != "aside"}
        params["mask"] = aside if mask is None else f"{mask}|{aside}"
        _check_pattern(params["mask"], ctx, f"{path}.aside")  # (?i) only at a pattern's start
    if name in ("regex", "intent"):
        belief = params.get("belief", 1.0)
        if isinstance(belief, bool) or not isinstance(belief, int | float) or not 0 < belief <= 1:
            raise ctx.error(f"{path}.belief", f"must be above 0 and at most 1, got {belief!r}")
    if name == "regex":
        if not isinstance(params["pattern"], str):
            raise ctx.error(f"{path}.pattern", "needs a regular expression")
        _check_pattern(params["pattern"], ctx, f"{path}.pattern")
    return dict(params)


def _never_normalised(pattern: str) -> list[str]:
    """The printable characters a regular expression names (literals, and members of classes)
    that normalised text never holds, in order of appearance; ranges are not read, nor control
    characters (a look-around for the line break between turns: the operator reads turn by
    turn, and its tests keep it so)."""
    from re import _parser  # the parsed pattern: a literal and a quantifier's digits differ

    from scoring.matching import normalize

    parsed = _parser.parse(pattern)
    fold = str.lower if parsed.state.flags & re.IGNORECASE else str
    found: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, _parser.SubPattern):
            node = list(node)
        if not isinstance(node, list | tuple):
            return
        if len(node) == 2 and (node[0] is _parser.LITERAL or node[0] is _parser.NOT_LITERAL):
            char = chr(node[1])
            if char.isprintable() and normalize(char) != fold(char):
                found[char] = None
            return
        for child in node:
            walk(child)

    walk(parsed)
    return list(found)


def _act_thresholds(raw: Any, ctx: _Ctx, path: str, contrasts: bool = False) -> None:
    """Act ids, or a mapping of act id -> the probability from which a sentence is one
    (a condition's `unless`, a flag's `doubt`); a contrast act only where `contrasts` (an
    intent condition's `unless`)."""
    if isinstance(raw, dict) and raw:
        for act, min_p in raw.items():
            _probability(min_p, ctx, f"{path}.{act}")
    elif not isinstance(raw, list) or not all(isinstance(a, str) for a in raw or [0]):
        raise ctx.error(path, "needs act ids, or a mapping of act -> probability")
    for act in raw:
        _known_act(act, ctx, path, contrasts)


def _known_act(act: Any, ctx: _Ctx, path: str, contrasts: bool = False) -> None:
    if act not in ctx.acts:
        raise ctx.error(path, f"unknown act {act!r} (known: {', '.join(sorted(ctx.acts))})")
    if act in CONTRAST_ACTS and not contrasts:
        # told from one act only, it reads every other sentence as its look-alike
        raise ctx.error(
            path,
            f"{act!r} is a contrast act: only an intent condition's unless reads it (of the"
            f" sentences that are likely {'/'.join(sorted(CONTRAST_AGAINST[act]))})",
        )


def _probability(value: Any, ctx: _Ctx, path: str) -> None:
    """A probability threshold strictly between 0 and 1 (min_p, also, unless)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ctx.error(path, f"must be between 0 and 1, got {value!r}")


def _check_pattern(pattern: str, ctx: _Ctx, path: str) -> None:
    """A valid regular expression that needs some text to match ("", "a|" or "x?" would match
    every turn: as an exclusion it would leave them all out)."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ctx.error(path, f"invalid regular expression: {exc}") from exc
    if compiled.search("") is not None:
        raise ctx.error(path, "the pattern matches empty text")
    # every pattern of a scorecard (a regex condition's, an exclusion's, a mask's, a take-back's)
    # reads normalised text (scoring.matching.normalize): no punctuation or spaces, simplified,
    # lower case, digits as Hanzi; a character it never holds never matches, nor does a class or
    # a look-around that names one test anything (滚！ never matched; 两 in 两个锤子 reads 二; a
    # take-back's 开玩笑(?![吗？]) read 你以为我开玩笑？ as one)
    never = _never_normalised(pattern)
    if never:
        raise ctx.error(
            path,
            "reads the text normalised (no punctuation or spaces, simplified, lower case, digits"
            f" as Hanzi), which never holds {' '.join(never)}: write the pattern as that text"
            " reads",
        )


def _number(raw: dict[str, Any], key: str, default: float, ctx: _Ctx) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ctx.error(key, f"must be a non-negative number, got {value!r}")
    return float(value)


def _routing(raw: Any, ctx: _Ctx, default: Routing) -> Routing:
    if not isinstance(raw, dict) or not set(raw) <= {"final_at", "review_below", "sample_rate"}:
        raise ctx.error("routing", "a mapping of final_at, review_below and sample_rate")
    values = {}
    for key in ("final_at", "review_below", "sample_rate"):
        value = raw.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ctx.error(f"routing.{key}", f"must be between 0 and 1, got {value!r}")
        values[key] = float(value)
    if values["review_below"] > values["final_at"]:
        raise ctx.error("routing.review_below", "must not be above final_at")
    return Routing(**values)


def _item(
    raw: Any, section: str, source: str, index: int, acts: frozenset[str], routing: Routing
) -> Item:
    if not isinstance(raw, dict) or "id" not in raw:
        raise ScorecardError(f"{source}: section {section!r} item {index}: field 'id': missing")
    ctx = _Ctx(source, f"item {raw['id']!r}", acts)
    conditions = [k for k in ("fail_when", "pass_when") if k in raw]
    if len(conditions) != 1:
        raise ctx.error("fail_when", "an item needs exactly one of fail_when or pass_when")
    severity = raw.get("severity", "medium")
    if severity not in SEVERITIES:
        raise ctx.error("severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    applies = raw.get("applies_to") or {}
    deduction = _number(raw, "deduction", _number(raw, "points", 0, ctx), ctx)
    return Item(
        id=str(raw["id"]),
        title=str(raw.get("title", raw["id"])),
        section=section,
        points=_number(raw, "points", 0, ctx),
        deduction=deduction,
        cap=_number(raw, "cap", max(_number(raw, "points", 0, ctx), deduction), ctx),
        severity=severity,
        fatal=bool(raw.get("fatal", False)),
        review=bool(raw.get("review", False)),
        applies_to=AppliesTo(
            skill_queues=tuple(applies.get("skill_queues", ())),
            directions=tuple(applies.get("directions", ())),
            min_duration_s=float(applies.get("min_duration_s", 0)),
        ),
        applies_when=(
            parse_condition(raw["applies_when"], ctx, "applies_when")
            if "applies_when" in raw
            else None
        ),
        fail_when=parse_condition(raw["fail_when"], ctx, "fail_when")
        if "fail_when" in raw
        else None,
        pass_when=parse_condition(raw["pass_when"], ctx, "pass_when")
        if "pass_when" in raw
        else None,
        routing=_routing(raw["routing"], ctx, routing) if "routing" in raw else None,
    )


def _flag(raw: Any, source: str, index: int, acts: frozenset[str], routing: Routing) -> FlagRule:
    if not isinstance(raw, dict) or "id" not in raw:
        raise ScorecardError(f"{source}: flag {index}: field 'id': missing")
    ctx = _Ctx(source, f"flag {raw['id']!r}", acts)
    if "doubt" in raw:
        _act_thresholds(raw["doubt"], ctx, "doubt")
    unread = _doubt_unread(raw["doubt_unread"], ctx) if "doubt_unread" in raw else None
    if "doubt_unless" in raw:
        if "doubt" not in raw:
            raise ctx.error("doubt_unless", "goes with a flag's doubt")
        _act_thresholds(raw["doubt_unless"], ctx, "doubt_unless")
    words, acts, decide, drop = (
        _taken_back(raw["taken_back"], ctx) if "taken_back" in raw else (None, (), None, False)
    )
    return FlagRule(
        str(raw["id"]),
        str(raw.get("title", raw["id"])),
        parse_condition(raw.get("when"), ctx, "when"),
        routing=_routing(raw["routing"], ctx, routing) if "routing" in raw else None,
        doubt=unless_of(raw.get("doubt")),
        doubt_unread=unread,
        doubt_unless=unless_of(raw.get("doubt_unless")),
        taken_back=words,
        taken_back_acts=acts,
        taken_back_words_decide=decide,
        taken_back_drop=drop,
    )


def _doubt_unread(raw: Any, ctx: _Ctx) -> tuple[str, float, str, float]:
    """A flag's `doubt_unread`: {aside: act, at_least: p, act: act, under: p}."""
    keys = ("aside", "at_least", "act", "under")
    if not isinstance(raw, dict) or set(raw) != set(keys):
        raise ctx.error("doubt_unread", f"needs exactly {', '.join(keys)}")
    for key in ("aside", "act"):
        _known_act(raw[key], ctx, f"doubt_unread.{key}")
    for key in ("at_least", "under"):
        _probability(raw[key], ctx, f"doubt_unread.{key}")
    return str(raw["aside"]), float(raw["at_least"]), str(raw["act"]), float(raw["under"])


def _taken_back(
    raw: Any, ctx: _Ctx
) -> tuple[str | None, tuple[tuple[str, float], ...], str | None, bool]:
    """A flag's `taken_back`: `words` (a pattern, or a list of them, shared ones by YAML
    anchor; joined into one) and `acts` (act ids, or act -> probability), or the words alone;
    with acts, `words_decide` (a pattern: the sentences it matches are left to the words);
    `drop` (true / false): a flag taken back is not raised rather than doubted."""
    if not isinstance(raw, dict):
        raw = {"words": raw}
    unknown = sorted(set(raw) - {"words", "acts", "words_decide", "drop"})
    if unknown or not set(raw) - {"drop"}:
        raise ctx.error(
            "taken_back",
            f"takes words, acts, words_decide and drop, got {', '.join(unknown) or 'nothing'}",
        )
    drop = raw.get("drop", False)
    if not isinstance(drop, bool):
        raise ctx.error("taken_back.drop", f"true or false, got {drop!r}")
    decide = raw.get("words_decide")
    if "words_decide" in raw:
        if not isinstance(decide, str) or not decide or "acts" not in raw:
            raise ctx.error("taken_back.words_decide", "needs a regular expression, beside acts")
        _check_pattern(decide, ctx, "taken_back.words_decide")
    words = None
    if "words" in raw:
        parts = raw["words"] if isinstance(raw["words"], list) else [raw["words"]]
        if not parts or not all(isinstance(x, str) and x for x in parts):
            raise ctx.error("taken_back.words", "needs a regular expression or a list of them")
        for k, part in enumerate(parts):
            _check_pattern(part, ctx, f"taken_back.words[{k}]")
        words = "|".join(f"(?:{x})" for x in parts)
        _check_pattern(words, ctx, "taken_back.words")  # joined (flags, group names)
    acts = unless_of(raw["acts"]) if "acts" in raw else ()
    if "acts" in raw:
        _act_thresholds(raw["acts"], ctx, "taken_back.acts")
        if not acts:
            raise ctx.error("taken_back.acts", "needs act ids, or a mapping of act -> probability")
    return words, acts, decide, drop


def _unique(ids: list[str], what: str, source: str) -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ScorecardError(f"{source}: {what} ids must be unique: {', '.join(duplicates)}")


def parse_scorecard(data: Any, source: str) -> Scorecard:
    if not isinstance(data, dict):
        raise ScorecardError(f"{source}: a scorecard is a mapping")
    for key in ("name", "sections"):
        if key not in data:
            raise ScorecardError(f"{source}: field {key!r}: missing")
    top = _Ctx(source, "scorecard")
    routing = _routing(data.get("routing", {}), top, Routing())
    custom = parse_acts(data.get("acts", {}), source)
    acts = frozenset(ALL_ACTS) | frozenset(custom)
    items: list[Item] = []
    for section in data["sections"]:
        title = str(section.get("title", ""))
        for index, raw in enumerate(section.get("items", [])):
            items.append(_item(raw, title, source, index, acts, routing))
    _unique([i.id for i in items], "item", source)
    flags = tuple(
        _flag(raw, source, index, acts, routing) for index, raw in enumerate(data.get("flags", []))
    )
    _unique([f.id for f in flags], "flag", source)
    digest = hashlib.sha256(yaml.safe_dump(data, allow_unicode=True, sort_keys=True).encode())
    version = str(data.get("version", "")) or digest.hexdigest()[:12]
    min_chars = data.get("min_speech_chars", 10)
    if isinstance(min_chars, bool) or not isinstance(min_chars, int) or min_chars < 0:
        raise top.error("min_speech_chars", f"must be a whole number >= 0, got {min_chars!r}")
    heads, report = fit_custom_acts(custom) if custom else (None, {})
    return Scorecard(
        str(data["name"]),
        f"{version}+{digest.hexdigest()[:8]}",
        float(data.get("base", 100)),
        tuple(items),
        flags,
        routing=routing,
        min_speech_chars=min_chars,
        custom_heads=heads,
        custom_report=report,
    )


def load_scorecard(name_or_path: str | Path) -> Scorecard:
    """A built-in scorecard by name (telecom_hotline) or a YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = BUILTIN_DIR / f"{name_or_path}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScorecardError(f"{path}: scorecard not found") from exc
    except yaml.YAMLError as exc:
        raise ScorecardError(f"{path}: invalid YAML: {exc}") from exc
    return parse_scorecard(data, str(path))
