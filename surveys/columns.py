"""A survey export without a profile: its columns recognised by name (Chinese and English
synonyms) and its answer scale by the values it holds, or a refusal that lists what it could
not tell."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.errors import SurveyImportError
from surveys.parse import IVR_WORDS, Profile

#: profile field -> the names a survey system gives that column
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id_column": (
        "问卷编号",
        "问卷id",
        "评价编号",
        "评价id",
        "回复编号",
        "surveyid",
        "responseid",
        "id",
    ),
    "call_id_column": (
        "通话流水号",
        "流水号",
        "通话id",
        "通话编号",
        "呼叫流水号",
        "录音编号",
        "callid",
        "callref",
    ),
    "customer_hash_column": ("客户号码哈希", "号码哈希", "customerhash", "customernumberhash"),
    "sent_column": (
        "发送时间",
        "邀评时间",
        "推送时间",
        "下发时间",
        "sentat",
        "senttime",
        "invitedat",
        "sent",
    ),
    "answered_column": (
        "评价时间",
        "回复时间",
        "答复时间",
        "answeredat",
        "repliedat",
        "answertime",
        "replytime",
    ),
    "answer_column": (
        "满意度",
        "满意度评分",
        "评分",
        "评价结果",
        "满意度结果",
        "score",
        "answer",
        "rating",
        "satisfaction",
        "csat",
    ),
    "nps_column": ("推荐意愿", "推荐度", "推荐可能性", "nps", "recommend", "likelihoodtorecommend"),
    "comment_column": (
        "评价内容",
        "意见",
        "留言",
        "客户意见",
        "备注",
        "comment",
        "comments",
        "feedback",
        "text",
    ),
}
REQUIRED = ("sent_column", "answer_column")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-（）()]", "", name).lower()


def _scale(values: Iterable[Any]) -> str:
    """The answer scale its values fit: IVR 1-3 (or 满意 words), 1-5, 1-10 or 0-10."""
    numbers = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if text in IVR_WORDS:
            return "ivr3"
        try:
            numbers.append(float(text))
        except ValueError:
            continue
    if not numbers:
        raise SurveyImportError("the answer column holds no numbers: cannot tell its scale")
    low, high = min(numbers), max(numbers)
    if low >= 1 and high <= 3:
        return "ivr3"
    if low >= 1 and high <= 5:
        return "csat5"
    if low >= 1 and high <= 10:
        return "ten_point"
    return "nps11"


def detect_profile(
    header: list[str], rows: Iterable[dict[str, Any]], source: str
) -> tuple[Profile, dict[str, str]]:
    """A profile for these columns and the mapping used (field -> column); refuses, naming the
    unmapped columns, when the sent time or the answer cannot be found."""
    mapping: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        wanted = {_key(n) for n in names}
        found = [h for h in header if _key(h) in wanted and h not in mapping.values()]
        if found:
            mapping[field] = found[0]
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        unmapped = [h for h in header if h not in mapping.values()]
        raise SurveyImportError(
            f"{source}: cannot tell the columns: no {' and no '.join(m[:-7] for m in missing)} "
            f"column among the unmapped ones ({', '.join(unmapped) or 'none'}); name them "
            "(e.g. 发送时间 / sent_at, 满意度 / score) or give a profile"
        )
    scale = _scale(row.get(mapping["answer_column"]) for row in rows)
    profile = Profile(
        name="auto",
        id_column=mapping.get("id_column"),
        call_id_column=mapping.get("call_id_column"),
        customer_hash_column=mapping.get("customer_hash_column"),
        sent_column=mapping["sent_column"],
        answered_column=mapping.get("answered_column"),
        answer_column=mapping["answer_column"],
        scale=scale,
        nps_column=mapping.get("nps_column"),
        comment_column=mapping.get("comment_column"),
    )
    return profile, mapping
