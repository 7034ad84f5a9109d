"""Excel workbooks read like CSV exports (issue 19): written here with openpyxl, cell by cell, so that each
fixture is readable; dates, durations and numbers are stored as Excel values, as exports store them."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

import relhealth
from relhealth.errors import InputError


def workbook(path, sheets: dict[str, list[list]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_the_sheet_whose_header_fits_is_read_with_excel_dates_and_numbers(folder):
    path = folder({"clients.csv": "client\nAcme\n"})
    workbook(path / "timesheet.xlsx", {
        "Read me": [["Exported from our tracker"], ["Period", "March 2026"]],
        "Timesheet": [
            ["Date", "Client", "Hours", "Task", "Code"],
            [dt.datetime(2026, 3, 2), "Acme", 7.5, "Layout", "0001"],
            [dt.date(2026, 3, 3), "Acme", 2, "Payment reminder call", "0002"],
            [None, None, None, None, None],
            [dt.datetime(2026, 3, 4, 9, 30), "Acme", 0.25, "Standup", "0003"],
        ]})
    data = relhealth.read_dataset(path)
    entries = data.time_entries
    assert entries[["date", "hours", "task", "row"]].values.tolist() == [
        [pd.Timestamp("2026-03-02"), 7.5, "Layout", 2], [pd.Timestamp("2026-03-03"), 2.0, "Payment reminder call", 3],
        [pd.Timestamp("2026-03-04"), 0.25, "Standup", 5]]
    assert entries["code"].tolist() == ["0001", "0002", "0003"]          # text stays text
    info = {i.path.name: i for i in data.files}["timesheet.xlsx"]
    assert (info.encoding, info.format) == ("Excel workbook, sheet Timesheet", "canonical time entries")
    assert [(n.code, n.rows) for n in data.quality] == [("blank_rows", (4,))]


def test_a_duration_cell_reads_as_hours_in_a_kimai_workbook(folder):
    path = folder({})
    workbook(path / "kimai.xlsx", {"Worksheet": [
        ["Date", "From", "To", "Duration", "Customer", "Project", "Activity"],
        [dt.date(2026, 3, 2), dt.time(9, 0), dt.time(10, 30), dt.timedelta(hours=1, minutes=30), "Acme", "Site", "Dev"],
        [dt.date(2026, 3, 2), dt.time(22, 0), dt.time(2, 0), dt.timedelta(hours=4), "Acme", "Site", "Dev"],
    ]})
    data = relhealth.read_dataset(path)
    assert data.time_entries["hours"].tolist() == [1.5, 4.0]
    assert data.files[0].format == "Kimai export"


def test_a_damaged_workbook_is_named(folder):
    path = folder({"time.xlsx": b"PK\x03\x04 not really a workbook", "time_entries.csv": "date,client,hours\n"})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert str(error.value).startswith(f"{path / 'time.xlsx'}: cannot be read as an Excel workbook (")
    assert str(error.value).endswith("Open it in Excel or LibreOffice and save it again as .xlsx, or as CSV UTF-8.")
