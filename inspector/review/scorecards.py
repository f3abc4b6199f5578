"""The scorecard the review area works with, parsed once per process and again only when its
YAML file changes: parsing and validating it costs 20-30 ms, which every queue, call page and
review request used to pay."""

from __future__ import annotations

import threading
from pathlib import Path

from scoring.scorecard import BUILTIN_DIR, Scorecard, load_scorecard


def scorecard_path(name_or_path: str) -> Path:
    """The YAML file of a built-in scorecard name or a path (as `load_scorecard` finds it)."""
    path = Path(name_or_path)
    return path if path.suffix else BUILTIN_DIR / f"{name_or_path}.yaml"


class ScorecardCache:
    """`get()` returns the parsed scorecard, parsing it again when the file's modification time
    or size changed (an edited scorecard shows without a restart)."""

    def __init__(self, name_or_path: str) -> None:
        self._path = scorecard_path(name_or_path)
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._card: Scorecard | None = None

    def get(self) -> Scorecard:
        try:
            stat = self._path.stat()
            seen: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            seen = None  # load_scorecard reports the missing file by name
        with self._lock:
            if self._card is None or seen is None or seen != self._seen:
                self._card = load_scorecard(self._path)
                self._seen = seen
            return self._card
