from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.errors import ScorecardError
from scoring.scorecard import load_scorecard, parse_scorecard

DEFAULT_ITEMS = [
    "greeting",
    "agent_id_stated",
    "identity_verification",
    "hold_etiquette",
    "dead_air",
    "interruption",
    "speech_rate",
    "forbidden_phrase",
    "deflection",
    "empathy",
    "commitment",
    "further_help",
    "survey_invitation",
    "closing",
    "score_solicitation",
    "privacy_disclosure",
]


def test_default_scorecard_keeps_its_public_item_ids() -> None:
    card = load_scorecard("telecom_hotline")
    assert [i.id for i in card.items] == DEFAULT_ITEMS
    assert [f.id for f in card.flags] == [
        "complaint_risk",
        "churn_risk",
        "customer_anger",
        "ticket_mismatch",
        "low_asr_confidence",
    ]
    fatal = {i.id for i in card.items if i.fatal}
    assert fatal == {"forbidden_phrase", "score_solicitation"}
    assert card.version.startswith("1+")


#: how the check says a pattern names a character normalised text never holds
NEVER_HELD = (
    "reads the text normalised (no punctuation or spaces, simplified, lower case, digits as"
    " Hanzi), which never holds"
)


def _card(item: dict) -> dict:
    return {"name": "t", "sections": [{"title": "s", "items": [item]}]}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "a", "points": 5}, "item 'a': field 'fail_when': an item needs exactly one"),
        (
            {"id": "a", "points": -1, "fail_when": {"keyword": {"words": ["x"]}}},
            "item 'a': field 'points': must be a non-negative number",
        ),
        (
            {"id": "a", "fail_when": {"keywrd": {"words": ["x"]}}},
            "item 'a': field 'fail_when': unknown operator 'keywrd'",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {}}},
            "item 'a': field 'fail_when.keyword.words': missing",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "colour": 1}}},
            "item 'a': field 'fail_when.keyword.colour': unknown parameter",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "role": "boss"}}},
            "field 'fail_when.keyword.role': 'boss' is not one of",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "("}}},
            "field 'fail_when.regex.pattern': invalid regular expression",
        ),
        # the operator reads normalised text (session 36: 滚！ had never matched, nor 两 in a
        # class, nor upper case), however the character is written
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "(^|，)滚[。！!]"}}},
            f"field 'fail_when.regex.pattern': {NEVER_HELD} ， 。 ！ !",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "(?<![一两])个锤子|TMD|滚\\uff01"}}},
            f"field 'fail_when.regex.pattern': {NEVER_HELD} 两 T M D ！",
        ),
        # and so does every other pattern (session 37: a churn exclusion's [^，。！？]{0,10}
        # read as .{0,10}, a take-back's 开玩笑(?![吗？]) took 你以为我开玩笑？ for one)
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "exclude": "转了(?=$|[，。])"}}},
            f"field 'fail_when.keyword.exclude': {NEVER_HELD} ， 。",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "mask": "前两天投诉"}}},
            f"field 'fail_when.intent.mask': {NEVER_HELD} 两",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "exclude_turn": "APP账号"}}},
            f"field 'fail_when.intent.exclude_turn': {NEVER_HELD} A P",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "cue": "(19|20)[零一]{2}年"}}},
            f"field 'fail_when.intent.cue': {NEVER_HELD} 1 9 2 0",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "aside": "法院[^，]{0,4}旁边"}}},
            f"field 'fail_when.regex.aside': {NEVER_HELD} ，",
        ),
        (
            {
                "id": "a",
                "fail_when": {
                    "intent": {"act": "anger", "aside": "法院", "aside_unless": "我要告[！!]"}
                },
            },
            f"field 'fail_when.intent.aside_unless': {NEVER_HELD} ！ !",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "exclude": "(y"}}},
            "field 'fail_when.regex.exclude': invalid regular expression",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "exclude": []}}},
            "field 'fail_when.regex.exclude': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "exclude": ["y", 3]}}},
            "field 'fail_when.regex.exclude': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "exclude": "不("}}},
            "field 'fail_when.keyword.exclude': invalid regular expression",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "exclude": {"a": 1}}}},
            "field 'fail_when.intent.exclude': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "aside": ["y"]}}},
            "field 'fail_when.keyword.aside': needs a regular expression",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "mask": ["y"], "aside": "z"}}},
            "field 'fail_when.keyword.aside': goes with a mask written as a pattern",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "aside": "(y"}}},
            "field 'fail_when.regex.aside': invalid regular expression",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "mask": "y", "aside": "(?i)z"}}},
            "field 'fail_when.regex.aside': invalid regular expression",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "aside_unless": "y"}}},
            "field 'fail_when.intent.aside_unless': goes with an intent condition's aside",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "aside": "x", "aside_unless": 3}}},
            "field 'fail_when.intent.aside_unless': needs a regular expression",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "exclude": ""}}},
            "field 'fail_when.keyword.exclude': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "exclude": "不转|"}}},
            "field 'fail_when.intent.exclude': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "exclude_turn": "算了|"}}},
            "field 'fail_when.intent.exclude_turn': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "unless": "closing"}}},
            "field 'fail_when.regex.unless': needs act ids, or a mapping of act -> probability",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "unless": {"closing": 1.5}}}},
            "field 'fail_when.regex.unless.closing': must be between 0 and 1, got 1.5",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "keep": ["closing"]}}},
            "field 'fail_when.regex.keep': goes with a keyword or regex condition's unless",
        ),
        (
            {
                "id": "a",
                "fail_when": {
                    "keyword": {"words": ["x"], "unless": ["closing"], "keep": {"closing": 2}}
                },
            },
            "field 'fail_when.keyword.keep.closing': must be between 0 and 1, got 2",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "keep": ["anger"]}}},
            "field 'fail_when.intent.keep': unknown parameter",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "unless": ["nothing"]}}},
            "field 'fail_when.keyword.unless': unknown act 'nothing'",
        ),
        # a contrast act knows only the act it is told from: an intent condition's unless on
        # that act reads it, nothing else does
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "unless": ["anger_aside"]}}},
            "field 'fail_when.keyword.unless': 'anger_aside' is a contrast act",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger_aside"}}},
            "field 'fail_when.intent.act': 'anger_aside' is a contrast act",
        ),
        (
            {
                "id": "a",
                "fail_when": {"intent": {"act": "churn_threat", "unless": ["anger_aside"]}},
            },
            "field 'fail_when.intent.unless': 'anger_aside' tells its look-alikes from anger only",
        ),
        (
            {
                "id": "a",
                "fail_when": {
                    "keyword": {"words": ["x"], "unless": ["closing"], "across_turns": 2}
                },
            },
            "field 'fail_when.keyword.unless': reads one turn at a time: not with across_turns",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "exclude_turn": []}}},
            "field 'fail_when.intent.exclude_turn': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "cue": "停掉|"}}},
            "field 'fail_when.intent.cue': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "cue": [""]}}},
            "field 'fail_when.intent.cue': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "exclude": "(投诉)?"}}},
            "field 'fail_when.regex.exclude': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "mask": []}}},
            "field 'fail_when.keyword.mask': needs a pattern or a non-empty list of phrases",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "mask": "不|"}}},
            "field 'fail_when.regex.mask': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "belief": 1.5}}},
            "field 'fail_when.regex.belief': must be above 0 and at most 1, got 1.5",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "belief": 0}}},
            "field 'fail_when.intent.belief': must be above 0 and at most 1, got 0",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "min_count": 0}}},
            "field 'fail_when.intent.min_count': must be a whole number >= 1, got 0",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "min_count": "2"}}},
            "field 'fail_when.intent.min_count': must be a whole number >= 1, got '2'",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "min_chars": -1}}},
            "field 'fail_when.intent.min_chars': must be a whole number >= 0, got -1",
        ),
        (
            {"id": "a", "fail_when": {"intent": {"act": "anger", "short_last": 2.5}}},
            "field 'fail_when.intent.short_last': must be a whole number >= 0, got 2.5",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "(工号)?"}}},
            "field 'fail_when.regex.pattern': the pattern matches empty text",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": ["x"]}}},
            "field 'fail_when.regex.pattern': needs a regular expression",
        ),
        ({"id": "a", "fail_when": {"all": []}}, "field 'fail_when.all': needs a non-empty list"),
        (
            {"id": "a", "fail_when": {"turns": {}}},
            "field 'fail_when.turns': needs min, max or both",
        ),
        (
            {"id": "a", "fail_when": {"turns": {"max": "3"}}},
            "field 'fail_when.turns.max': must be a whole number >= 0, got '3'",
        ),
        (
            {"id": "a", "fail_when": {"turns": {"min": 4, "max": 3}}},
            "field 'fail_when.turns': min 4 is above max 3",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "window": {"first_min": 1}}}},
            "field 'fail_when.keyword.window'",
        ),
        (
            {"id": "a", "fail_when": {"keyword": {"words": ["x"], "window": {"min_heard": 2}}}},
            "field 'fail_when.keyword.window.min_heard': 2 is not a number from 0 to 1",
        ),
        (
            {"id": "a", "fail_when": {"regex": {"pattern": "x", "window": {"min_heard": "low"}}}},
            "field 'fail_when.regex.window.min_heard': 'low' is not a number from 0 to 1",
        ),
        (
            {"id": "a", "severity": "huge", "fail_when": {"keyword": {"words": ["x"]}}},
            "field 'severity': 'huge'",
        ),
        ({"points": 1}, "item 0: field 'id': missing"),
    ],
)
def test_bad_scorecards_name_file_item_and_field(item: dict, message: str) -> None:
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(_card(item), "cards/mine.yaml")
    assert str(caught.value).startswith("cards/mine.yaml: ")
    assert message in str(caught.value)


def test_duplicate_ids_and_missing_files(tmp_path: Path) -> None:
    item = {"id": "a", "fail_when": {"keyword": {"words": ["x"]}}}
    with pytest.raises(ScorecardError, match="item ids must be unique: a"):
        parse_scorecard({"name": "t", "sections": [{"items": [item, item]}]}, "x.yaml")
    with pytest.raises(ScorecardError, match="scorecard not found"):
        load_scorecard(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed")
    with pytest.raises(ScorecardError, match="broken.yaml: invalid YAML"):
        load_scorecard(broken)


def test_editing_a_scorecard_changes_its_version(tmp_path: Path) -> None:
    data = yaml.safe_load(
        load_scorecard.__globals__["BUILTIN_DIR"]
        .joinpath("telecom_hotline.yaml")
        .read_text(encoding="utf-8")
    )
    before = parse_scorecard(data, "a.yaml").version
    data["sections"][0]["items"][0]["points"] = 6
    assert parse_scorecard(data, "a.yaml").version != before
