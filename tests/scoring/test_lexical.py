"""The n-gram rows the heads read at scoring time are scikit-learn's TF-IDF rows."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.lexical import Ngrams

BANK = [
    "你们这服务真行啊，呵呵",
    "我要投诉你们，乱扣费",
    "请问还有其他可以帮您的吗",
    "好的好的好的，谢谢",
    "宽带 断了  三天",
    "这个号码我不用了，弃号",
    "点赞👍",  # a character outside the Basic Multilingual Plane, in the vocabulary
    "👍👍好评",
]


@pytest.fixture(scope="module")
def table() -> Ngrams:
    return Ngrams.fit(BANK)


@pytest.mark.parametrize(
    "texts",
    [
        ["你们这服务真行啊"],
        ["好的好的好的", "我要投诉"],  # repeated n-grams: sub-linear counts
        ["", "弃号", ""],  # an empty sentence has no row
        ["😀😀", "宽带  断了", "Abc 投诉 ABC"],  # unknown characters, spaces, case
        ["请问还有其他可以帮您的吗"] * 3,
        ["完全没见过的字句"],
        ["点赞👍👍", "👍", "😀👍好"],  # emoji known and unknown, beside known characters
    ],
)
def test_hits_are_the_tfidf_rows(table: Ngrams, texts: list[str]) -> None:
    r, c, values = table.hits(texts)
    dense = np.zeros((len(texts), len(table.vocabulary)), dtype=np.float32)
    dense[r, c] = values
    expected = table.transform(texts).toarray()
    assert np.allclose(dense, expected, atol=1e-6)
    assert list(r) == sorted(r)  # grouped by sentence, as `apply` reads them
