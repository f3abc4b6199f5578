from __future__ import annotations

import dataclasses
import re

import pytest

from scoring.engine import _ops, check
from scoring.operators import _alternatives, _fail_fast, _spans, mask_spans
from scoring.scorecard import _Ctx, load_scorecard, parse_condition
from tests.scoring.factories import make_view, with_segment_values

CALL = make_view(
    (0.5, 4.0, "agent", "您好，工号幺零零幺很高兴为您服务，请问有什么可以帮您？"),
    (4.5, 7.0, "customer", "我想查一下话费，你们乱扣费！"),
    (7.5, 10.0, "agent", "非常抱歉，请您提供一下基础姓名和身份证厚思维。"),  # ASR homophones
    (10.5, 12.0, "customer", "我叫刘洋，后四位是三五七二。"),
    (12.5, 14.0, "agent", "好的请您稍等。"),
    (26.0, 30.0, "agent", "感谢您的耐心等待，您本月话费一百二十八元。"),
    (29.4, 31.0, "customer", "哦好的。"),
    (31.5, 34.0, "agent", "请问还有其他可以帮您的吗？感谢您的来电，再见。"),
)


def run(raw: dict, view=CALL):  # type: ignore[no-untyped-def]
    return check(parse_condition(raw, _Ctx("test", "item"), "when"), view)


