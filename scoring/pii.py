"""Masking of personal numbers in transcript text: mobile numbers, ID numbers, bank cards.

Numbers are spoken, so they appear as Arabic digits or Chinese numerals (幺 for 1, 两 for 2),
possibly with spaces or dashes between groups. A run of 11+ digits (a mobile number is 11, an ID
number 18 with a final X, a card 16-19) keeps its last four digits; the rest become *.
"""

from __future__ import annotations

import re

DIGIT = "0-9零〇一二两三四五六七八九幺"
_RUN = re.compile(rf"[{DIGIT}](?:[\s\-]?[{DIGIT}xX叉]){{10,}}")


def mask_pii(text: str) -> str:
    """The text with every long digit run masked except its last four digits."""

    def mask(match: re.Match[str]) -> str:
        chars = list(match.group(0))
        digit_positions = [i for i, c in enumerate(chars) if not c.isspace() and c != "-"]
        for i in digit_positions[:-4]:
            chars[i] = "*"
        return "".join(chars)

    return _RUN.sub(mask, text)
