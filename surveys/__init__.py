"""Post-call satisfaction surveys: import, join to calls, indices (pure functions)."""