@pytest.mark.parametrize(
    ("condition", "matched", "count"),
    [
        ({"keyword": {"words": ["您好"], "role": "agent"}}, True, 1),
        ({"keyword": {"words": ["您好"], "role": "customer"}}, False, 0),
        ({"keyword": {"words": ["再见"], "role": "agent", "window": {"first_turns": 2}}}, False, 0),
        ({"keyword": {"words": ["再见"], "role": "agent", "window": {"last_turns": 1}}}, True, 1),
        ({"keyword": {"words": ["您好"], "window": {"first_s": 0.4}}}, False, 0),
        ({"keyword": {"words": ["再见"], "window": {"last_s": 3}}}, True, 1),
        ({"keyword": {"words": ["您好", "再见"], "mode": "all"}}, True, 2),
        ({"keyword": {"words": ["您好", "投诉"], "mode": "all"}}, False, 2 - 1),
        ({"keyword": {"words": ["您好", "再见", "投诉"], "mode": "atleast", "n": 2}}, True, 2),
        ({"keyword": {"words": ["投诉", "销户"], "mode": "none"}}, True, 1),
        ({"keyword": {"words": ["机主姓名"], "role": "agent"}}, False, 0),
        ({"keyword": {"words": ["机主姓名"], "role": "agent", "pinyin": 80}}, True, 1),
        ({"keyword": {"words": ["身份证后四位"], "pinyin": 85}}, True, 1),
        ({"keyword": {"words": ["取消"], "pinyin": 85}}, False, 0),
        ({"keyword": {"words": ["乱扣费"], "exclude": ["查一下"]}}, False, 0),
        ({"keyword": {"words": ["乱扣费"], "exclude": "查.{0,2}下"}}, False, 0),  # a pattern
        ({"keyword": {"words": ["乱扣费"], "exclude": "查.{3}下"}}, True, 1),
        ({"keyword": {"words": ["工号一零零一"]}}, True, 1),  # 幺 and digits normalise
        ({"regex": {"pattern": "一[零一二三四五六七八九]{2}", "role": "agent"}}, True, 1),
        ({"regex": {"pattern": "话费", "exclude": "本月"}}, True, 1),
        ({"regex": {"pattern": "话费", "exclude": "本月|查一下"}}, False, 0),
        # phrases, as a keyword's exclusions: a turn holding one is left out
        ({"regex": {"pattern": "话费", "exclude": ["本月"]}}, True, 1),
        ({"regex": {"pattern": "话费", "exclude": ["本月", "查一下"]}}, False, 0),
        # a listed phrase is a phrase, not a pattern
        ({"regex": {"pattern": "话费", "exclude": ["本月|查一下"]}}, True, 2),
        # `mask` cuts out only the words it matches: the rest of the turn still counts
        ({"keyword": {"words": ["乱扣费"], "mask": "查一下"}}, True, 1),
        ({"keyword": {"words": ["乱扣费"], "mask": "你们乱扣费"}}, False, 0),
        ({"keyword": {"words": ["乱扣费"], "mask": ["们乱扣"]}}, False, 0),
        ({"regex": {"pattern": "查一下话费", "mask": "一下"}}, False, 0),
        # `unless`: a phrase in a sentence the heads read as one of those acts does not count
        # (the last turn's 再见 is in its closing sentence, 还有其他 in its further-help one)
        ({"keyword": {"words": ["再见"], "unless": ["closing"]}}, False, 0),
        ({"keyword": {"words": ["再见"], "unless": ["further_help"]}}, True, 1),
        ({"keyword": {"words": ["再见", "耐心等待"], "unless": ["closing"]}}, True, 1),
        ({"regex": {"pattern": "还有其他", "unless": ["further_help"]}}, False, 0),
        ({"regex": {"pattern": "还有其他", "unless": ["closing"]}}, True, 1),
        ({"regex": {"pattern": "还有其他|再见", "unless": ["closing"], "mask": "其他"}}, False, 0),
        # `keep`: a sentence at least that likely one of those acts is never cut by `unless`
        ({"keyword": {"words": ["再见"], "unless": ["closing"], "keep": ["closing"]}}, True, 1),
        (
            {"keyword": {"words": ["再见"], "unless": ["closing"], "keep": ["further_help"]}},
            False,
            0,
        ),
        ({"regex": {"pattern": "再见", "unless": ["closing"], "keep": {"closing": 0.5}}}, True, 1),
        (
            {"regex": {"pattern": "再见", "unless": ["closing"], "keep": {"hold_announce": 0.9}}},
            False,
            0,
        ),
        ({"regex": {"pattern": "话费", "mask": "查一下"}}, True, 2),
        # a pattern's belief: matched all the same
        ({"regex": {"pattern": "话费", "belief": 0.75}}, True, 2),
        # no joining across a masked word: 想 + 话费 never reads as 想话费
        ({"regex": {"pattern": "想话费", "mask": "查一下"}}, False, 0),
        # a pattern holds within one turn: ^ and $ are a turn's ends, never a call's; nothing
        # is matched across two turns, by a line break or otherwise
        ({"regex": {"pattern": "^我想查", "role": "customer"}}, True, 1),
        ({"regex": {"pattern": "^好的请您稍等$"}}, True, 1),
        ({"regex": {"pattern": "^请您稍等"}}, False, 0),
        ({"regex": {"pattern": "乱扣费.{0,4}非常抱歉"}}, False, 0),
        ({"regex": {"pattern": "乱扣费\\s*非常抱歉"}}, False, 0),
        ({"regex": {"pattern": "乱扣费[^好]*抱歉"}}, False, 0),
        ({"regex": {"pattern": "\\A哦好的"}}, True, 1),
        ({"regex": {"pattern": "(?<![零一二三四五六七八九])三五七二$"}}, True, 1),
        # a lookaround that could read the line break between turns: looked for turn by turn
        ({"regex": {"pattern": "(?<![\\x00-\\x40])好的请您稍等"}}, True, 1),
        ({"regex": {"pattern": "(?<!\\n)好的请您稍等"}}, True, 1),
        ({"silence": {"min_ms": 10000}}, True, 1),
        ({"silence": {"min_ms": 13000}}, False, 0),
        ({"silence": {"min_ms": 10000, "exclude_announced": True, "announce": ["稍等"]}}, False, 0),
        ({"overlap": {"interrupter": "customer", "min_s": 0.5}}, True, 1),
        ({"overlap": {"interrupter": "agent", "min_s": 0.5}}, False, 0),
        ({"overlap": {"interrupter": "customer", "min_s": 0.5, "count": 2}}, False, 1),
        ({"speech_rate": {"role": "agent", "min": 150, "max": 450}}, False, 0),  # 386 字/分钟
        ({"speech_rate": {"role": "agent", "min": 400, "max": 600}}, True, 1),
        ({"repeat": {"n": 2, "role": "agent"}}, False, 0),
        # how many turns a role took: the customer three, the agent four (请您稍等 and, after
        # the hold, 感谢您的耐心等待 are two segments of one turn: nobody spoke between them)
        ({"turns": {"role": "customer", "max": 3}}, True, 3),
        ({"turns": {"role": "customer", "max": 2}}, False, 0),
        ({"turns": {"role": "agent", "min": 4, "max": 4}}, True, 4),
        ({"turns": {"role": "agent", "min": 5}}, False, 0),
        ({"turns": {"min": 7}}, True, 7),
        ({"turns": {"min": 8}}, False, 0),
        ({"metadata": {"field": "skill_queue", "equals": "billing"}}, False, 0),
        ({"not": {"keyword": {"words": ["投诉"]}}}, True, 1),
        ({"any": [{"keyword": {"words": ["投诉"]}}, {"keyword": {"words": ["稍等"]}}]}, True, 1),
        ({"all": [{"keyword": {"words": ["稍等"]}}, {"keyword": {"words": ["话费"]}}]}, True, 1),
        ({"all": [{"keyword": {"words": ["稍等"]}}, {"keyword": {"words": ["销户"]}}]}, False, 0),
    ],
)
def test_operator_table(condition: dict, matched: bool, count: int) -> None:
    hit = run(condition)
    assert (hit.matched, hit.count) == (matched, count)
    # what is not there, or a count of turns, quotes nothing
    absent = (
        "not" in condition
        or condition.get("keyword", {}).get("mode") == "none"
        or "turns" in condition
    )
    if matched and not absent:
        assert hit.evidence, "a match carries evidence"


def test_evidence_names_time_role_text_and_match() -> None:
    hit = run({"keyword": {"words": ["机主姓名"], "role": "agent", "pinyin": 80}})
    (ev,) = hit.evidence
    assert (ev.start_s, ev.end_s, ev.role) == (7.5, 10.0, "agent")
    assert ev.text.startswith("非常抱歉") and ev.match == "基础姓名"


