"""Window and order semantics, confidence routing, provisional fatal verdicts, no-speech calls,
a flag's confidence and basis."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

from scoring.conditions import CallView
from scoring.engine import _doubted, _spans, _taken_back, check, evaluate, score_item
from scoring.io import result_json
from scoring.matching import normalize
from scoring.metrics import measure
from scoring.scorecard import Routing, ScorecardError, _Ctx, parse_condition, parse_scorecard
from scoring.types import CallResult, Evidence, ItemStatus
from tests.scoring.factories import make_transcript, make_view

SHORT = make_view(
    (0.5, 4.0, "agent", "您好，工号幺零零幺，请问有什么可以帮您？"),
    (4.5, 7.0, "customer", "我查一下话费。"),
    (7.5, 9.0, "agent", "好的。"),
)


def run(raw: dict, view=SHORT):  # type: ignore[no-untyped-def]
    return check(parse_condition(raw, _Ctx("test", "item"), "when"), view)


@pytest.mark.parametrize(
    ("window", "matched"),
    [
        ({"last_turns": 3}, False),  # the greeting's offer is not a further-help question
        ({"last_s": 60}, False),
        ({"first_turns": 1}, True),
        ({}, True),
    ],
)
def test_closing_windows_never_reach_the_opening(window: dict, matched: bool) -> None:
    hit = run({"keyword": {"words": ["有什么可以帮您"], "role": "agent", "window": window}})
    assert hit.matched is matched


EMPATHY = make_view(
    (0.5, 3.0, "agent", "您好，工号幺零零幺。"),
    (3.5, 6.0, "customer", "你们乱扣费！"),
    (6.5, 8.0, "agent", "非常抱歉，我马上查。"),
    (8.5, 11.0, "customer", "太过分了，上个月也是！"),
    (11.5, 13.0, "agent", "好的。"),
    (13.5, 15.0, "customer", "嗯。"),
    (15.5, 17.0, "agent", "您提供一下号码。"),
    (17.5, 19.0, "customer", "一三八。"),
    (19.5, 21.0, "agent", "查到了。"),
)
TRIGGER = {"keyword": {"words": ["乱扣费", "太过分"], "role": "customer"}}
SORRY = {"keyword": {"words": ["抱歉"], "role": "agent"}}


@pytest.mark.parametrize(
    ("mode", "within", "matched"),
    [
        # any: one answered complaint is enough, wherever the earliest of each falls
        ("any", 3, True),
        # each: the second complaint was never answered within three turns
        ("each", 3, False),
        ("each", None, False),
    ],
)
def test_order_any_and_each(mode: str, within: int | None, matched: bool) -> None:
    order = {"first": TRIGGER, "then": SORRY, "mode": mode}
    if within is not None:
        order["within_turns"] = within
    assert run({"order": order}, EMPATHY).matched is matched


def test_order_any_pairs_a_later_trigger_with_a_later_apology() -> None:
    view = make_view(
        (0.5, 2.0, "agent", "不好意思，刚才没听清。"),  # an early apology, before any complaint
        (2.5, 5.0, "customer", "你们乱扣费！"),
        (5.5, 7.0, "agent", "好的。"),
        (7.5, 9.0, "customer", "嗯。"),
        (9.5, 11.0, "agent", "非常抱歉给您带来不便。"),
    )
    apology = {"keyword": {"words": ["抱歉", "不好意思"], "role": "agent"}}
    hit = run({"order": {"first": TRIGGER, "then": apology, "within_turns": 3}}, view)
    assert hit.matched


SECOND_MATTER = make_view(
    (0.5, 3.0, "customer", "你们乱扣费！"),
    (3.5, 5.0, "agent", "好的。"),
    (5.5, 8.0, "customer", "还有个事，我家宽带也断了。"),
    (8.5, 10.0, "agent", "非常抱歉，我马上查。"),
)
NEW_MATTER = {"regex": {"role": "customer", "pattern": "还有个事"}}


@pytest.mark.parametrize(
    ("mode", "until", "matched"),
    [
        # the apology comes after a second matter is raised: it answers that one, not the first
        ("each", NEW_MATTER, False),
        ("any", NEW_MATTER, False),
        # without `until`, or with one that quotes nothing, it answers the complaint
        ("each", None, True),
        ("each", {"regex": {"role": "customer", "pattern": "第二件事"}}, True),
    ],
)
def test_order_until_parts_the_matters(mode: str, until: dict | None, matched: bool) -> None:
    order = {"first": TRIGGER, "then": SORRY, "mode": mode, "within_turns": 3}
    if until is not None:
        order["until"] = until
    assert run({"order": order}, SECOND_MATTER).matched is matched


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ({"first": TRIGGER, "then": SORRY, "mode": "first", "until": NEW_MATTER}, "not first"),
        ({"first": TRIGGER, "then": SORRY, "untill": NEW_MATTER}, "unknown key"),
    ],
)
def test_order_refuses_until_with_first_and_unknown_keys(order: dict, message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        run({"order": order})


CARD = parse_scorecard(
    yaml.safe_load(
        """
