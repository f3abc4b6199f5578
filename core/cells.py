"""Spreadsheet cells that open as data, never as formulas (OWASP's rule for CSV injection).

Every CSV the product writes goes through `csv_writer` or `CsvDictWriter`: a text cell whose
first character a spreadsheet reads as the start of a formula (= + - @, a tab or a carriage
return, after any leading spaces) gets a leading apostrophe, which Excel and LibreOffice show as
text. Numbers, and text that is a plain signed number ("-5", "+8613800138000"), are left as they
are so figures stay figures. XLSX cells need no prefix: their text is written as strings
(`inspector/reports/tables.py`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

#: characters that start a formula (or a DDE payload) in Excel, LibreOffice and Google Sheets
TRIGGERS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    head = text.lstrip(" ")
    return bool(head) and head[0] in TRIGGERS and not _NUMBER.fullmatch(text.strip())


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet-safe cell: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


class CsvWriter:
    """`csv.writer` whose rows are made spreadsheet-safe cell by cell."""

    def __init__(self, fh: TextIO, **options: Any) -> None:
        self._writer = csv.writer(fh, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fh: TextIO, **options: Any) -> CsvWriter:
    """The one CSV writer of every export: `csv.writer` with safe cells."""
    return CsvWriter(fh, **options)


class CsvDictWriter(csv.DictWriter):
    """`csv.DictWriter` with safe cells (header included)."""

    def writeheader(self) -> Any:
        return self.writer.writerow([safe_cell(name) for name in self.fieldnames])

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)