@pytest.mark.parametrize(
    ("order", "matched"),
    [
        (
            {
                "first": {"keyword": {"words": ["身份证"]}},
                "then": {"keyword": {"words": ["本月话费"]}},
            },
            True,
        ),
        (
            {
                "first": {"keyword": {"words": ["本月话费"]}},
                "then": {"keyword": {"words": ["身份证"]}},
            },
            False,
        ),
        (
            {
                "first": {"keyword": {"words": ["乱扣费"]}},
                "then": {"keyword": {"words": ["抱歉"]}},
                "within_turns": 1,
            },
            True,
        ),
        (
            {
                "first": {"keyword": {"words": ["您好"]}},
                "then": {"keyword": {"words": ["抱歉"]}},
                "within_turns": 1,
            },
            False,
        ),
        (
            {"first": {"keyword": {"words": ["销户"]}}, "then": {"keyword": {"words": ["抱歉"]}}},
            False,
        ),
    ],
)
def test_order(order: dict, matched: bool) -> None:
    assert run({"order": order}).matched is matched


def test_repeat_and_metadata_hits() -> None:
    view = make_view(
        (0, 2, "agent", "请您提供机主姓名"),
        (3, 4, "customer", "什么？"),
        (5, 7, "agent", "请您提供机主姓名"),
        (8, 9, "customer", "啊？"),
        (10, 12, "agent", "请您提供机主姓名"),
        metadata={"skill_queue": "billing", "duration_s": 300},
    )
    assert run({"repeat": {"n": 3}}, view).matched
    assert not run({"repeat": {"n": 4}}, view).matched
    assert run({"metadata": {"field": "skill_queue", "in": ["billing", "broadband"]}}, view).matched
    assert run({"metadata": {"field": "duration_s", "min": 120}}, view).matched
    assert not run({"metadata": {"field": "duration_s", "max": 120}}, view).matched


def test_asr_confidence() -> None:
    low = make_view((0, 2, "customer", "嗯嗯"), confidence=0.3)
    assert run({"asr_confidence": {"max_mean": 0.55}}, low).matched
    assert run({"asr_confidence": {"max_mean": 0.55, "role": "customer"}}, low).matched
    assert not run({"asr_confidence": {"max_mean": 0.55, "role": "agent"}}, low).matched
    assert not run({"asr_confidence": {"max_mean": 0.55}}).matched
    long_drop = make_view((0, 2, "agent", "您好"), dropped=((3.0, 9.0),))
    short_drop = make_view((0, 2, "agent", "您好"), dropped=((3.0, 3.4), (5.0, 5.5)))
    assert run({"asr_confidence": {"min_dropped_s": 3}}, long_drop).matched
    assert not run({"asr_confidence": {"min_dropped_s": 3}}, short_drop).matched
    hit = run({"asr_confidence": {"min_dropped_s": 3}}, long_drop)
    assert [(e.start_s, e.end_s, e.match) for e in hit.evidence] == [(3.0, 9.0, "dropped")]


def _scored_view(scores: list[float]):  # type: ignore[no-untyped-def]
    view = make_view(
        *[
            (i * 10.0, i * 10.0 + 5, "customer" if i % 2 else "agent", f"第{i}句")
            for i in range(len(scores))
        ]
    )
    return with_segment_values(view, "sentiment", scores)


@pytest.mark.parametrize(
    ("scores", "params", "matched"),
    [
        ([0.1, -0.8, 0.2, 0.5], {"below": -0.5}, True),
        ([0.1, -0.4, 0.2, 0.5], {"below": -0.5}, False),
        ([0.1, -0.8, 0.2, 0.5], {"below": -0.5, "where": "end"}, False),
        ([0.1, 0.2, 0.2, -0.7], {"below": -0.5, "where": "end"}, True),
        ([0.1, 0.9, 0.2, 0.8], {"above": 0.7, "where": "end"}, True),
        ([0.0, 0.6, 0.0, -0.5], {"where": "trend", "drop": 0.3, "end_share": 0.4}, True),
        ([0.0, -0.5, 0.0, 0.6], {"where": "trend", "drop": 0.3, "end_share": 0.4}, False),
        ([0.0, -0.9, 0.0, -0.9], {"below": -0.5, "role": "agent"}, False),
    ],
)
def test_sentiment(scores: list[float], params: dict, matched: bool) -> None:
    assert run({"sentiment": params}, _scored_view(scores)).matched is matched


def test_sentiment_without_scores_never_matches() -> None:
    assert not run({"sentiment": {"below": 0.9}}).matched


@pytest.mark.parametrize(
    ("condition", "matched"),
    [
        # after an anchor sentence: only what follows 请您稍等 counts
        ({"keyword": {"words": ["感谢您的耐心等待"], "window": {"after": ["请您稍等"]}}}, True),
        ({"keyword": {"words": ["您好"], "window": {"after": ["请您稍等"]}}}, False),
        ({"keyword": {"words": ["您好"], "window": {"after": ["没有这句话"]}}}, False),
        # a phrase split over two turns is found across turns, not per sentence
        ({"keyword": {"words": ["稍等感谢您"], "role": "agent"}}, False),
        ({"keyword": {"words": ["稍等感谢您"], "role": "agent", "across_turns": 2}}, True),
        # silence by role: the 12 s gap is ended by the agent, not the customer
        ({"silence": {"min_ms": 10000, "before_role": "agent"}}, True),
        ({"silence": {"min_ms": 10000, "before_role": "customer"}}, False),
        # overlap seconds over a limit
        ({"overlap": {"interrupter": "customer", "min_s": 0.1, "total_s": 0.5}}, True),
        ({"overlap": {"interrupter": "customer", "min_s": 0.1, "total_s": 1.0}}, False),
    ],
)
def test_windows_across_turns_and_limits(condition: dict, matched: bool) -> None:
    assert run(condition).matched is matched


