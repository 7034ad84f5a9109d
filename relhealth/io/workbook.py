"""Excel workbooks (``.xlsx``, ``.xlsm``) read like CSV exports: the sheet whose header fits a known format
(else the first), its cells written out as the text a CSV export would hold, so that every reader and
check of :mod:`relhealth.io.text` and :mod:`relhealth.io.read_file` applies unchanged.

Excel keeps dates, times and numbers as values, not text: a date becomes ``2026-03-02`` (with its time when
it has one), a duration cell (``[h]:mm``) ``26:30:00``, a number its shortest decimal text (``7.5``, ``1200``).
Row numbers are the sheet's: the header's row is the row Excel shows.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from relhealth.errors import InputError, Problem
from relhealth.io.text import WORKBOOK_SUFFIXES, clean_header


def _text(value) -> str:
    """A cell's value as the text a CSV export writes for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _header(rows: list[tuple]) -> list[str]:
    first = next((row for row in rows if any(cell not in (None, "") for cell in row)), ())
    return [clean_header(_text(cell)) for cell in first]


def workbook_as_csv(path: Path, known_columns: set[str]) -> tuple[bytes, str]:
    """The sheet of a workbook whose header names the most known columns (the first on a tie), as the UTF-8
    bytes of a CSV file, and how it was read (``Excel workbook, sheet Timesheet``).

    Raises
    ------
    InputError : for a file that is not a workbook, or one without a sheet holding values.
    """
    from openpyxl import load_workbook  # only when a folder holds a workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:    # openpyxl raises zipfile, XML and its own errors for a damaged file
        raise InputError(Problem(str(path), (
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}). Open it in Excel or LibreOffice "
            "and save it again as .xlsx, or as CSV UTF-8."))) from None
    try:
        sheets = {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()
    filled = {title: rows for title, rows in sheets.items() if any(any(c not in (None, "") for c in r) for r in rows)}
    if not filled:
        raise InputError(Problem(str(path), "the workbook has no sheet with values. Export it again with its data."))
    title = max(filled, key=lambda t: len(set(_header(filled[t])) & known_columns))
    rows = filled[title]
    while not any(cell not in (None, "") for cell in rows[-1]):
        rows = rows[:-1]                     # formatted but empty rows at the end of a sheet
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = max(len(row) for row in rows)
    for row in rows:
        cells = [_text(cell) for cell in row] + [""] * (width - len(row))
        writer.writerow(cells if any(cells) else [])
    return out.getvalue().encode("utf-8"), f"Excel workbook, sheet {title}"


__all__ = ["WORKBOOK_SUFFIXES", "workbook_as_csv"]
