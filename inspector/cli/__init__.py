"""The `inspector` command: one click group (base.py) and a module per command group, each
command a thin call into its concern's library function."""

from __future__ import annotations

from inspector.cli import batch, models, reports, surveys, users, web  # noqa: F401  (registers)
from inspector.cli.base import main

__all__ = ["main"]
