"""Convert a CTranslate2 Whisper model to an openai-whisper checkpoint (same weights).

The CTranslate2 spec fuses attention projections: self-attention q/k/v into one matrix and
cross-attention k/v into another, and names layer norms gamma/beta. The conversion splits and
renames them; no value changes.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from asr.ct2_reader import read_ct2
from core.errors import ConfigError


@dataclass(frozen=True)
class Dims:
    n_mels: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_vocab: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int


def _layers(v: dict[str, np.ndarray], prefix: str) -> int:
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    return len({m.group(1) for k in v if (m := pattern.match(k))})


def _dims(v: dict[str, np.ndarray]) -> Dims:
    return Dims(
        n_mels=int(v["encoder/conv1/weight"].shape[1]),
        n_audio_ctx=int(v["encoder/position_encodings/encodings"].shape[0]),
        n_audio_state=int(v["encoder/conv1/weight"].shape[0]),
        n_audio_head=int(v["encoder/num_heads"]),
        n_audio_layer=_layers(v, "encoder"),
        n_vocab=int(v["decoder/embeddings/weight"].shape[0]),
        n_text_ctx=int(v["decoder/position_encodings/encodings"].shape[0]),
        n_text_state=int(v["decoder/embeddings/weight"].shape[1]),
        n_text_head=int(v["decoder/num_heads"]),
        n_text_layer=_layers(v, "decoder"),
    )


def _norm(out: dict, dst: str, v: dict, src: str) -> None:
    out[f"{dst}.weight"] = v[f"{src}/gamma"]
    out[f"{dst}.bias"] = v[f"{src}/beta"]


def _linear(out: dict, dst: str, v: dict, src: str) -> None:
    out[f"{dst}.weight"] = v[f"{src}/weight"]
    if f"{src}/bias" in v:
        out[f"{dst}.bias"] = v[f"{src}/bias"]


def _self_attention(out: dict, dst: str, v: dict, src: str, state: int) -> None:
    w, b = v[f"{src}/linear_0/weight"], v[f"{src}/linear_0/bias"]
    out[f"{dst}.query.weight"], out[f"{dst}.key.weight"], out[f"{dst}.value.weight"] = (
        w[:state],
        w[state : 2 * state],
        w[2 * state :],
    )
    out[f"{dst}.query.bias"], out[f"{dst}.value.bias"] = b[:state], b[2 * state :]
    _linear(out, f"{dst}.out", v, f"{src}/linear_1")


def _cross_attention(out: dict, dst: str, v: dict, src: str, state: int) -> None:
    _linear(out, f"{dst}.query", v, f"{src}/linear_0")
    w, b = v[f"{src}/linear_1/weight"], v[f"{src}/linear_1/bias"]
    out[f"{dst}.key.weight"], out[f"{dst}.value.weight"] = w[:state], w[state:]
    out[f"{dst}.value.bias"] = b[state:]
    _linear(out, f"{dst}.out", v, f"{src}/linear_2")


def _block(out: dict, dst: str, v: dict, src: str, state: int, cross: bool) -> None:
    _self_attention(out, f"{dst}.attn", v, f"{src}/self_attention", state)
    _norm(out, f"{dst}.attn_ln", v, f"{src}/self_attention/layer_norm")
    if cross:
        _cross_attention(out, f"{dst}.cross_attn", v, f"{src}/attention", state)
        _norm(out, f"{dst}.cross_attn_ln", v, f"{src}/attention/layer_norm")
    _linear(out, f"{dst}.mlp.0", v, f"{src}/ffn/linear_0")
    _linear(out, f"{dst}.mlp.2", v, f"{src}/ffn/linear_1")
    _norm(out, f"{dst}.mlp_ln", v, f"{src}/ffn/layer_norm")


def state_dict_from_ct2(variables: dict[str, np.ndarray]) -> tuple[Dims, dict[str, np.ndarray]]:
    """openai-whisper's state dict (numpy arrays) from CTranslate2 variables."""
    dims = _dims(variables)
    v = variables
    out: dict[str, np.ndarray] = {}
    for conv in ("conv1", "conv2"):
        _linear(out, f"encoder.{conv}", v, f"encoder/{conv}")
    out["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    for i in range(dims.n_audio_layer):
        _block(out, f"encoder.blocks.{i}", v, f"encoder/layer_{i}", dims.n_audio_state, False)
    _norm(out, "encoder.ln_post", v, "encoder/layer_norm")
    out["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    out["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(dims.n_text_layer):
        _block(out, f"decoder.blocks.{i}", v, f"decoder/layer_{i}", dims.n_text_state, True)
    _norm(out, "decoder.ln", v, "decoder/layer_norm")
    return dims, out


def convert_ct2_to_openai(ct2_dir: Path, out_path: Path) -> Path:
    """Write `{"dims", "model_state_dict", "alignment_heads"}` as a torch checkpoint."""
    import torch

    ct2_dir = Path(ct2_dir)
    spec, variables = read_ct2(ct2_dir / "model.bin")
    if spec != "WhisperSpec":
        raise ConfigError(f"{ct2_dir / 'model.bin'}: a {spec}, not a Whisper model")
    dims, state = state_dict_from_ct2(variables)
    config = json.loads((ct2_dir / "config.json").read_text())
    checkpoint = {
        "dims": asdict(dims),
        "model_state_dict": {k: torch.from_numpy(np.array(a)) for k, a in state.items()},
        "alignment_heads": config.get("alignment_heads", []),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_suffix(f".part{os.getpid()}")
    torch.save(checkpoint, partial)
    partial.replace(out_path)
    return out_path
