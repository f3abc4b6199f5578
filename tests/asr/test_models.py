"""Model preparation and the CTranslate2 -> openai-whisper converter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from asr.ct2_reader import read_ct2
from asr.models import BASE_MODEL_SHA256, sha256_of, validate_ct2_dir, validate_openai_checkpoint
from core.errors import ConfigError

pytestmark = pytest.mark.slow


def test_packaged_base_is_assembled_and_verified(ct2_dir: Path) -> None:
    assert sha256_of(ct2_dir / "model.bin") == BASE_MODEL_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (ct2_dir / name).exists()
    assert validate_ct2_dir(ct2_dir) == ct2_dir


def test_incomplete_user_models_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ConfigError, match="lacks config.json, tokenizer.json"):
        validate_ct2_dir(tmp_path)
    with pytest.raises(ConfigError, match="is not a folder"):
        validate_ct2_dir(tmp_path / "nope")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="not a torch checkpoint"):
        validate_openai_checkpoint(bad)


def test_ct2_reader_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"\x06\x00\x00\x00\x05\x00abc")
    with pytest.raises(ConfigError, match="not a readable CTranslate2 model"):
        read_ct2(path)


def test_converted_checkpoint_loads_completely_and_encodes_alike(ct2_dir: Path) -> None:
    import ctranslate2
    import torch
    import whisper

    from asr.models import prepare_base_openai

    checkpoint = torch.load(prepare_base_openai(ct2_dir.parent), weights_only=False)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**checkpoint["dims"]))
    result = model.load_state_dict(checkpoint["model_state_dict"], strict=False)
    assert result.missing_keys == [] and result.unexpected_keys == []
    config = json.loads((ct2_dir / "config.json").read_text())
    assert checkpoint["alignment_heads"] == config["alignment_heads"]

    rng = np.random.default_rng(0)
    mel = rng.standard_normal((1, 80, 3000)).astype(np.float32) * 0.5
    model = model.float().eval()
    with torch.no_grad():
        ours = model.encoder(torch.from_numpy(mel)).numpy()
    ct2 = ctranslate2.models.Whisper(str(ct2_dir), device="cpu", compute_type="float32")
    theirs = np.array(ct2.encode(ctranslate2.StorageView.from_array(mel)))
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() < 1e-3 * max(1.0, np.abs(theirs).max())