@pytest.mark.parametrize(
    ("condition", "matched"),
    [
        ({"intent": {"act": "closing", "role": "agent", "window": {"last_turns": 1}}}, True),
        ({"intent": {"act": "closing", "role": "agent", "window": {"first_turns": 1}}}, False),
        ({"intent": {"act": "further_help", "role": "agent", "window": {"last_turns": 1}}}, True),
        ({"intent": {"act": "survey_invite", "role": "agent"}}, False),
        ({"intent": {"act": "identity_request", "role": "agent"}}, True),
        ({"intent": {"act": "churn_threat", "role": "customer"}}, False),
        ({"intent": {"act": "apology", "role": "agent", "exclude": ["抱歉"]}}, False),
        ({"intent": {"act": "apology", "role": "agent", "exclude": "非常(抱歉|对不起)"}}, False),
        ({"intent": {"act": "apology", "role": "agent", "exclude": "非常对不起"}}, True),
        ({"intent": {"act": "apology", "role": "agent", "min_chars": 40}}, False),
        # a model reads the whole sentence: a masked word leaves the sentence out
        ({"intent": {"act": "apology", "role": "agent", "mask": "抱歉"}}, False),
        ({"intent": {"act": "apology", "role": "agent", "mask": ["再见"]}}, True),
        # `exclude_turn`: the sentences of a turn that holds it anywhere (a threat taken back
        # in the turn's next sentence); `exclude` reads the sentence alone
        ({"intent": {"act": "further_help", "role": "agent", "exclude_turn": "再见"}}, False),
        ({"intent": {"act": "further_help", "role": "agent", "exclude": "再见"}}, True),
        ({"intent": {"act": "further_help", "role": "agent", "exclude_turn": ["刘洋"]}}, True),
        # `cue`: only sentences that hold its words count (the apology holds 抱歉)
        ({"intent": {"act": "apology", "role": "agent", "cue": "抱歉|对不起"}}, True),
        ({"intent": {"act": "apology", "role": "agent", "cue": ["对不起"]}}, False),
        ({"intent": {"act": "hold_announce", "unless": ["hold_announce"]}}, False),
        # `also`: only sentences that are that other act too (an identity request is one of
        # itself, and no closing)
        ({"intent": {"act": "identity_request", "also": {"identity_request": 0.5}}}, True),
        ({"intent": {"act": "identity_request", "also": {"closing": 0.5}}}, False),
        # `also_in: turn`: a sentence whose turn holds the other act (the closing beside the
        # further-help question of the last turn), which no sentence is both of
        ({"intent": {"act": "closing", "also": {"further_help": 0.5}}}, False),
        ({"intent": {"act": "closing", "also": {"further_help": 0.5}, "also_in": "turn"}}, True),
        (
            {"intent": {"act": "identity_request", "also": {"closing": 0.5}, "also_in": "turn"}},
            False,
        ),
    ],
)
def test_intent_operator_table(condition: dict, matched: bool) -> None:
    hit = run(condition)
    assert hit.matched is matched
    assert hit.basis == frozenset({"intent"}) and 0.0 <= hit.belief <= 1.0
    if matched:
        assert hit.evidence and all(e.role == "agent" for e in hit.evidence)


@pytest.mark.parametrize(
    ("turn", "short_last", "matched"),
    [
        # a bare short refusal left alone is curt
        ("办不了的。", 8, True),
        ("嗯。办不了的。", 8, True),
        # `short_last`: a short sentence with more of its segment after it (an explanation, an
        # offer) does not count; without it, it does
        ("办不了的。这个需要您本人带身份证去营业厅办理。", 8, False),
        ("办不了的。这个需要您本人带身份证去营业厅办理。", 0, True),
        # a sentence as long as the limit counts wherever it stands (session 45: the curt head,
        # taught the quiet forms, reads 这个真的是办不了的 at 0.69, under this test's 0.7)
        ("这个我们就是办不了。您去营业厅问问吧。", 8, True),
    ],
)
def test_short_last_leaves_out_a_short_sentence_the_turn_goes_on_from(
    turn: str, short_last: int, matched: bool
) -> None:
    view = make_view(
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"),
        (3.5, 6.0, "customer", "我这个号码能不能在电话里过户给我儿子？"),
        (6.5, 12.0, "agent", turn),
        (12.5, 13.0, "customer", "哦。"),
    )
    condition = {"act": "curt_refusal", "role": "agent", "min_p": 0.7, "min_chars": 4}
    hit = run({"intent": condition | {"short_last": short_last}}, view)
    assert hit.matched is matched


