from __future__ import annotations

import pytest

from scoring.embeddings import cjk_punctuation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("您好,您反映的问题我们已记录,我们会改进.", "您好，您反映的问题我们已记录，我们会改进。"),
        ("为什么要私信?你也知道这样不对是吧!", "为什么要私信？你也知道这样不对是吧！"),
        ("套餐费3.5元,流量10:30后生效", "套餐费3.5元，流量10:30后生效"),
        ("提供IMEI号（进入设置）,我将记录.", "提供IMEI号（进入设置），我将记录。"),
        ("OK, thanks. See you at 10:30.", "OK, thanks. See you at 10:30."),
        ("已经是全角，不变。", "已经是全角，不变。"),
    ],
)
def test_half_width_punctuation_beside_chinese_becomes_full_width(text: str, expected: str) -> None:
    assert cjk_punctuation(text) == expected
