"""The review area's scorecard is parsed once and again when its file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.errors import ScorecardError
from inspector.review.scorecards import ScorecardCache, scorecard_path
from scoring.scorecard import BUILTIN_DIR


def test_builtin_names_and_paths() -> None:
    assert scorecard_path("telecom_hotline") == BUILTIN_DIR / "telecom_hotline.yaml"
    assert scorecard_path("/etc/qa/card.yaml") == Path("/etc/qa/card.yaml")


def test_parsed_once_and_again_after_an_edit(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text((BUILTIN_DIR / "telecom_hotline.yaml").read_text(encoding="utf-8"))
    cache = ScorecardCache(str(card))
    first = cache.get()
    assert cache.get() is first  # not parsed again
    edited = card.read_text(encoding="utf-8").replace("name:", "name: edited_", 1)
    card.write_text(edited, encoding="utf-8")
    stat = card.stat()
    os.utime(card, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later modification
    second = cache.get()
    assert second is not first and second.name.startswith("edited_")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="missing.yaml: scorecard not found"):
        ScorecardCache(str(tmp_path / "missing.yaml")).get()
