"""No tracked file quotes the helpdesk dialogues in ../shared/data (its README: never copy them).

A quote is a run of 13 characters (whitespace and punctuation removed, at least 10 of them CJK)
that occurs in fewer than 3 dialogues; a run found in 3 or more is a stock service formula (the
same apology or greeting every hotline says) and may appear anywhere, and so may a run that holds
seven characters of one of FORMULAS: service formulas our own writers use too, found with a word
more or less (您好，非常抱歉…) in fewer than three dialogues.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

import pytest

from tests.factories import REPO

SHARED = REPO.parent / "shared" / "data" / "helpdesk_dialogues.jsonl"
RUN = 13  # characters in a run
MIN_CJK = 10  # CJK characters a run needs to count (shorter Chinese is too common to judge)
FORMULA_DIALOGUES = 3  # a run in this many dialogues is a stock formula, not a quote
MAX_BYTES = 5 * 1024 * 1024
#: stock formulas of any helpdesk (an apology, the first questions asked), written by our own
#: writers as by the real agents: a run that holds seven characters of one is no quote
FORMULAS = ("抱歉给您带来不好的体验", "请问您的手机是什么型号", "请问您具体遇到了什么问题")
_FORMULA_PIECES = frozenset(f[i : i + 7] for f in FORMULAS for i in range(len(f) - 6))

# \W drops whitespace, punctuation (ASCII and full-width), symbols and emoji in one C-speed pass;
# _ is a word character to re but punctuation to a reader.
_NOISE = re.compile(r"[\W_]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


@dataclass(frozen=True)
class Quote:
    path: str
    line: int  # where the quoted stretch starts
    run: str  # the stretch, normalised (overlapping runs merged)


def normalise(text: str) -> str:
    """Text folded (NFKC, case) with whitespace and punctuation removed."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _runs(text: str) -> set[str]:
    norm = normalise(text)
    return {
        run
        for i in range(len(norm) - RUN + 1)
        if len(_CJK.findall(run := norm[i : i + RUN])) >= MIN_CJK
    }


def quote_runs(dialogues: Iterable[Sequence[str]]) -> set[str]:
    """The runs of the dialogues' segment texts found in fewer than FORMULA_DIALOGUES of them."""
    seen_in: defaultdict[str, set[int]] = defaultdict(set)
    for number, texts in enumerate(dialogues):
        # per segment: a run straddling two turns is no sentence anyone would copy
        for run in set().union(*map(_runs, texts)):
            seen_in[run].add(number)
    return {
        run
        for run, numbers in seen_in.items()
        if len(numbers) < FORMULA_DIALOGUES
        and not any(run[i : i + 7] in _FORMULA_PIECES for i in range(RUN - 6))
    }


def find_quotes(dialogues: Iterable[Sequence[str]], files: Mapping[str, str]) -> list[Quote]:
    """Every stretch of the files that quotes the dialogues, by file and line."""
    quotes = quote_runs(dialogues)
    found = []
    for path, text in files.items():
        if not _CJK.search(text):
            continue
        # The whole file is normalised as one string, so a quote wrapped over two lines (a long
        # comment, a docstring, strings split for line length) is still found; the comment
        # markers, quotes and indentation between the lines are removed like any punctuation.
        # The line of a character is read back from where each normalised line starts.
        lines = [normalise(line) for line in text.splitlines()]
        starts = list(accumulate((len(line) for line in lines[:-1]), initial=0))
        joined = "".join(lines)
        i = 0
        while i <= len(joined) - RUN:
            if joined[i : i + RUN] not in quotes:
                i += 1
                continue
            end = i + 1
            while end <= len(joined) - RUN and joined[end : end + RUN] in quotes:
                end += 1
            found.append(Quote(path, bisect_right(starts, i), joined[i : end - 1 + RUN]))
            i = end
    return found


def _tracked_texts() -> dict[str, str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"{REPO} is not a git checkout (or git is missing): no tracked files to read")
    texts = {}
    for name in listed.decode("utf-8", "surrogateescape").split("\0"):
        path = REPO / name
        # a submodule, a symlink or a file deleted in the working tree is no text of ours
        if not name or path.is_symlink() or not path.is_file():
            continue
        if path.stat().st_size > MAX_BYTES:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def test_no_tracked_file_quotes_the_shared_dialogues() -> None:
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is absent (the helpdesk dialogues live outside the repository)")
    dialogues = [
        [segment["text"] for segment in json.loads(line)["segments"]]
        for line in SHARED.read_text("utf-8").splitlines()
        if line.strip()
    ]
    found = find_quotes(dialogues, _tracked_texts())
    assert not found, "tracked files quote ../shared/data (describe it instead):\n" + "\n".join(
        f"{q.path}:{q.line}: {q.run}" for q in found
    )


# Invented for this test, like every sentence here: none comes from the shared dialogues.
FORMULA = "您好，实在抱歉让您久等了，我们这就为您加急处理。"
DIALOGUES = [
    [FORMULA, "我家楼下的光猫每逢下雨天就亮起红灯来，真烦人。"],
    [FORMULA, "快递小哥把我的西瓜放进了隔壁小区的丰巢柜里面。"],
    [FORMULA, "上个月的话费账单莫名其妙多扣了二十三块五毛钱。"],
    ["我家楼下的光猫每逢下雨天就亮起红灯来，真烦人。", "请问您的宽带账号是多少呢？"],
    ["哎呀，实在抱歉给您带来不好的体验了，我马上看看。"],
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# 用户说：“我家楼下的光猫每逢下雨天就亮起红灯来”\n",
            [(1, "我家楼下的光猫每逢下雨天就亮起红灯来")],
        ),
        (
            "x = 1\n# 快递小哥把我的西瓜放进了\n# 隔壁小区的丰巢柜里面\n",
            [(2, "快递小哥把我的西瓜放进了隔壁小区的丰巢柜里面")],
        ),
        ('GREETING = "您好, 实在抱歉让您久等了, 我们这就为您加急处理"\n', []),
        ("上个月的话费账单\n", []),
        ("# 坐席：实在抱歉给您带来不好的体验了\n", []),
    ],
    ids=[
        "quote-in-two-dialogues",
        "quote-over-two-lines",
        "formula-in-three",
        "too-short",
        "stock-formula",
    ],
)
def test_a_quote_is_reported_and_a_stock_formula_is_not(
    text: str, expected: list[tuple[int, str]]
) -> None:
    found = find_quotes(DIALOGUES, {"notes.py": text})
    assert [(q.line, q.run) for q in found] == expected
    assert all(q.path == "notes.py" for q in found)
