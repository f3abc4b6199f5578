"""Scoring: conversation metrics, scorecards and the rule engine (pure; no database)."""
