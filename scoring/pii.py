"""Masking of personal numbers in transcript text: mobile numbers, ID numbers, bank cards.

Numbers are spoken, so they appear as Arabic digits or Chinese numerals (幺 for 1, 两 for 2),
possibly in groups split by spaces, dashes or the commas a transcript puts between spoken
groups. A run of 7+ digits (a landline is 7-8, a mobile number 11, an ID number 18 with a final
X, a card 16-19) keeps its last four digits; the rest become *. This is the one masking function:
the web views, evidence (sentence and matched words), survey comments and clip downloads all
pass their text through it for the roles that must not see numbers.
"""

from __future__ import annotations

import re

DIGIT = "0-9零〇一二两三四五六七八九幺"
_RUN = re.compile(rf"[{DIGIT}](?:[\s\-，,、]?[{DIGIT}xX叉]){{6,}}")


def mask_pii(text: str) -> str:
    """The text with every long digit run masked except its last four digits."""

    def mask(match: re.Match[str]) -> str:
        chars = list(match.group(0))
        digit_positions = [i for i, c in enumerate(chars) if not c.isspace() and c not in "-，,、"]
        for i in digit_positions[:-4]:
            chars[i] = "*"
        return "".join(chars)

    return _RUN.sub(mask, text)
