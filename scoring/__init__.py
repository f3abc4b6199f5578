"""Scoring: conversation metrics, scorecards and the rule engine (pure; no database)."""

from scoring.engine import evaluate
from scoring.scorecard import Scorecard, load_scorecard

__all__ = ["Scorecard", "evaluate", "load_scorecard"]