name: t
routing: {final_at: 0.85, review_below: 0.65, sample_rate: 0.0}
sections:
  - title: s
    items:
      - id: rude
        points: 100
        fatal: true
        fail_when: {keyword: {words: [你听不懂吗], role: agent, pinyin: 85}}
      - id: late
        points: 5
        fail_when: {silence: {min_ms: 10000}}
"""
    ),
    "test",
)


def _score(*turns):  # type: ignore[no-untyped-def]
    transcript = make_transcript(*turns)
    return evaluate(transcript, measure(transcript, 30.0), CARD, {"call_id": "x"})


def test_exact_fatal_wording_zeroes_the_call() -> None:
    result = _score(
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"), (3.5, 6.0, "agent", "你听不懂吗？")
    )
    (rude, _) = result.items
    assert result.fatal and result.score == 0.0
    assert rude.basis == ("exact",) and rude.route == "final" and rude.confidence == 1.0


def test_a_homophone_alone_never_zeroes_a_call() -> None:
    result = _score(
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"), (3.5, 6.0, "agent", "你听不动吗？")
    )
    (rude, _) = result.items
    assert rude.status == ItemStatus.FAILED and rude.basis == ("pinyin",)
    assert not result.fatal and result.score == 100.0 and result.needs_review
    assert rude.route == "review" and "待人工确认" in rude.review_reason
    assert rude.confidence < 0.85


def test_measured_verdicts_are_final_with_full_confidence() -> None:
    result = _score(
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"), (15.0, 17.0, "customer", "喂？")
    )
    late = result.items[1]
    assert late.status == ItemStatus.FAILED and late.basis == ("metric",)
    assert (late.route, late.confidence) == ("final", 1.0)


@pytest.mark.parametrize(
    ("confidence", "route"),
    [(0.95, "final"), (0.85, "final"), (0.6, "review"), (0.5, "review")],
)
def test_routing_thresholds(confidence: float, route: str) -> None:
    from scoring.engine import _route

    assert _route(confidence, Routing(0.85, 0.65, 0.2), "k") == route


def test_the_middle_band_is_sampled_at_the_set_rate() -> None:
    from scoring.engine import _route

    routes = [_route(0.75, Routing(0.85, 0.65, 0.25), f"call{i}") for i in range(2000)]
    share = routes.count("sampled") / len(routes)
    assert 0.2 < share < 0.3 and set(routes) == {"sampled", "final"}


@pytest.mark.parametrize(
    "turns",
    [
        (),
        ((0.5, 1.0, "agent", "嗯"),),
        ((0.5, 1.0, "agent", "喂？"), (5.0, 6.0, "customer", "喂喂")),
    ],
)
def test_calls_without_speech_are_not_scored(turns: tuple) -> None:
    result = _score(*turns)
    assert result.no_speech and result.items == () and not result.needs_review


def test_score_item_reports_not_applicable_with_its_basis() -> None:
    card = parse_scorecard(
        yaml.safe_load(
            """
