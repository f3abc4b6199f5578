"""The trained sentiment heads on the real m3e-small encoder: dialogue test split, fixture
transcripts, and the risk flags that use them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from asr.types import Role, Segment, Transcript
from core.errors import ConfigError
from scoring import evaluate, load_scorecard
from scoring.metrics import measure
from scoring.sentiment import (
    CATEGORIES,
    SentimentHead,
    in_test_split,
    load_dialogue,
    shared_model,
)
from tests.factories import REPO

CARD = load_scorecard("telecom_hotline")


@pytest.fixture(scope="module")
def model():
    return shared_model()


def test_dialogue_set_is_large_balanced_and_split_by_content() -> None:
    rows = load_dialogue()
    assert len(rows) >= 600
    assert len({r.text for r in rows}) == len(rows)
    for category in CATEGORIES:
        assert sum(r.category == category for r in rows) >= 40, category
    test = [r for r in rows if r.is_test]
    assert 0.15 < len(test) / len(rows) < 0.35
    assert all(in_test_split(r.text) for r in test)


def test_bad_dialogue_rows_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "d.tsv"
    bad.write_text("role\tcategory\ttext\nagent\tanger\t你好\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"d.tsv: row 2: category anger belongs to another role"):
        load_dialogue(bad)
    bad.write_text("role\tcategory\ttext\ncustomer\tjoy\t好\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="row 2: unknown category 'joy'"):
        load_dialogue(bad)


def test_head_round_trips_and_missing_head_is_a_clear_error(tmp_path: Path) -> None:
    head = SentimentHead.load()
    head.save(tmp_path / "h.npz")
    again = SentimentHead.load(tmp_path / "h.npz")
    assert np.array_equal(again.weights["agent"], head.weights["agent"])
    assert again.info == head.info
    with pytest.raises(ConfigError, match="train-sentiment"):
        SentimentHead.load(tmp_path / "missing.npz")


def test_held_out_dialogue_split(model) -> None:
    """Never trained on: >= 90 % right and every angry customer and rude agent caught."""
    test = [r for r in load_dialogue() if r.is_test]
    got = model.predict([r.text for r in test], [r.role for r in test])
    labels = ("negative", "neutral", "positive")
    right = sum(labels[r.label] == s.label for r, s in zip(test, got, strict=True))
    assert right / len(test) >= 0.9
    missed = [
        r.text
        for r, s in zip(test, got, strict=True)
        if r.category in ("anger", "rudeness") and s.label != "negative"
    ]
    assert missed == []
    for s in got:
        assert -1.0 <= s.score <= 1.0 and 0.0 <= s.anger <= 1.0
        assert abs(sum(s.probabilities) - 1.0) < 1e-5
    angry = [s.anger for r, s in zip(test, got, strict=True) if r.category in ("anger", "rudeness")]
    calm = [s.anger for r, s in zip(test, got, strict=True) if r.anger == 0.0]
    assert np.mean(angry) > np.mean(calm) + 0.4


def test_roles_have_their_own_heads(model) -> None:
    """An apology is good agent behaviour, not a dissatisfied review."""
    agent, customer = model.predict(
        ["非常抱歉给您带来不便，我马上为您处理。"] * 2, ["agent", "customer"]
    )
    assert agent.label == "positive" and agent.score > 0.3
    assert customer.score < agent.score


def _fixture(call_id: str) -> Transcript:
    truth = json.loads((REPO / "fixtures" / "calls" / f"{call_id}.json").read_text("utf-8"))
    return Transcript(
        tuple(Segment(s["start"], s["end"], Role(s["role"]), s["text"]) for s in truth["segments"])
    )


def test_fixture_call_turns_follow_the_script(model) -> None:
    """c17: an angry customer is soothed and ends with thanks; the agent apologises."""
    scored = model.annotate(_fixture("c17_empathy_after_anger"))
    customer = [s for s in scored.segments if s.role == Role.CUSTOMER]
    agent = [s for s in scored.segments if s.role == Role.AGENT]
    assert customer[0].sentiment < -0.5 and customer[0].anger >= 0.6  # 太过分了！
    assert customer[-1].sentiment > 0.3  # 没有了，谢谢。
    assert agent[1].sentiment > 0.3  # 非常抱歉给您带来不便…
    calm = model.annotate(_fixture("c01_compliant_billing"))
    assert all(s.anger < 0.6 for s in calm.segments)


def _flags(turns: list[tuple[str, str]], model) -> dict:
    # an opening turn first: a call of one short sentence would be `no speech`
    segments, t = [], 0.0
    for role, text in [("agent", "您好，请问有什么可以帮您？"), *turns]:
        segments.append(Segment(t, t + 3, Role(role), text))
        t += 4
    transcript = model.annotate(Transcript(tuple(segments)))
    result = evaluate(transcript, measure(transcript, t), CARD, {})
    return {f.id: f.evidence for f in result.flags}


@pytest.mark.parametrize(
    ("turns", "flag", "expected"),
    [
        ([("customer", "再不解决我就打一二三零零投诉你们")], "complaint_risk", True),
        ([("customer", "我要去工信部反映这个问题")], "complaint_risk", True),
        ([("customer", "我要找媒体曝光你们")], "complaint_risk", True),
        ([("customer", "我不投诉，就是想问问怎么回事")], "complaint_risk", False),
        ([("customer", "我没打算投诉，你帮我看看就行")], "complaint_risk", False),
        # a post's emoji code inside a denial is no word of it; one inside a threat breaks nothing
        ([("customer", "我不[微笑]投诉，就是想问问这个月怎么多了十块")], "complaint_risk", False),
        ([("customer", "再不给我退钱我就去[怒]投诉你们")], "complaint_risk", True),
        ([("agent", "我帮您转到投诉处理部门")], "complaint_risk", False),
        ([("customer", "我要携号转网，不用你们的了")], "churn_risk", True),
        ([("customer", "我想把这个号码销户")], "churn_risk", True),
        ([("customer", "我是不会[doge]销户的，就问问家里信号怎么这么差")], "churn_risk", False),
        ([("agent", "携号转网需要号码在网满一百二十天")], "churn_risk", False),
        ([("customer", "太过分了，你们凭什么乱扣我的钱！")], "customer_anger", True),
        ([("customer", "请问我这个月的话费是多少？")], "customer_anger", False),
        ([("customer", "好的，谢谢你，问题解决了")], "customer_anger", False),
        ([("agent", "你烦不烦啊，听不懂吗？")], "customer_anger", False),
    ],
)
def test_risk_flags_hits_and_near_misses(model, turns, flag, expected) -> None:
    flags = _flags(turns, model)
    assert (flag in flags) is expected
    if expected:
        assert flags[flag] and flags[flag][0].text == turns[0][1]