@pytest.mark.parametrize(
    ("agent_before", "matched"),
    [
        # the wait announced in the agent's last turn before the silence: no dead air
        (None, False),
        # announced before the customer answered and the agent spoke again: the silence after
        # that second turn was never announced
        ("好的，验证通过了。", True),
    ],
)
def test_a_silence_is_announced_by_the_agents_last_turn_before_it(
    agent_before: str | None, matched: bool
) -> None:
    segments = [
        (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"),
        (3.5, 6.0, "customer", "我想查一下这个月的账单。"),
        (6.5, 9.0, "agent", "请您报一下服务密码，我稍等查一下账单。"),
        (9.5, 10.5, "customer", "一二三四五六。"),
    ]
    if agent_before:
        segments.append((11.0, 12.5, "agent", agent_before))
    end = segments[-1][1]
    segments += [
        (end + 12.0, end + 15.0, "agent", "这个月话费是八十八元。"),
        (end + 15.5, end + 16.5, "customer", "好的。"),
    ]
    condition = {"min_ms": 10000, "exclude_announced": True, "announce": ["稍等"]}
    assert run({"silence": condition}, make_view(*segments)).matched is matched


SPLIT_CLOSING = make_view(
    (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"),
    (3.5, 5.0, "customer", "没事了，谢谢。"),
    # one turn of the agent's, cut by ASR at a pause
    (5.5, 8.0, "agent", "请问还有其他可以帮您的吗？"),
    (9.5, 11.0, "agent", "感谢您的来电，再见。"),
    (11.5, 12.0, "customer", "再见。"),
    (12.5, 13.5, "agent", "再见。"),
)


@pytest.mark.parametrize(
    ("also_in", "evidence"),
    [("sentence", []), ("turn", ["感谢您的来电，再见。"])],
)
def test_also_in_a_turn_reads_the_speakers_whole_turn(also_in: str, evidence: list[str]) -> None:
    # the closing whose turn also asks the further-help question (in the segment before it,
    # the same speaker turn): not the goodbye of the agent's next turn
    hit = run(
        {"intent": {"act": "closing", "also": {"further_help": 0.5}, "also_in": also_in}},
        SPLIT_CLOSING,
    )
    assert [e.text for e in hit.evidence] == evidence


@pytest.mark.parametrize(("heard", "matched"), [(0.9, True), (0.1, False)])
def test_also_in_a_turn_reads_only_the_turns_sentences_in_the_window(
    heard: float, matched: bool
) -> None:
    # the further-help question that makes the goodbye's turn a closing one is read only when
    # it was heard well enough for the window (min_heard), as the goodbye itself must be
    view = with_segment_values(SPLIT_CLOSING, "confidence", [0.9, 0.9, heard, 0.9, 0.9, 0.9])
    condition = {"act": "closing", "also": {"further_help": 0.5}, "also_in": "turn"}
    hit = run({"intent": {**condition, "window": {"min_heard": 0.5}}}, view)
    assert hit.matched is matched
    # without the window the question counts, however it was heard
    assert run({"intent": condition}, view).matched


APOLOGISING = make_view(
    (0.5, 3.0, "agent", "您好，请问有什么可以帮您？"),
    (3.5, 6.0, "customer", "宽带又断了，都第三次了。"),
    (6.5, 9.0, "agent", "真是对不住，耽误您用网了。"),
    (9.5, 11.0, "customer", "那什么时候能修好？"),
    (11.5, 14.0, "agent", "实在抱歉，我马上给您加急派单。"),
)


@pytest.mark.parametrize(
    ("min_count", "matched"),
    [(1, True), (2, True), (3, False)],
)
def test_intent_min_count_counts_sentences(min_count: int, matched: bool) -> None:
    # two apologies, in two turns: a third is not there
    condition = {"intent": {"act": "apology", "role": "agent", "min_count": min_count}}
    hit = run(condition, APOLOGISING)
    assert hit.matched is matched
    if matched:
        assert [e.text for e in hit.evidence] == [APOLOGISING.segments[i].text for i in (2, 4)]
        assert hit.belief >= 0.5
    else:
        # the belief is that of the third most likely sentence: no apology
        assert not hit.evidence and hit.belief < 0.5


def test_a_regex_belief_is_the_hits_belief() -> None:
    assert run({"regex": {"pattern": "话费", "belief": 0.75}}).belief == 0.75
    assert run({"regex": {"pattern": "话费"}}).belief == 1.0
    assert run({"regex": {"pattern": "没有这句话", "belief": 0.75}}).belief == 0.0


def test_an_intent_belief_caps_a_matchs_belief() -> None:
    sure = run({"intent": {"act": "apology", "role": "agent"}})
    assert sure.matched and sure.belief > 0.9
    capped = run({"intent": {"act": "apology", "role": "agent", "belief": 0.8}})
    assert capped.matched and capped.belief == 0.8 and capped.evidence == sure.evidence
    # a near miss keeps its own belief (it routes nothing)
    missed = run({"intent": {"act": "apology", "role": "agent", "min_p": 0.999, "belief": 0.8}})
    assert not missed.matched and missed.belief == sure.belief


@pytest.mark.parametrize(
    ("pattern", "quotes"),
    [
        # a guard read from the turn's start: the evidence quotes the words, not the turn
        ("^(?!.*退钱).*?(?P<quote>乱扣费)", ["乱扣费"]),
        ("^(?!.*退钱).*?乱扣费", ["我想查一下话费你们乱扣费"]),
        # the first quote group that took part in the match; none: the whole match
        ("^(?!.*退钱).*?((?P<quote>乱扣费)|(?P<quote_2>查一下))", ["查一下"]),
        ("(?P<quote>退钱)|查一下话费", ["查一下话费"]),
        # a named group of another name is no quote
        ("^.*?(?P<said>乱扣费)", ["我想查一下话费你们乱扣费"]),
        # the guard still decides: no match, no quote
        ("^(?!.*话费).*?(?P<quote>乱扣费)", []),
    ],
)
def test_a_regex_quotes_its_quote_group(pattern: str, quotes: list[str]) -> None:
    hit = run({"regex": {"pattern": pattern, "role": "customer"}})
    assert [e.match for e in hit.evidence] == quotes
    assert hit.matched is bool(quotes)


def test_an_operator_reads_a_call_once_for_the_same_parameters() -> None:
    """A scorecard may share a condition between items (a YAML anchor), and a fatal item's
    firmness recheck reads its condition again: the operator runs once per call; other
    parameters are another reading."""
    from scoring import operators

    runs = []
    real = operators.REGISTRY["regex"]
    shared = {"pattern": "话费"}
    other = {"pattern": "话费", "role": "agent"}
    condition = parse_condition(
        {"any": [{"regex": shared}, {"regex": dict(shared)}, {"regex": other}]}, _Ctx("t", "i"), "w"
    )
    view = make_view((0.0, 2.0, "customer", "我想查一下话费。"))
    counted = dataclasses.replace(real, run=lambda v, p: runs.append(p) or real.run(v, p))
    try:
        operators.REGISTRY["regex"] = counted
        assert check(condition, view).count == 2
        assert check(condition, view, frozenset({"regex"})).matched
    finally:
        operators.REGISTRY["regex"] = real
    assert runs == [shared, other]


def test_a_calls_prepared_turns_follow_the_exclusion_list_not_its_id() -> None:
    """Conditions built and dropped on one view (a list freed, its id reused by the next) are
    each read with their own exclusions."""
    view = make_view(
        (0.0, 2.0, "customer", "我想查一下话费。"), (2.5, 4.0, "customer", "本月话费多少？")
    )
    for k in range(200):
        exclude = ["本月"] if k % 2 else ["查一下", "本月"]
        for name, params in (("keyword", {"words": ["话费"]}), ("regex", {"pattern": "话费"})):
            condition = parse_condition(
                {name: {**params, "exclude": list(exclude)}}, _Ctx("t", "i"), "w"
            )
            assert check(condition, view).matched is bool(k % 2), (k, name)


def _noisy_view():  # type: ignore[no-untyped-def]
    """A call whose second customer turn is line noise Whisper wrote words into."""
    view = make_view(
        (0.5, 4.0, "agent", "您好，请问有什么可以帮您？"),
        (4.5, 7.0, "customer", "我想问一下宽带什么时候能装好。"),
        (7.5, 10.0, "agent", "三个工作日内师傅会联系您。"),
        (10.5, 12.0, "customer", "话费、满意度、销户、业"),
    )
    return with_segment_values(view, "confidence", (1.0, 0.7, 1.0, 0.08))


@pytest.mark.parametrize(
    ("condition", "matched"),
    [
        ({"keyword": {"words": ["销户"], "role": "customer"}}, True),
        ({"keyword": {"words": ["销户"], "role": "customer", "window": {"min_heard": 0.2}}}, False),
        ({"regex": {"pattern": "销户", "window": {"min_heard": 0.2}}}, False),
        ({"regex": {"pattern": "销户", "window": {"min_heard": 0.05}}}, True),
        # a turn heard well enough still counts
        ({"keyword": {"words": ["宽带"], "role": "customer", "window": {"min_heard": 0.5}}}, True),
        ({"keyword": {"words": ["宽带"], "role": "customer", "window": {"min_heard": 0.8}}}, False),
    ],
)
def test_a_window_can_leave_out_words_the_asr_guessed(condition: dict, matched: bool) -> None:
    assert run(condition, _noisy_view()).matched is matched


def test_unless_cuts_only_the_sentences_of_those_acts() -> None:
    from scoring.operators import CUT, _turn_texts

    texts = _turn_texts(CALL, ["closing"])
    # the last turn keeps its question; its closing sentence is cut, a mark in its place so
    # the words on either side never join; a turn with no such sentence is left as it was
    assert texts[-1] == "请问还有其他可以帮您的吗？" + CUT
    assert texts[:-1] == tuple(s.text for s in CALL.segments[:-1])
    assert _turn_texts(CALL, None) == tuple(s.text for s in CALL.segments)


@pytest.mark.parametrize(
    ("condition", "text", "matched"),
    [
        # a keyword found by its sound (携号转往): its denial is read by its sound too
        ({"keyword": {"words": ["携号转网"], "pinyin": 88}}, "我不是要携号转往，就是问问。", True),
        (
            {"keyword": {"words": ["携号转网"], "pinyin": 88, "exclude": ["不是要携号转网"]}},
            "我不事要携号转往，就是问问。",
            False,
        ),
        (
            {"keyword": {"words": ["携号转网"], "pinyin": 88, "exclude": ["不是要携号转网"]}},
            "我要携号转往。",
            True,
        ),
        (
            {"keyword": {"words": ["携号转网"], "pinyin": 88, "exclude": "不是要(携号转网|销户)"}},
            "我不是要鞋号转网。",
            False,
        ),
        (
            {"regex": {"pattern": "注销|住销", "exclude": "不是要(注销|销户)"}},
            "我不是要住销号码。",
            False,
        ),
        (
            {"regex": {"pattern": "注销|住销", "exclude": "不是要(注销|销户)"}},
            "我要住销号码。",
            True,
        ),
        # a mask by its sound: only the masked words are cut out, a threat beside them counts
        ({"keyword": {"words": ["投诉"]}}, "我不事要投诉，问个话费。", True),
        ({"keyword": {"words": ["投诉"], "mask": "不是要投诉"}}, "我不事要投诉，问个话费。", False),
        (
            {"keyword": {"words": ["投诉"], "mask": "不是要投诉"}},
            "我不事要投诉，我要投诉你们。",
            True,
        ),
        ({"keyword": {"words": ["投诉"], "mask": "不是要投诉"}}, "我是要投诉。", True),
        # a pattern's mask too: what is left is matched as it was said
        (
            {"regex": {"pattern": "工信.", "mask": "工信部犯不上"}},
            "为这点钱去工信不犯不上。",
            False,
        ),
        (
            {"regex": {"pattern": "工信.", "mask": "工信部犯不上"}},
            "工信不犯不上，再扣就找工信不。",
            True,
        ),
        # a model's sentence left out by its sound
        ({"intent": {"act": "churn_threat", "role": "customer"}}, "我不想携号转往。", True),
        (
            {
                "intent": {
                    "act": "churn_threat",
                    "role": "customer",
                    "exclude": "不想(携号转网|销户)",
                }
            },
            "我不想携号转往。",
            False,
        ),
        (
            {
                "intent": {
                    "act": "churn_threat",
                    "role": "customer",
                    "exclude": "不想(携号转网|销户)",
                }
            },
            "我要携号转往。",
            True,
        ),
    ],
)
def test_an_exclusion_and_a_mask_read_their_words_by_sound(
    condition: dict, text: str, matched: bool
) -> None:
    hit = run(condition, make_view((0.0, 3.0, "customer", text)))
    assert hit.matched is matched


def test_a_mask_heard_by_sound_quotes_what_was_said() -> None:
    view = make_view((0.0, 3.0, "customer", "工信不犯不上，再扣就找工信不投诉。"))
    hit = run({"regex": {"pattern": "工信.", "mask": "工信部犯不上"}}, view)
    assert [e.match for e in hit.evidence] == ["工信不"]
    hit = run({"keyword": {"words": ["投诉"], "mask": ["不是要投诉", "工信部犯不上"]}}, view)
    assert [e.match for e in hit.evidence] == ["投诉"]


def test_an_exclusion_is_looked_for_once_per_call_and_text_each_its_own() -> None:
    from scoring.operators import _excluded_in

    view = make_view((0.0, 3.0, "customer", "我不投诉，就是问问。"))
    text = view.segments[0].text
    denials, other = ["不投诉"], ["退订"]
    assert _excluded_in(view, text, denials)
    # another exclusion of the same text is its own question (a list by its identity, a
    # pattern by its words), and the first answer is kept for the call
    assert not _excluded_in(view, text, other)
    assert not _excluded_in(view, text, "退订|销户")
    assert _excluded_in(view, text, "不(投诉|告)")
    assert _excluded_in(view, text, denials)
    assert sum(k[0] == "excluded" for k in view.memo if isinstance(k, tuple)) == 4


@pytest.mark.parametrize(
    ("pattern", "branches"),
    [
        ("不投诉|没想投诉", ["不投诉", "没想投诉"]),
        ("(不|没)投诉|^算了", ["(不|没)投诉", "^算了"]),  # a group's own branches stay in it
        ("[|]投诉|告", ["[|]投诉", "告"]),  # a | in a class is a character
        ("[]|]投诉|告", ["[]|]投诉", "告"]),  # so is a ] first in a class
        ("[^]|]投诉|告", ["[^]|]投诉", "告"]),
        (r"\|投诉|告", [r"\|投诉", "告"]),  # an escaped |
        (r"(投诉)\1|告", [r"(投诉)\1|告"]),  # a back-reference keeps it whole
        ("(?P<x>投诉)(?P=x)|告", ["(?P<x>投诉)(?P=x)|告"]),
        ("(?i)abc|告", ["(?i)abc|告"]),  # inline flags apply to every branch
        ("投诉", ["投诉"]),
    ],
)
def test_an_exclusion_is_looked_for_branch_by_branch(pattern: str, branches: list[str]) -> None:
    assert [p.pattern for p in _alternatives(pattern)] == branches


@pytest.mark.parametrize(
    ("pattern", "text", "spans"),
    [
        ("不投诉|没想投诉", "我不投诉也没想投诉", [(1, 4), (5, 9)]),
        # two branches start together: the first written wins, as the alternation chooses
        ("投诉|投诉你们", "我要投诉你们", [(2, 4)]),
        ("投诉你们|投诉", "我要投诉你们", [(2, 6)]),
        # a later branch that starts earlier wins; one inside the last match is not found
        ("工信部|去工信部投诉|投诉", "我去工信部投诉了", [(1, 7)]),
        # a lookbehind still sees the text before the last match, and ^ only its start
        ("(?<!不)投诉|不|^投诉", "投诉不投诉", [(0, 2), (2, 3)]),
        ("(?<!不)投诉|^不", "不投诉投诉", [(0, 1), (3, 5)]),
        # a branch that may match nothing: the pattern is looked for whole
        ("投诉|(没)?", "没投诉", [(0, 1), (1, 3), (3, 3)]),
        ("", "投诉", [(0, 0), (1, 1), (2, 2)]),
    ],
)
def test_a_masks_spans_are_found_branch_by_branch(
    pattern: str, text: str, spans: list[tuple[int, int]]
) -> None:
    assert _spans(pattern, text) == spans == [m.span() for m in re.finditer(pattern, text)]


@pytest.mark.parametrize(
    ("pattern", "text", "spans"),
    [
        ("不投诉|没想投诉", "我不投诉也没想投诉", [(1, 4), (5, 9)]),
        # a branch's match inside or across another's is still found: the words either covers
        ("工信部|去工信部投诉|投诉", "我去工信部投诉了", [(1, 7)]),
        ("写毕业论文|论文.{0,8}投诉", "在写毕业论文想问下你们客户投诉怎么处理", [(1, 15)]),
        ("(写|做)论文|论文想问", "写论文想问投诉", [(0, 5)]),
        # apart, they stay apart; one that matches no characters hides nothing
        ("不投诉|(没)?", "不投诉我要投诉", [(0, 3)]),
        ("不投诉", "我要投诉", []),
    ],
)
def test_a_mask_covers_every_branch_s_words(
    pattern: str, text: str, spans: list[tuple[int, int]]
) -> None:
    assert mask_spans(pattern, text) == spans


@pytest.mark.parametrize(
    ("branch", "fast"),
    [
        # lookbehinds first: a lookahead for the characters it may start with goes in front
        ("(?<!不是)(?<!没)气话", "(?=[气])(?<!不是)(?<!没)气话"),
        ("(?<!不)(一二)?三一五", "(?=[一三])(?<!不)(一二)?三一五"),
        ("(?<!不)(投诉|[告起]诉)", "(?=[告投起])(?<!不)(投诉|[告起]诉)"),
        ("(?<!x)(?=y)[ab]", "(?=[ab])(?<!x)(?=y)[ab]"),
        # what it starts with is no short list of characters, or may be nothing: as it was
        ("(?<!不).诉", "(?<!不).诉"),
        ("(?<!不)[^我]诉", "(?<!不)[^我]诉"),
        ("(?<!不)(投诉)?", "(?<!不)(投诉)?"),
        ("(?<!不)\\d+", "(?<!不)\\d+"),
        # re finds a branch by its first characters itself where no lookbehind comes first
        ("投诉(?<!不投诉)", "投诉(?<!不投诉)"),
        ("(?=[投])投诉", "(?=[投])投诉"),
    ],
)
def test_a_branch_that_opens_with_lookbehinds_fails_fast(branch: str, fast: str) -> None:
    assert _fail_fast(branch) == fast
    texts = ("气话", "不是气话", "一二三一五", "不三一五", "投诉", "不投诉", "告诉", "xya", "我诉")
    for text in texts:
        assert bool(re.search(fast, text)) == bool(re.search(branch, text)), text


def test_the_default_masks_cut_the_same_branch_by_branch() -> None:
    """Where a mask matches, found branch by branch, is where it matches whole, for every
    pattern of the default scorecard, on the normalised turns of the development calls."""
    import json
    from pathlib import Path

    from scoring.matching import normalize

    dialogues = Path(__file__).parents[2] / "fixtures" / "dialogues"
    card = load_scorecard("telecom_hotline")
    patterns = {
        str(o.params[key])
        for tree in (
            *(c for i in card.items for c in (i.applies_when, i.fail_when, i.pass_when) if c),
            *(f.when for f in card.flags),
        )
        for o in _ops(tree)
        for key in ("exclude", "mask")
        if isinstance(o.params.get(key), str)
    }
    texts = [
        normalize(segment["text"])
        for path in sorted(dialogues.glob("dev_[a-l].jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
        for segment in json.loads(line)["segments"]
        if segment["role"] == "customer"
    ]
    assert len(patterns) >= 4 and len(texts) > 1000
    for pattern in patterns:
        whole = re.compile(pattern)
        for text in texts:
            assert _spans(pattern, text) == [m.span() for m in whole.finditer(text)], text


def test_the_default_exclusions_find_the_same_branch_by_branch() -> None:
    """Whether a pattern is found is the same asked of it whole or of its branches one by one,
    for every pattern of the default scorecard, on sentences near its words."""
    card = load_scorecard("telecom_hotline")
    patterns = {
        str(o.params[key])
        for tree in (
            *(c for i in card.items for c in (i.applies_when, i.fail_when, i.pass_when) if c),
            *(f.when for f in card.flags),
        )
        for o in _ops(tree)
        for key in ("pattern", "exclude", "mask", "exclude_turn", "cue")
        if isinstance(o.params.get(key), str)
    }
    texts = [
        "我不是要转网就是问问",
        "上个月已经销户了怎么还扣月租",
        "再这样我就去销户转到移动",
        "我要投诉你们我去工信部",
        "没什么好投诉的你们挺好",
        "刚才是气话你别当真",
        "算了我不投诉了",
        "我朋友让我问问携号转网",
        "销户算了",
        "你好请问有什么可以帮您",
        "",
    ]
    assert len(patterns) > 20
    for pattern in patterns:
        whole = re.compile(pattern)
        for text in texts:
            found = any(p.search(text) for p in _alternatives(pattern))
            assert found == (whole.search(text) is not None), (pattern[:60], text)
