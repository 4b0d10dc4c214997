"""Spreadsheet tables (.xlsx) through openpyxl: one header row, then records.

Officers exchange census tables as Excel workbooks. Text is written as text cells,
never as formulas, so a name starting with ``=`` stays a name (no CSV-style apostrophe
is needed: the cell type says it). Numbers stay numbers. Reading gives every record
with its row number (header = row 1) for error reports, blank rows skipped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from gis.errors import InvalidInput

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write ``(title, header, rows)`` sheets; the header row is bold and frozen."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                _put(sheet.cell(row=number, column=column), value)
        for column, name in enumerate(header, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = max(8, min(40, 2 * len(str(name)) + 2))
    book.save(path)


def _put(cell, value: Any) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        cell.value = value
        return
    cell.value = str(value)
    cell.data_type = TYPE_STRING  # openpyxl would store "=..." as a formula


def read_table(path: Path, *, sheet: str | None = None) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Header and ``(row number, {column: value})`` of the named (else the first) sheet."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as exc:
        raise InvalidInput(f"无法读取 Excel 文件 {path.name}：{exc}", f"Cannot read the Excel file {path.name}: {exc}") from None
    try:
        if sheet is not None and sheet in book.sheetnames:
            table = book[sheet]
        else:
            table = book.worksheets[0]
        rows = table.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise InvalidInput(f"Excel 文件 {path.name} 为空", f"The Excel file {path.name} is empty")
        header = [str(c).strip() if c is not None else "" for c in header_row]
        while header and not header[-1]:
            header.pop()
        duplicates = sorted({c for c in header if c and header.count(c) > 1})
        if duplicates or "" in header:
            raise InvalidInput(
                f"表头有重复或空的列名：{', '.join(duplicates) or '（空）'}",
                f"The header has duplicate or empty column names: {', '.join(duplicates) or '(empty)'}",
            )
        records = []
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            records.append((number, {name: values[i] if i < len(values) else None for i, name in enumerate(header)}))
        return header, records
    finally:
        book.close()
