"""The `inspector` command: one click group (base.py) and a module per command group, each
command a thin call into its concern's library function."""

from __future__ import annotations

from inspector.cli import batch, glossary, models, reports, surveys, users, web  # noqa: F401
from inspector.cli.base import main

__all__ = ["main"]
