"""Frequent phrases of what customers say: jieba keywords of a call's customer turns, the raw
material of emerging-issue alerts (a word that suddenly appears in many calls)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache
from importlib.resources import files

from asr.types import Role, Transcript

#: keywords kept per call
TOP_K = 8
#: parts of speech that name a matter (nouns, verbal nouns, verbs, places, organisations)
PARTS = ("n", "nz", "vn", "v", "ns", "nt", "nr", "eng")
#: what every call says, whatever it is about
_STOP_TEXT = (
    "你好 您好 谢谢 麻烦 一下 知道 可以 没有 什么 怎么 这个 那个 就是 还是 我要 我想 问问 问一下"
    " 帮我 看看 觉得 现在 时候 客服 号码 电话 手机号 身份证 机主 先生 女士 需要 应该 是不是 行吧"
    " 好的 不用 不是 还有 已经 一直 这样 那样 感觉 说话 听到 听见 喂 对对"
)
STOP = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$|^[A-Za-z][A-Za-z0-9]{1,}$")


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table (read here: importing jieba.analyse leaves the file open)."""
    text = (files("jieba") / "analyse" / "idf.txt").read_text("utf-8")
    idf = {}
    for line in text.splitlines():
        word, _, value = line.partition(" ")
        if value:
            idf[word] = float(value)
    return idf, sorted(idf.values())[len(idf) // 2]


def customer_keywords(transcript: Transcript, top_k: int = TOP_K) -> tuple[str, ...]:
    """The call's most telling words from the customer's turns (TF-IDF over jieba's corpus)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    text = "。".join(s.text for s in transcript.segments if s.role == Role.CUSTOMER)
    if not text.strip():
        return ()
    counts = Counter(
        w.word
        for w in jieba.posseg.cut(text)
        if w.flag in PARTS and _WORD.match(w.word) and w.word not in STOP
    )
    idf, median = _idf()
    scored = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median), w))
    return tuple(scored[:top_k])
