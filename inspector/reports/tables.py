"""The one writer of every report table: CSV in UTF-8 with a BOM (a block per table) or XLSX
(a sheet per table, with number formats). Text never becomes a formula: CSV cells go through
`core.cells` and XLSX text is written as strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.cells import csv_writer

PERCENT = {"response_rate", "satisfied_rate", "dissatisfied_rate", "csat_top2", "share", "fcr"}


Table = tuple[list[tuple[str, str]], list[dict[str, Any]]]  # (key, header) columns, rows


def write_table_csv(path: Path, tables: dict[str, Table]) -> None:
    """CSV in UTF-8 with a BOM (Excel opens Chinese correctly); one block per table."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh)
        for name, (columns, rows) in tables.items():
            writer.writerow(["table", *[label for _, label in columns]])
            for row in rows:
                writer.writerow([name, *[_plain(row.get(key)) for key, _ in columns]])


def _plain(value: Any) -> Any:
    return "" if value is None else round(value, 4) if isinstance(value, float) else value


def _number_format(key: str) -> str | None:
    base = key.removesuffix("_low").removesuffix("_high")
    if base in PERCENT or base.endswith("_rate") or base.startswith("dissatisfied_if"):
        return "0.0%"
    if base.endswith("_p"):
        return "0.000"
    if base.startswith(("nps", "mean", "csat_mean", "composite", "qa_mean")):
        return "0.0"
    if base in ("point_biserial", "spearman"):
        return "0.000"
    return None


def write_tables_xlsx(path: Path, tables: dict[str, Table]) -> None:
    """One sheet per table: a bold header, frozen panes, percent and number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([label for _, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(key) for key, _ in columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text as text: "=1+2" must not become a formula
        for index, (key, label) in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, len(label) * 2 + 2)
            fmt = _number_format(key)
            if fmt:
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
        sheet.freeze_panes = "C2" if len(columns) > 2 else "A2"
    book.save(path)
