"""Read a CTranslate2 `model.bin`: a header, then named tensors with shape and dtype."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core.errors import ConfigError

# Type ids as CTranslate2 writes them (specs/model_spec.py).
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def _read(fh: BinaryIO, fmt: str) -> tuple:
    size = struct.calcsize(fmt)
    data = fh.read(size)
    if len(data) != size:
        raise ValueError("unexpected end of file")
    return struct.unpack(fmt, data)


def _string(fh: BinaryIO) -> str:
    (length,) = _read(fh, "H")
    raw = fh.read(length)
    return raw[:-1].decode("utf-8")


def read_ct2(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """The model spec name and every variable (aliases resolved), as float32/int arrays."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            (version,) = _read(fh, "I")
            if version < 5:
                raise ConfigError(f"{path}: CTranslate2 binary version {version} is too old")
            spec = _string(fh)
            _read(fh, "I")  # spec revision
            (count,) = _read(fh, "I")
            variables: dict[str, np.ndarray] = {}
            for _ in range(count):
                name = _string(fh)
                (rank,) = _read(fh, "B")
                shape = _read(fh, "I" * rank) if rank else ()
                (type_id,) = _read(fh, "B")
                (num_bytes,) = _read(fh, "I")
                dtype = DTYPES[type_id]
                raw = fh.read(num_bytes)
                if dtype == "bfloat16":
                    ints = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
                    array = ints.view(np.float32)
                else:
                    array = np.frombuffer(raw, dtype=dtype)
                variables[name] = array.reshape(shape)
            (aliases,) = _read(fh, "I")
            for _ in range(aliases):
                alias, target = _string(fh), _string(fh)
                variables[alias] = variables[target]
    except (ValueError, IndexError, struct.error) as exc:
        raise ConfigError(f"{path}: not a readable CTranslate2 model ({exc})") from exc
    return spec, variables
