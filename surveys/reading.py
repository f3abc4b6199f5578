"""Reading survey exports as they arrive: CSV in UTF-8 (with or without BOM) or GB18030 (what
Excel on Chinese Windows writes), or XLSX; a binary or broken file is refused by name, and a
spreadsheet formula is reported as a bad cell instead of read as an empty answer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import SurveyImportError

#: a value that stands for a formula cell (not an answer) in the rows read from an XLSX
FORMULA = object()


@dataclass(frozen=True)
class Table:
    """A survey export's header and rows, with how it was read."""

    encoding: str  # utf-8, utf-8-sig, gb18030 or xlsx
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number as a spreadsheet shows it, row)


def decode_text(data: bytes, source: Path) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without a BOM, else GB18030; binary data refused."""
    if b"\x00" in data[:4096]:
        raise SurveyImportError(f"{source}: binary content, not a CSV or XLSX survey export")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise SurveyImportError(
            f"{source}: neither UTF-8 nor GB18030 text (byte {exc.start}): not a CSV export"
        ) from exc


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # a zip that is no workbook, a broken file: openpyxl's own errors
        raise SurveyImportError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        cells = book.active.iter_rows()
        header = [str(c.value).strip() if c.value is not None else "" for c in next(cells, [])]
        rows = []
        for number, line in enumerate(cells, start=2):
            values = [FORMULA if c.data_type == "f" else c.value for c in line]
            if any(v not in (None, "") for v in values):
                rows.append((number, dict(zip(header, values, strict=False))))
    finally:
        book.close()
    return Table("xlsx", header, rows)


def read_table(path: Path) -> Table:
    """The export's rows, CSV or XLSX, with the encoding it was read in."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx(path)
    text, encoding = decode_text(path.read_bytes(), path)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    rows = []
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            rows.append((number, dict(zip(header, values, strict=False))))
    return Table(encoding, header, rows)
