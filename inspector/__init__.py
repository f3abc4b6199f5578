"""Hotline Inspector: settings, database, pipeline and CLI."""
