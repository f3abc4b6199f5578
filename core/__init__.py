"""The floor under every package: the named errors and data files fetched from PyPI wheels."""
