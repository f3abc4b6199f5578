"""Who is the agent: decided by what a channel or a speaker says (greeting, staff number)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pypinyin import lazy_pinyin

# Agent phrases, matched on pinyin so ASR homophones (工号 heard as 功耗) still count.
AGENT_CUES = (
    ("nin hao", 1.0),
    ("gong hao", 3.0),
    ("hen gao xing wei nin fu wu", 3.0),
    ("wei nin fu wu", 2.0),
    ("you shen me ke yi bang nin", 2.5),
    ("qing wen hai you", 1.5),
    ("gan xie nin de lai dian", 2.5),
    ("dui wo de fu wu jin xing ping jia", 2.0),
    ("qing nin shao deng", 1.0),
    ("wei nin", 0.5),
)
CUSTOMER_CUES = (
    ("wo xiang", 1.0),
    ("wo yao", 1.0),
    ("wo de", 0.5),
    ("ni men", 1.0),
)
# The opening is what identifies the agent best: weigh the first segments more.
OPENING_WEIGHT = 2.0


def _pinyin(text: str) -> str:
    hanzi_only = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return " ".join(lazy_pinyin(hanzi_only))


def agent_score(texts: Sequence[str]) -> float:
    """How much a list of utterances (in time order) sounds like the agent side of a call."""
    score = 0.0
    for i, text in enumerate(texts):
        spelled = f" {_pinyin(text)} "
        weight = OPENING_WEIGHT if i < 2 else 1.0
        score += weight * sum(w for cue, w in AGENT_CUES if f" {cue} " in spelled)
        score -= sum(w for cue, w in CUSTOMER_CUES if f" {cue} " in spelled)
    return score


def pick_agent(candidates: Sequence[Sequence[str]]) -> tuple[int, float]:
    """Index of the candidate (channel or speaker) most like the agent, and a 0-1 confidence."""
    scores = [agent_score(texts) for texts in candidates]
    best = max(range(len(scores)), key=lambda i: scores[i])
    others = [s for i, s in enumerate(scores) if i != best]
    margin = scores[best] - (max(others) if others else 0.0)
    confidence = 0.5 if margin <= 0 else min(0.5 + margin / 10.0, 0.99)
    return best, round(confidence, 3)
