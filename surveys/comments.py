"""Free-text survey comments: sentiment (the call classifier's customer head) and a reason.

Reasons: service attitude, network quality, billing, resolution, or other. Cue words decide
first (fuzzy over normalised text, so 态度差 and 服务态度不好 both count); a comment without cue
words goes to the reason whose example sentences are nearest in m3e-small space, when near
enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

REASONS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # id: (label, cue words, example sentences for the nearest-example fallback)
    "service_attitude": (
        "服务态度",
        (
            "态度",
            "不耐烦",
            "敷衍",
            "冷淡",
            "热情",
            "耐心",
            "礼貌",
            "挂我电话",
            "挂电话",
            "语气",
            "客服很好",
            "服务很好",
            "服务好",
            "服务差",
            "凶",
            "推诿",
            "踢皮球",
            "专业",
        ),
        (
            "客服说话很冲，一点都不客气",
            "接线员很亲切，讲解细致",
            "工作人员爱答不理",
            "那个人说话很凶",
            "小姑娘声音很甜，很有礼貌",
        ),
    ),
    "network_quality": (
        "网络质量",
        (
            "信号",
            "网速",
            "网络",
            "断网",
            "掉线",
            "上不了网",
            "卡顿",
            "通话质量",
            "杂音",
            "宽带慢",
            "打不通",
            "没网",
            "五G",
            "5G",
            "覆盖",
        ),
        (
            "家里手机经常打不出去",
            "晚上看视频一直转圈",
            "电话老是断断续续听不清",
            "地下室一格都没有",
            "路由器灯一直是红的",
        ),
    ),
    "billing": (
        "资费账单",
        (
            "扣费",
            "扣钱",
            "话费",
            "收费",
            "账单",
            "套餐",
            "资费",
            "乱扣",
            "退费",
            "退款",
            "流量费",
            "太贵",
            "价格",
            "月租",
            "多收",
            "乱收费",
            "优惠",
            "费用",
        ),
        (
            "每个月的钱都不一样，看不懂",
            "莫名其妙多出来一笔钱",
            "办的业务跟说的价钱不一样",
            "交的钱没到账",
            "比别家贵多了",
        ),
    ),
    "resolution": (
        "问题解决",
        (
            "解决",
            "没解决",
            "处理",
            "修好",
            "维修",
            "工单",
            "回电",
            "进度",
            "拖",
            "等了",
            "办好",
            "效率",
            "答复",
            "结果",
            "跟进",
            "没人管",
            "一次就",
        ),
        (
            "说好的上门一直没人来",
            "反映好几次了还是老样子",
            "当场就帮我弄好了",
            "到现在也没人联系我",
            "师傅来了一次就搞定了",
        ),
    ),
}
OTHER = "other"
#: cosine similarity an uncued comment needs to the nearest example to get that reason
MIN_SIMILARITY = 0.82


@dataclass(frozen=True)
class CommentAnalysis:
    sentiment: float
    label: str
    category: str


def cue_reason(text: str) -> str | None:
    """The reason with the most cue words in the comment (first listed wins a tie), or None."""
    from scoring.matching import normalize

    norm = normalize(text)
    best, best_hits = None, 0
    for reason, (_, cues, _) in REASONS.items():
        hits = sum(1 for cue in cues if normalize(cue) in norm)
        if hits > best_hits:
            best, best_hits = reason, hits
    return best


def analyse(texts: Sequence[str], model=None) -> list[CommentAnalysis]:
    """Sentiment and reason of each comment, in one batch through the sentence encoder."""
    if not texts:
        return []
    from scoring.embeddings import example_vectors
    from scoring.sentiment import shared_model

    model = model or shared_model()
    vectors = model.encoder.encode(list(texts), batch_size=64)
    sentiments = model.head.predict(vectors, ["customer"] * len(texts))
    examples = [(r, e) for r, (_, _, ex) in REASONS.items() for e in ex]
    example_vecs = example_vectors(tuple(e for _, e in examples))
    out = []
    for text, vec, s in zip(texts, vectors, sentiments, strict=True):
        reason = cue_reason(text)
        if reason is None:
            sims = example_vecs @ vec
            best = int(np.argmax(sims))
            reason = examples[best][0] if sims[best] >= MIN_SIMILARITY else OTHER
        out.append(CommentAnalysis(sentiment=s.score, label=s.label, category=reason))
    return out


def reason_label(category: str | None) -> str:
    if category is None:
        return ""
    return REASONS[category][0] if category in REASONS else "其他"
