from __future__ import annotations

import pytest

from scoring.pii import mask_pii


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我的手机号是13812345678", "我的手机号是*******5678"),
        ("号码是一三八幺二三四五六七八", "号码是*******五六七八"),
        ("身份证 11010519491231002X 对吧", "身份证 **************002X 对吧"),
        ("卡号 6222 0212 3456 7890 123", "卡号 **** **** **** ***0 123"),
        ("后四位是三五七二", "后四位是三五七二"),  # four digits: nothing personal on its own
        ("工号幺零零幺，金额五十八元", "工号幺零零幺，金额五十八元"),
        # a landline in Chinese digits, an ID read out in groups, a mobile split by dashes
        ("请打三八零零零零零二找我", "请打****零零零二找我"),
        (
            "身份证是，三三零幺零六，幺九九二零三幺五，二四二X。",
            "身份证是，******，********，二四二X。",
        ),
        ("请回电138-0013-8000", "请回电***-****-8000"),
        ("二零二六年十一月", "二零二六年十一月"),  # a year is not personal
        ("", ""),
    ],
)
def test_mask_pii(text: str, masked: str) -> None:
    assert mask_pii(text) == masked