name: t
sections:
  - title: s
    items:
      - id: hold
        points: 5
        applies_when: {keyword: {words: [请稍等], role: agent}}
        pass_when: {keyword: {words: [久等了], role: agent}}
"""
        ),
        "t",
    )
    result = score_item(card.items[0], SHORT, card.routing)
    assert result.status == ItemStatus.NOT_APPLICABLE and result.basis == ("exact",)


LATE = {"fail_when": {"silence": {"min_ms": 10000}}}
THREAT = {"intent": {"act": "complaint_threat", "role": "customer"}}
# a threat to escalate in other words than the lists' (asking for a supervisor alone, 我要找你们
# 领导, the heads read under 0.5 since session 35: no escalation the definition names)
LEADER = "我要找你们领导，这事必须往上反映。"
CERTAIN, LIKELY = (1.0, 1.0), (0.5, 0.99)


def _flag(when: dict, line: str, card: dict | None = None, **rule):  # type: ignore[no-untyped-def]
    card = parse_scorecard(
        {
            "name": "t",
            "sections": [{"title": "s", "items": [{"id": "late", "points": 5, **LATE}]}],
            "flags": [{"id": "risk", "when": when, **rule}],
            **(card or {}),
        },
        "test",
    )
    transcript = make_transcript(
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"),
        (3.5, 6.0, "customer", line),
        (18.0, 20.0, "agent", "你听不动吗？"),
    )
    result = evaluate(transcript, measure(transcript, 30.0), card, {"call_id": "x"})
    return next(iter(result.flags), None)


@pytest.mark.parametrize(
    ("when", "line", "basis", "bounds"),
    [
        # a model's probability, under 1
        (THREAT, LEADER, ("intent",), LIKELY),
        # exact wording, a pattern and a measurement are certain
        ({"regex": {"pattern": "工信部", "role": "customer"}}, "我去工信部。", ("regex",), CERTAIN),
        ({"keyword": {"words": ["领导"], "role": "customer"}}, LEADER, ("exact",), CERTAIN),
        ({"silence": {"min_ms": 10000}}, LEADER, ("metric",), CERTAIN),
        # ... unless the pattern is a wider net than the policy wording, or a homophone
        ({"regex": {"pattern": "领导", "belief": 0.75}}, LEADER, ("regex",), (0.75, 0.75)),
        ({"keyword": {"words": ["你听不懂吗"], "pinyin": 85}}, LEADER, ("pinyin",), LIKELY),
        # what decided it is the surest branch that matched: the wording, not the model
        ({"any": [THREAT, {"keyword": {"words": ["领导"]}}]}, LEADER, ("exact",), CERTAIN),
    ],
)
def test_a_flag_carries_its_confidence_and_basis(
    when: dict, line: str, basis: tuple, bounds: tuple[float, float]
) -> None:
    flag = _flag(when, line)
    assert flag is not None and flag.evidence
    assert flag.basis == basis and bounds[0] <= flag.confidence <= bounds[1]


def test_the_score_line_carries_each_flags_confidence_and_basis() -> None:
    flag = _flag(THREAT, LEADER, routing={"final_at": 1.0, "review_below": 1.0})
    result = CallResult("t", "1", 100.0, False, False, flags=(flag,))
    transcript = make_transcript((0.5, 3.0, "agent", "您好"))
    [shown] = result_json("x", result, measure(transcript, 3.0))["flags"]
    assert shown["basis"] == ["intent"] and shown["confidence"] == flag.confidence < 1
    assert shown["route"] == "review"


NEVER_FINAL = {"final_at": 1.0, "review_below": 1.0}
NEVER_REVIEW = {"final_at": 0.0, "review_below": 0.0}


@pytest.mark.parametrize(
    ("when", "rule", "route"),
    [
        # a model's guess (P < 1) under the flag's threshold goes to a reviewer ...
        (THREAT, {"routing": NEVER_FINAL}, "review"),
        # ... exact wording is certain, final whatever the threshold
        ({"keyword": {"words": ["领导"], "role": "customer"}}, {"routing": NEVER_FINAL}, "final"),
        # a flag's own routing wins over the scorecard's
        (THREAT, {"routing": NEVER_REVIEW, "card": {"routing": NEVER_FINAL}}, "final"),
        # without its own, a flag is routed as the scorecard routes its items
        (THREAT, {"card": {"routing": NEVER_FINAL}}, "review"),
        # between the two thresholds: sampled at the rate (all of them here), else final
        (
            THREAT,
            {"routing": {"final_at": 1.0, "review_below": 0.0, "sample_rate": 1.0}},
            "sampled",
        ),
        (THREAT, {"routing": {"final_at": 1.0, "review_below": 0.0, "sample_rate": 0.0}}, "final"),
    ],
)
def test_a_flag_is_routed_by_its_confidence(when: dict, rule: dict, route: str) -> None:
    flag = _flag(when, LEADER, **rule)
    assert flag is not None and flag.route == route


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            [{"id": "risk", "when": THREAT, "routing": {"final_at": 0.5, "review_below": 0.9}}],
            "flag 'risk': field 'routing.review_below': must not be above final_at",
        ),
        (
            [{"id": "risk", "when": THREAT, "routing": {"final": 0.9}}],
            "flag 'risk': field 'routing'",
        ),
        (
            [{"id": "risk", "when": THREAT}, {"id": "risk", "when": THREAT}],
            "flag ids must be unique",
        ),
        ([{"when": THREAT}], "flag 0: field 'id': missing"),
    ],
)
def test_a_flags_routing_and_id_are_checked(flags: list, message: str) -> None:
    raw = {"name": "t", "sections": [], "flags": flags}
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard(raw, "card.yaml")


ASIDE, THREAT_NOW = "我前年投诉过一次。", "这次我还要投诉！"


def _doubt_view(aside: list[float], threat: list[float]):  # type: ignore[no-untyped-def]
    """A customer turn of two sentences, with the context head's P(complaint_aside) and the
    act head's P(complaint_threat) for each set by hand (the real heads are tested on wordings
    in test_default_items)."""
    view = make_view((0.5, 5.0, "customer", ASIDE + THREAT_NOW))
    view.__dict__["_units"] = (
        np.array([0, 0]),
        (ASIDE, THREAT_NOW),
        {"complaint_aside": np.array(aside), "complaint_threat": np.array(threat)},
    )
    return view


def _first_turn_quoting(view: CallView, *matches: str) -> tuple[Evidence, ...]:
    """Evidence quoting each of `matches` in the view's first turn, the customer's."""
    seg = view.segments[0]
    return tuple(Evidence(seg.start_s, seg.end_s, "customer", seg.text, m) for m in matches)


@pytest.mark.parametrize(
    ("aside", "threat", "matches", "doubted"),
    [
        # every sentence the flag may rest on an aside: doubted
        ([0.9, 0.8], [0.1, 0.1], ["投诉"], True),
        ([0.9, 0.1], [0.1, 0.1], ["我前年投诉过"], True),
        # one of them not (or under the threshold): the flag stands
        ([0.9, 0.1], [0.1, 0.1], ["我前年投诉过", "还要投诉"], False),
        ([0.4, 0.4], [0.1, 0.1], ["投诉"], False),
        # a model quoted the turn's first sentence; the second, a threat it also read, is not
        # an aside: the flag stands
        ([0.9, 0.1], [0.7, 0.99], [ASIDE], False),
        ([0.9, 0.1], [0.7, 0.2], [ASIDE], True),
        # quoted words no sentence holds (a match over two), or nothing quoted: not doubted
        ([0.9, 0.9], [0.1, 0.1], ["一次这次"], False),
        ([0.9, 0.9], [0.1, 0.1], [], False),
    ],
)
def test_a_flag_is_doubted_only_where_every_sentence_it_rests_on_is_an_aside(
    aside: list[float], threat: list[float], matches: list[str], doubted: bool
) -> None:
    view = _doubt_view(aside, threat)
    evidence = _first_turn_quoting(view, *matches)
    reads = (("complaint_threat", 0.65),)
    assert _doubted(view, evidence, (("complaint_aside", 0.5),), reads) is doubted


@pytest.mark.parametrize(
    ("aside", "threat", "doubted"),
    [
        # under the doubt's own threshold, but the context head leans to an aside and the act's
        # head reads no threat: doubted
        ([0.3, 0.3], [0.05, 0.05], True),
        # the act's head reads one sentence as a threat, even faintly: the flag stands
        ([0.3, 0.3], [0.05, 0.2], False),
        # the context head too unsure of one of them: the flag stands
        ([0.3, 0.1], [0.05, 0.05], False),
        # over the doubt's own threshold, the act's head need not agree
        ([0.9, 0.9], [0.5, 0.5], True),
    ],
)
def test_a_sentence_neither_head_reads_as_a_threat_is_doubted(
    aside: list[float], threat: list[float], doubted: bool
) -> None:
    view = _doubt_view(aside, threat)
    evidence = _first_turn_quoting(view, "投诉")
    unread = ("complaint_aside", 0.2, "complaint_threat", 0.1)
    assert _doubted(view, evidence, (("complaint_aside", 0.6),), (), unread) is doubted
    if not doubted or aside[0] < 0.6:  # without it, the doubt alone does not hold
        assert _doubted(view, evidence, (("complaint_aside", 0.6),), ()) is False


@pytest.mark.parametrize(
    ("aside", "threat", "doubted"),
    [
        # the threat head all but certain of a threat in every quoted sentence: not doubted,
        # however sure the context head is of an aside (session 37: 投诉这种事我一般犯不上，但这回我
        # 非去工信部不可)
        ([0.9, 0.9], [0.9995, 0.9995], False),
        # ... of one of them only: the other is still an aside, but the flag rests on both
        ([0.9, 0.9], [0.9995, 0.5], False),
        # under the threshold: doubted as before
        ([0.9, 0.9], [0.998, 0.998], True),
    ],
)
def test_a_sentence_the_threat_head_is_sure_of_is_never_doubted(
    aside: list[float], threat: list[float], doubted: bool
) -> None:
    view = _doubt_view(aside, threat)
    evidence = _first_turn_quoting(view, "投诉")
    sure = (("complaint_threat", 0.999),)
    assert _doubted(view, evidence, (("complaint_aside", 0.6),), (), None, sure) is doubted
    assert _doubted(view, evidence, (("complaint_aside", 0.6),), ()) is True  # without it


def _all_final_card(**rule: object):  # type: ignore[no-untyped-def]
    """A scorecard whose routing makes every verdict final, with one flag on the customer's
    投诉 and `rule` (its doubt, its taken_back)."""
    flag = {"id": "risk", "when": {"keyword": {"words": ["投诉"], "role": "customer"}}, **rule}
    raw = {"name": "t", "sections": [], "routing": {"final_at": 0.0, "review_below": 0.0}}
    return parse_scorecard({**raw, "flags": [flag]}, "test")


def test_a_doubted_flag_is_never_final() -> None:
    # whatever the routing says: a scorecard that makes every verdict final, and a look-alike
    # the real context head reads as an aside (test_default_items has more)
    from scoring.sentiment import shared_model

    card = _all_final_card(doubt={"complaint_aside": 0.5})
    line = "前年我为宽带的事投诉过一次，后来处理得挺好。"
    transcript = shared_model().annotate(make_transcript((0.5, 5.0, "customer", line)))
    [flag] = evaluate(transcript, measure(transcript, 6.0), card).flags
    assert flag.route == "review" and "context" in flag.basis and flag.confidence == 0.5


@pytest.mark.parametrize(
    ("doubt", "message"),
    [
        ({"no_such_act": 0.5}, "flag 'risk': field 'doubt': unknown act 'no_such_act'"),
        ({"complaint_aside": 1.5}, "flag 'risk': field 'doubt.complaint_aside': must be between"),
        ("complaint_aside", "flag 'risk': field 'doubt': needs act ids, or a mapping"),
    ],
)
def test_a_flags_doubt_is_checked(doubt: object, message: str) -> None:
    raw = {"name": "t", "sections": [], "flags": [{"id": "risk", "when": THREAT, "doubt": doubt}]}
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard(raw, "card.yaml")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"doubt_unless": {"complaint_threat": 0.999}}, "field 'doubt_unless': goes with a flag's"),
        (
            {"doubt": ["complaint_aside"], "doubt_unless": {"no_such_act": 0.9}},
            "field 'doubt_unless': unknown act 'no_such_act'",
        ),
        (
            {"doubt": ["complaint_aside"], "doubt_unless": {"complaint_threat": 1}},
            "field 'doubt_unless.complaint_threat': must be between 0 and 1",
        ),
        ({"doubt": ["complaint_aside"], "doubt_unless": 0.9}, "field 'doubt_unless': needs act"),
    ],
)
def test_a_flags_doubt_unless_is_checked(rule: dict, message: str) -> None:
    flag = {"id": "risk", "when": THREAT, **rule}
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard({"name": "t", "sections": [], "flags": [flag]}, "card.yaml")


def test_a_flags_doubt_unless_is_read() -> None:
    flag = {"id": "risk", "when": THREAT, "doubt": ["complaint_aside"]}
    flag["doubt_unless"] = {"complaint_threat": 0.999}
    [rule] = parse_scorecard({"name": "t", "sections": [], "flags": [flag]}, "card.yaml").flags
    assert rule.doubt_unless == (("complaint_threat", 0.999),)


UNREAD = {"aside": "complaint_aside", "at_least": 0.2, "act": "complaint_threat", "under": 0.1}


@pytest.mark.parametrize(
    ("unread", "message"),
    [
        ({"aside": "complaint_aside"}, "field 'doubt_unread': needs exactly aside, at_least, act"),
        ({**UNREAD, "act": "no_such_act"}, "field 'doubt_unread.act': unknown act 'no_such_act'"),
        ({**UNREAD, "under": 1.0}, "field 'doubt_unread.under': must be between 0 and 1"),
        ("complaint_aside", "field 'doubt_unread': needs exactly"),
    ],
)
def test_a_flags_doubt_unread_is_checked(unread: object, message: str) -> None:
    flag = {"id": "risk", "when": THREAT, "doubt_unread": unread}
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard({"name": "t", "sections": [], "flags": [flag]}, "card.yaml")


def test_a_flags_doubt_unread_is_read() -> None:
    flag = {"id": "risk", "when": THREAT, "doubt_unread": UNREAD}
    [rule] = parse_scorecard({"name": "t", "sections": [], "flags": [flag]}, "card.yaml").flags
    assert rule.doubt_unread == ("complaint_aside", 0.2, "complaint_threat", 0.1)


TAKE_BACK = "气话|(不是|不会)真要?投诉|别当真"


@pytest.mark.parametrize(
    ("turns", "matches", "taken"),
    [
        # the threat, then words that take it back: in the same turn, or in a later one
        (["再这样我就投诉你们……哎，我也不是真要投诉。"], ["投诉"], True),
        (["我要去工信部。", "刚才是气话。"], ["工信部"], True),
        # quoted words only inside the take-back are no threat
        (["我不会真投诉的，放心。"], ["投诉"], True),
        # the take-back first, then a threat: it stands
        (["刚才是气话，不过明天再不修我真去消协。"], ["消协"], False),
        (["我要去工信部。", "刚才是气话。", "算了，工信部我还是要去。"], ["工信部"], False),
        # a sentence a model quoted whole counts from its end: words inside it take nothing back
        (["刚才是气话不过再拖我真要投诉。"], ["刚才是气话不过再拖我真要投诉。"], False),
        # nothing quoted, or quoted words no turn holds: not taken back
        (["刚才是气话。"], [], False),
        (["我要去工信部。", "刚才是气话。"], ["记者"], False),
        # no take-back at all
        (["我要去工信部。", "你们快点处理。"], ["工信部"], False),
    ],
)
def test_a_threat_is_taken_back_only_by_the_same_speaker_after_it(
    turns: list[str], matches: list[str], taken: bool
) -> None:
    spoken = [(0.5 + 5 * k, 4.5 + 5 * k, "customer", t) for k, t in enumerate(turns)]
    view = make_view(*spoken)
    evidence = tuple(
        Evidence(s.start_s, s.end_s, "customer", s.text, m)
        for m in matches
        for s in view.segments
        if normalize(m) in normalize(s.text)
    ) or tuple(Evidence(0.5, 4.5, "customer", turns[0], m) for m in matches)
    assert _taken_back(view, evidence, TAKE_BACK) is taken


def test_a_take_back_pattern_read_from_the_sentence_start_is_only_its_take_group() -> None:
    # a guard read from the start (no condition in the sentence) does not make the words before
    # the take-back part of it: 工信部 stays a threat, placed before the take-back
    words = "^(?!.*要是).*?(?P<take>我不投诉了)"
    norm = normalize("我要去工信部，算了我不投诉了。")
    assert _spans(norm, words) == [(norm.index("我不投诉了"), len(norm))]
    assert _spans(normalize("要是修好了我不投诉了"), words) == []
    assert _spans(norm, ("工信部", "投诉")) == [(3, 6), (10, 12)]


def test_only_the_threatening_speaker_takes_a_threat_back() -> None:
    view = make_view(
        (0.5, 4.0, "customer", "我要去工信部投诉你们。"),
        (4.5, 7.0, "agent", "您别当真，刚才是气话吧？"),
    )
    evidence = _first_turn_quoting(view, "工信部")
    assert _taken_back(view, evidence, TAKE_BACK) is False


def test_words_decide_leaves_a_sentence_to_the_words() -> None:
    # the take-back head reads an accusation (你刚才瞎说) as a take-back; with words_decide that
    # sentence is a take-back only by the words, while other sentences are still read by the head
    view = make_view(
        (0.5, 4.0, "customer", "我明天就去营业厅销户。"),
        (4.5, 9.0, "customer", "刚才是你瞎说的。"),
    )
    evidence = _first_turn_quoting(view, "销户")
    acts = (("taken_back", 0.5),)
    decide = "你.{0,8}瞎说"
    assert view.context_probability("taken_back", 1) >= 0.5  # the head's misreading
    assert _taken_back(view, evidence, None, acts) is True
    assert _taken_back(view, evidence, None, acts, words_decide=decide) is False
    assert _taken_back(view, evidence, "是你瞎说", acts, words_decide=decide) is True
    own = make_view(
        (0.5, 4.0, "customer", "我明天就去营业厅销户。"),
        (4.5, 9.0, "customer", "哎，刚才那话你就当没听见吧。"),
    )
    evidence = _first_turn_quoting(own, "销户")
    assert own.context_probability("taken_back", 1) >= 0.5
    assert _taken_back(own, evidence, None, acts, words_decide=decide) is True


@pytest.mark.parametrize(
    ("drop", "taken_back_route"),
    [(False, "review"), (True, None)],  # doubted for a reviewer, or (drop) not raised at all
)
def test_a_taken_back_threat_waits_for_a_reviewer_or_is_dropped(
    drop: bool, taken_back_route: str | None
) -> None:
    card = _all_final_card(taken_back={"words": [TAKE_BACK, "当我没说"], "drop": drop})
    calls = {
        taken_back_route: ["我要投诉你们！", "刚才那话当我没说。"],
        "final": ["刚才是气话。", "但你们再拖，我就投诉！"],  # said again after it: stands
    }
    for route, turns in calls.items():
        transcript = make_transcript(
            *((0.5 + 5 * k, 4.5 + 5 * k, "customer", t) for k, t in enumerate(turns))
        )
        flags = evaluate(transcript, measure(transcript, 12.0), card).flags
        assert [f.route for f in flags] == ([route] if route else [])
        for flag in flags:
            assert ("taken_back" in flag.basis) is (route == "review")
            assert "context" not in flag.basis


@pytest.mark.parametrize(
    ("taken_back", "message"),
    [
        ("", "field 'taken_back.words': needs a regular expression"),
        (["气话", 3], "field 'taken_back.words': needs a regular expression"),
        ("(气话", "field 'taken_back.words[0]': invalid regular expression"),
        (["气话", "x?"], "field 'taken_back.words[1]': the pattern matches empty text"),
        ({"acts": {"no_such_act": 0.5}}, "field 'taken_back.acts': unknown act 'no_such_act'"),
        (
            {"word": "气话"},
            "field 'taken_back': takes words, acts, words_decide and drop, got word",
        ),
        ({}, "field 'taken_back': takes words, acts, words_decide and drop, got nothing"),
        (
            {"drop": True},
            "field 'taken_back': takes words, acts, words_decide and drop, got nothing",
        ),
        ({"words": "气话", "drop": "yes"}, "field 'taken_back.drop': true or false, got 'yes'"),
        (None, "field 'taken_back.words': needs a regular expression"),
        ({"words": None}, "field 'taken_back.words': needs a regular expression"),
        # each part is valid alone, not joined: refused when the scorecard loads, not in a batch
        (["气话", "(?i)ok"], "field 'taken_back.words': invalid regular expression"),
        (["(?P<x>气话)", "(?P<x>当真)"], "field 'taken_back.words': invalid regular expression"),
        ({"acts": []}, "field 'taken_back.acts': needs act ids"),
        # words_decide leaves sentences to the words: a pattern, beside acts
        ({"words": "气话", "words_decide": "瞎说"}, "'taken_back.words_decide': needs a regular"),
        ({"acts": ["taken_back"], "words_decide": ""}, "words_decide': needs a regular"),
        ({"acts": ["taken_back"], "words_decide": ["瞎说"]}, "words_decide': needs a regular"),
        ({"acts": ["taken_back"], "words_decide": "(瞎说"}, "words_decide': invalid regular"),
        ({"acts": ["taken_back"], "words_decide": "瞎?"}, "words_decide': the pattern matches"),
        # they read a sentence's normalised text (session 37: 开玩笑(?![吗？]) took 你以为我开玩笑？
        # for a take-back)
        ("开玩笑(?![吗呢？?])", "field 'taken_back.words[0]': reads the text normalised"),
        (["气话", "当我没说[。！]"], "field 'taken_back.words[1]': reads the text normalised"),
        ({"acts": ["taken_back"], "words_decide": "瞎说[，。]"}, "words_decide': reads the text"),
    ],
)
def test_a_flags_taken_back_is_checked(taken_back: object, message: str) -> None:
    raw = {
        "name": "t",
        "sections": [],
        "flags": [{"id": "risk", "when": THREAT, "taken_back": taken_back}],
    }
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard(raw, "card.yaml")
