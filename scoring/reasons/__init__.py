"""Why customers call: the reason taxonomy (YAML), the labelled bank, the heads and detection."""
