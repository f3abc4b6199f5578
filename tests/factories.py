"""Test factories: settings, databases, synthetic recordings."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from inspector.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CALLS = REPO / "fixtures" / "calls"
#: Prepared models are shared by every test (assembled once per machine).
MODEL_CACHE = REPO / ".cache" / "models"


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "var",
        "secret_key": "test-secret",
        "customer_hash_salt": "test-salt",
        "asr_engine": "none",
        "lease_s": 30.0,
        "poll_interval_s": 0.1,
        "fixture_dir": tmp_path / "fixtures",
        "model_cache": str(MODEL_CACHE),
        # a review shows on the dashboard once the background read is done, not 15 s later
        "dashboard_refresh_s": 0.0,
    }
    values.update(overrides)
    return load_settings(None, {}, **values)


def make_wav(
    path: Path,
    *,
    seconds: float = 2.0,
    channels: int = 2,
    rate_hz: int = 8000,
    seed: int = 0,
    subtype: str = "ULAW",
    fmt: str | None = None,
) -> Path:
    """A short recording whose content depends on `seed` (distinct seeds, distinct checksums)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    tracks = [
        0.2 * np.sin(2 * np.pi * (200 + 50 * c + seed) * t) + 0.01 * rng.standard_normal(t.size)
        for c in range(channels)
    ]
    data = np.stack(tracks, axis=1).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, rate_hz, subtype=subtype, format=fmt)
    return path


def make_truth(wav: Path, segments: list[dict[str, Any]]) -> Path:
    """A ground-truth transcript beside a recording, as the fixture transcriber reads it."""
    truth = wav.with_suffix(".json")
    truth.write_text(json.dumps({"segments": segments}, ensure_ascii=False), encoding="utf-8")
    return truth


def fixture_subset(dest: Path, calls: Sequence[str]) -> Path:
    """Copy some bundled fixture calls (recording and ground truth) and their manifest rows
    into dest; returns dest."""
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    lines = (FIXTURE_CALLS / "manifest.csv").read_text("utf-8").splitlines()
    rows = {line.split(",")[0].rsplit(".", 1)[0]: line for line in lines[1:]}
    missing = [c for c in calls if c not in rows]
    if missing:
        raise KeyError(f"not in fixtures/calls/manifest.csv: {', '.join(missing)}")
    (dest / "manifest.csv").write_text(
        "\n".join([lines[0], *(rows[c] for c in calls)]) + "\n", encoding="utf-8"
    )
    for call in calls:
        for ext in (".wav", ".json"):
            if (FIXTURE_CALLS / f"{call}{ext}").exists():
                shutil.copy(FIXTURE_CALLS / f"{call}{ext}", dest / f"{call}{ext}")
    return dest


INSPECTOR = Path(sys.executable).parent / "inspector"


@contextlib.contextmanager
def running_server(data_dir: Path, **settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`inspector serve` (the production server) on a free loopback port over a SQLite database
    in `data_dir`, with INSPECTOR_* `settings`; yields its base URL and process, then stops it
    with SIGTERM and checks that it exited cleanly."""
    env = dict(os.environ) | {
        "INSPECTOR_DATA_DIR": str(data_dir),
        "INSPECTOR_LOG_LEVEL": "WARNING",
        "INSPECTOR_WEB_WORKERS": "2",
        "INSPECTOR_WEB_THREADS": "2",
    }
    env |= {f"INSPECTOR_{key.upper()}": value for key, value in settings.items()}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (data_dir.parent / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(INSPECTOR), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:  # any answer will do: with `https` on, /healthz redirects to https://
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        f"inspector serve did not start: {log.name}\n"
                        + Path(log.name).read_text(errors="replace")
                    ) from None
                time.sleep(0.2)
            finally:
                connection.close()
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        log.close()
    assert code == 0, Path(log.name).read_text(errors="replace")
