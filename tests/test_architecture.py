"""The layout tells the architecture: imports point one way and modules stay small.

The import contracts live in pyproject.toml ([tool.importlinter]); these tests run them on the
tree, and on a copy of the tree with one forbidden import added, to show that they bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import REPO

PACKAGES = ("core", "asr", "scoring", "surveys", "inspector", "web")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages' Python files and pyproject.toml, copied (no data files needed)."""
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(
            REPO / package,
            root / package,
            ignore=lambda d, names: [
                n for n in names if not n.endswith(".py") and not (Path(d) / n).is_dir()
            ],
        )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("asr/types.py", "import inspector.settings", "domain packages never import"),
        ("scoring/engine.py", "import web", "domain packages never import"),
        ("core/errors.py", "import scoring", "web -> inspector -> domain"),
        ("asr/types.py", "import scoring.types", "web -> inspector -> domain"),
        ("inspector/store/models.py", "import inspector.review.queue", "Inside inspector"),
        ("inspector/review/queue.py", "import inspector.cli.base", "Inside inspector"),
        ("inspector/batch/results.py", "import inspector.reports.insights", "Inside inspector"),
        ("inspector/training/clips.py", "import inspector.review.rounds", "Inside inspector"),
        ("inspector/surveys/imports.py", "import inspector.review.priority", "Inside inspector"),
        ("inspector/batch/ingest.py", "import web", "web -> inspector -> domain"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tree_copy: Path, module: str, line: str, contract: str
) -> None:
    path = tree_copy / module
    original = path.read_text("utf-8")
    try:
        path.write_text(original + f"\n{line}  # added by the test\n", "utf-8")
        result = _lint(tree_copy)
    finally:
        path.write_text(original, "utf-8")
    assert result.returncode != 0, result.stdout[-2000:]
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken


def test_modules_stay_small_and_packages_few() -> None:
    too_long = {
        str(p.relative_to(REPO)): n
        for p in (REPO / "inspector").rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text("utf-8").splitlines())) > 450
    }
    assert not too_long, f"split these modules (over 450 lines): {too_long}"
    crowded = {
        str(d.relative_to(REPO)): n
        for d in [REPO / "inspector", *(REPO / "inspector").rglob("*/")]
        if d.is_dir()
        and "migrations" not in d.parts
        and (n := len([p for p in d.glob("*.py") if p.name != "__init__.py"])) > 12
    }
    assert not crowded, f"packages with more than 12 modules: {crowded}"
