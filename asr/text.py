"""Transcript text helpers: simplified Chinese, and the filters that drop invented text."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

# Phrases Whisper is known to invent on silence, music or noise (subtitle credits and the like).
HALLUCINATION_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"字幕(由|制作|提供|志愿者)",
        r"(请|欢迎)?(不吝)?(点赞|订阅|转发|打赏)",
        r"(感谢|谢谢)(大家|各位)?(观看|收看|收听)",
        r"明镜与点点",
        r"优优独播剧场",
        r"amara\.org",
        r"^\W*(嗯|啊|哦|呃)?\W*$",
        r"(?i)thank(s| you) for watching",
        r"(?i)subtitles? by",
    )
)
#: one Chinese character (CJK unified ideographs)
HANZI = re.compile(r"[\u4e00-\u9fff]")
#: the longest unit a decoder loop repeats (射射射… is 1, "Hoseway 1805、" is 13)
MAX_LOOP_UNIT = 16
DEFAULT_PROMPT_ZH = "以下是普通话客服电话录音的转写，使用简体中文。"


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (Whisper sometimes answers Mandarin in traditional)."""
    return _t2s().convert(text) if text else text


_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", ".": "。"}
#: ASCII punctuation next to a Chinese character ("." only after one: 3.5 stays a number)
_ASCII_PUNCT_ZH = re.compile(
    rf"(?<={HANZI.pattern})\s*([,?!:;.])\s*|\s*([,?!:;])\s*(?={HANZI.pattern})"
)


def full_width_punctuation(text: str) -> str:
    """Chinese punctuation in Chinese text: Whisper writes "您好,工号…请问有什么可以帮您?".

    Only marks touching a Chinese character change, so English text, numbers (3.5, 1,000) and
    times (10:30) keep theirs.
    """
    return _ASCII_PUNCT_ZH.sub(lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(len(zlib.compress(data)), 1)


def looks_invented(text: str) -> bool:
    """Known hallucination phrases and empty or filler-only output."""
    stripped = text.strip()
    if not stripped:
        return True
    return any(p.search(stripped) for p in HALLUCINATION_PATTERNS)


def has_runaway_repetition(text: str, min_unit: int = 2, min_repeats: int = 4) -> bool:
    """True when a short unit repeats back to back (谢谢谢谢谢谢谢谢...), a decoder loop."""
    compact = re.sub(r"[\s，。！？、,.!?]", "", text)
    for size in range(min_unit, MAX_LOOP_UNIT + 1):
        if re.search(rf"(.{{{size}}})\1{{{min_repeats - 1},}}", compact):
            return True
    return bool(re.search(r"(.)\1{7,}", compact))


_LOOP = re.compile(rf"(.{{2,{MAX_LOOP_UNIT}}}?)\1{{3,}}|(.)\2{{7,}}")


def loop_start(text: str) -> int | None:
    """Index just after the first unit of a runaway repetition, or None when there is none."""
    match = _LOOP.search(text)
    if match is None:
        return None
    unit = match.group(1) or match.group(2)
    return match.start() + len(unit)


def build_prompt(base: str, hotwords: tuple[str, ...], language: str = "zh") -> str:
    """The initial prompt: an instruction plus the glossary terms written in the call's language.

    Chinese terms are left out of the prompt of an English call (they would pull Whisper towards
    Chinese output), and Latin-only terms out of a Chinese one.
    """
    if language == "zh":
        terms = [t for t in hotwords if HANZI.search(t)]
        return f"{base}常用词：{'、'.join(terms)}。" if terms else base
    terms = [t for t in hotwords if not HANZI.search(t)]
    return f"{base} Glossary: {', '.join(terms)}.".strip() if terms else base


_DIGITS = str.maketrans("0123456789幺两", "零一二三四五六七八九一二")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_for_cer(text: str) -> str:
    """Simplified, no punctuation or spaces, digits as Hanzi (1 / 幺 -> 一), lower case."""
    return _PUNCT.sub("", to_simplified(text).translate(_DIGITS)).lower()


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of a hypothesis against a reference, after normalisation."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = normalize_for_cer(reference), normalize_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


_WORD = re.compile(r"[a-z0-9']+")


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate for languages written with spaces (lower case, punctuation ignored)."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = _WORD.findall(reference.lower()), _WORD.findall(hypothesis.lower())
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
