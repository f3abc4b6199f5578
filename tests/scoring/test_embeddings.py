from __future__ import annotations

import pytest

from scoring.embeddings import cjk_punctuation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收到,这个情况已经转给同事,明天回复您.", "收到，这个情况已经转给同事，明天回复您。"),
        ("凭什么还要等?你们自己也说是系统错了!", "凭什么还要等？你们自己也说是系统错了！"),
        ("套餐费3.5元,流量10:30后生效", "套餐费3.5元，流量10:30后生效"),
        ("发一下SIM卡号（卡托上）,我来登记.", "发一下SIM卡号（卡托上），我来登记。"),
        ("OK, thanks. See you at 10:30.", "OK, thanks. See you at 10:30."),
        ("已经是全角，不变。", "已经是全角，不变。"),
    ],
)
def test_half_width_punctuation_beside_chinese_becomes_full_width(text: str, expected: str) -> None:
    assert cjk_punctuation(text) == expected
