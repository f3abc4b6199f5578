"""Glossary correction: misheard telecom terms put back by sound, real words left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.call import apply_glossary
from asr.glossary import PACKAGED_GLOSSARY, Glossary, fuzzy
from asr.types import Role, Segment, Transcript
from core.errors import ConfigError
from inspector.batch.pipeline import load_glossary
from inspector.settings import Settings


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.from_file(PACKAGED_GLOSSARY, Settings().asr_hotwords)


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("您本月画费一百元", "您本月话费一百元"),  # hua fei, same tones aside
        ("您好公号幺零零八", "您好工号幺零零八"),
        ("请您提供机主性名", "请您提供机主姓名"),
        ("感谢您的来店", "感谢您的来电"),
        ("您好工号邻邻邀很高兴", "您好工号零零幺很高兴"),  # lin/ling, yao: digits after 工号
        ("我要办理鞋号转网", "我要办理携号转网"),
    ],
)
def test_misheard_terms_are_put_right(glossary: Glossary, heard: str, meant: str) -> None:
    text, fixes = glossary.correct(heard)
    assert text == meant
    assert fixes and all(f.heard != f.written for f in fixes)


@pytest.mark.parametrize(
    "text",
    [
        "这个套餐挺合适的",  # 合适 is a word: not taken for 核实
        "花费了很多时间",  # 花费 is a word: not taken for 话费
        "商品的包装坏了",  # 包装 is a word: not taken for 报装
        "工号是一零零八",  # already right
        "我是四川人",  # 是 must not become 四 after a cue-less context
        "请问工号多少",  # a cue without digits after it
        "Thank you for calling",  # not Chinese at all
    ],
)
def test_real_words_and_right_text_are_left_alone(glossary: Glossary, text: str) -> None:
    assert glossary.correct(text) == (text, [])


def test_fuzzy_pairs() -> None:
    assert fuzzy("zhang") == "zang" and fuzzy("ling") == "lin" and fuzzy("sheng") == "sen"
    assert fuzzy("hua") == "hua"


def test_user_glossary_file_and_hotwords(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("# our products\n天翼云盘  # cloud storage\n\n", encoding="utf-8")
    g = Glossary.from_file(path, extra=("千兆宽带",))
    assert g.size == 2
    assert g.correct("我开通了天翼云潘")[0] == "我开通了天翼云盘"
    assert g.correct("千兆宽戴")[0] == "千兆宽带"


def test_glossary_setting(tmp_path: Path) -> None:
    assert load_glossary(Settings(asr_glossary="off")) is None
    assert load_glossary(Settings()).size > 100
    with pytest.raises(ConfigError, match="asr_glossary.*missing.txt"):
        load_glossary(Settings(asr_glossary=str(tmp_path / "missing.txt")))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="bad.txt"):
        load_glossary(Settings(asr_glossary=str(bad)))


def test_corrections_are_noted_on_the_transcript(glossary: Glossary) -> None:
    seg = Segment(start_s=0.0, end_s=2.0, role=Role.AGENT, text="您本月画费一百元")
    ok = Segment(start_s=2.0, end_s=3.0, role=Role.CUSTOMER, text="好的")
    t = apply_glossary(Transcript(segments=(seg, ok), language="zh", engine="x"), glossary)
    assert [s.text for s in t.segments] == ["您本月话费一百元", "好的"]
    assert t.notes == ("glossary corrected 1: 画费->话费",)
    untouched = Transcript(segments=(ok,), language="zh", engine="x")
    assert apply_glossary(untouched, glossary) is untouched
