"""Issue 25, the reading side: wide files, long fields, header-only folders and a locale without UTF-8.

The bad inputs that are one file each (a bad byte, Latin-1, a header of 2,001 columns, a field of 200,000
characters) are cases of the bad-input catalogue (tests/test_catalogue.py); this file holds what needs more
than a message: what a reading builds, the global state it leaves, whole folders and whole commands.
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import relhealth.io.text as text
from relhealth.cli import main
from relhealth.errors import InputError
from relhealth.io import read_dataset
from relhealth.io.text import read_raw_table

KNOWN = {"date", "client", "hours", "task"}


def _wide(extra: int, rows: int = 3) -> str:
    """A time-entry file of ``date, client, hours`` and ``extra`` columns no format reads."""
    header = ",".join(["date", "client", "hours"] + [f"custom field {i}" for i in range(extra)])
    lines = [f"2026-03-0{r + 2},Acme,{r + 1}," + ",".join(f"v{r}-{i}" for i in range(extra)) for r in range(rows)]
    return header + "\n" + "\n".join(lines) + "\n"


# ---- class 9: wide files ----------------------------------------------------------------------------

def test_the_columns_no_format_reads_are_neither_trimmed_nor_made_categorical(tmp_path, monkeypatch):
    """997 columns no table uses cost one pass of pandas, not a conversion each: only the three columns a
    format reads are trimmed (one call each), the rest stay text as written beside the table."""
    path = tmp_path / "time_entries.csv"
    path.write_text(_wide(997), encoding="utf-8")
    trimmed = []
    original = text._stripped
    monkeypatch.setattr(text, "_stripped", lambda column: trimmed.append(column.name) or original(column))
    table = read_raw_table(path, KNOWN, only_known=True)
    assert trimmed == ["date", "client", "hours"]
    assert list(table.frame.columns) == ["date", "client", "hours", "row"]
    assert all(isinstance(table.frame[c].dtype, pd.CategoricalDtype) for c in ("date", "client", "hours"))
    assert table.extra.shape == (3, 997)
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in table.extra.dtypes)
    assert table.extra.index.tolist() == [2, 3, 4]                   # the rows of the file
    assert table.extra.loc[3, "custom field 996"] == "v1-996"
    # the whole header still tells the format and names the columns in messages
    assert len(table.columns) == len(table.header) == 1000
    assert (table.columns[3], table.header[-1]) == ("custom field 0", "custom field 996")


def test_a_thousand_column_export_gives_its_table_and_keeps_the_other_columns(folder):
    data = read_dataset(folder({"time_entries.csv": _wide(997)}))
    entries = data.time_entries
    assert entries["hours"].tolist() == [1.0, 2.0, 3.0]
    assert entries["date"].tolist() == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-03"),
                                        pd.Timestamp("2026-03-04")]
    assert entries["custom field 500"].tolist() == ["v0-500", "v1-500", "v2-500"]
    assert list(entries.columns[-2:]) == ["source", "row"]
    assert entries["row"].tolist() == [2, 3, 4]


def test_rows_equal_in_every_column_read_differ_by_a_column_no_format_reads(folder):
    """Two entries that differ only in a column no table uses are two entries, however many such columns
    there are; the same row twice is an exact duplicate."""
    header = "date,client,hours," + ",".join(f"x{i}" for i in range(300))
    same = ",".join("s" for _ in range(300))
    other = ",".join("s" for _ in range(299)) + ",t"
    rows = [f"2026-03-02,Acme,2,{same}", f"2026-03-02,Acme,2,{other}", f"2026-03-02,Acme,2,{same}"]
    data = read_dataset(folder({"time_entries.csv": header + "\n" + "\n".join(rows) + "\n"}))
    assert data.time_entries["hours"].tolist() == [2.0, 2.0]          # rows 2 and 3; row 4 repeats row 2
    assert data.time_entries["x299"].tolist() == ["s", "t"]
    assert [(note.code, note.rows) for note in data.quality] == [("duplicate_row", (4,))]


def test_a_mapped_export_keeps_the_other_columns_apart_from_lines_of_one_invoice(folder, tmp_path):
    """A mapping keeps the export's other columns beside the canonical ones, so two lines of one invoice
    that differ only there are never taken for exact duplicates (and are summed with lines = true)."""
    settings = tmp_path / "settings.toml"
    settings.write_text('[mapping.lines]\ntable = "invoices"\ncolumns = { invoice = "No", client = "Buyer", '
                        'issued = "Date", due = "Pay by", amount = "Sum" }\nset = { currency = "EUR" }\n'
                        'lines = true\n', encoding="utf-8")
    path = folder({"export.csv": "No,Buyer,Date,Pay by,Sum,Item\nI-1,Acme,2026-03-01,2026-03-31,100,Design\n"
                                 "I-1,Acme,2026-03-01,2026-03-31,100,Hosting\n"})
    from relhealth.settings import load_settings

    data = read_dataset(path, **load_settings(settings).read_options)
    assert data.invoices["amount"].tolist() == [200.0]


def test_a_header_beyond_the_first_64_kb_is_counted_whole(folder):
    """The limit counts every column even when the header alone is longer than the part of the file read
    to find it (5,000 names of 31 characters: 160 KB)."""
    header = ",".join(["date", "client", "hours"] + [f"a column of the export no. {i:04d}" for i in range(4997)])
    path = folder({"time_entries.csv": header + "\n2026-03-02,Acme,1" + "," * 4997 + "\n"})
    with pytest.raises(InputError) as error:
        read_dataset(path)
    assert str(error.value) == (
        f"{path / 'time_entries.csv'}: 1 problem\n  row 1: the header has 5,000 columns, more than the 1,000 of any "
        "export relhealth reads (a Jira export of every field has a few hundred). Export only the columns the "
        "table needs (docs/data-format.md), or delete the others.")


# ---- class 12: a field over 128 KB -------------------------------------------------------------------

def test_reading_a_field_over_128_kb_leaves_the_csv_modules_limit_as_it_was(tmp_path):
    """Python's csv module stops at 131,072 characters; the reader raises that limit while it reads a file
    and puts it back, so no other code in the process meets a changed limit."""
    path = tmp_path / "t.csv"
    big = "x" * 300_000
    path.write_text(f'date,client,hours,task\n2026-03-01,A,1,"two\nlines"\n2026-03-02,A,1,{big},\n'.replace(",\n", "\n"),
                    encoding="utf-8", newline="")
    before = csv.field_size_limit()
    table = read_raw_table(path, KNOWN)
    assert csv.field_size_limit() == before == 131_072
    assert table.frame["task"].tolist() == ["two\nlines", big]
    assert table.frame["row"].tolist() == [2, 4]
    with pytest.raises(csv.Error):       # the limit is the module's own again
        next(csv.reader(io.StringIO(big)))


# ---- class 6: what is not one bad byte ---------------------------------------------------------------

def test_rows_pasted_from_a_windows_1251_file_into_a_utf8_one_are_named(folder):
    """A UTF-8 export with one row pasted from a Windows-1251 file: more letters are UTF-8 than not, so it
    is the UTF-8 file with bad bytes, named at the first of them, never read as Windows-1251."""
    utf8 = "date,client,hours\n" + "2026-03-02,ООО «Ромашка»,2\n" * 3
    pasted = "2026-03-03,ООО «Ёлка»,1\n".encode("cp1251")
    path = folder({"time_entries.csv": utf8.encode() + pasted})
    offset = len(utf8.encode()) + len("2026-03-03,")
    with pytest.raises(InputError) as error:
        read_dataset(path)
    assert str(error.value) == (
        f"{path / 'time_entries.csv'}: 1 problem\n  row 5: byte 0xce at offset {offset} is not UTF-8, in a file "
        "that is otherwise UTF-8 (9 such bytes in all). Correct that row, or save the file again as 'CSV UTF-8' "
        "from the tool that exported it.")


def test_a_large_windows_1251_export_is_told_from_its_bytes_without_a_list_of_them(folder):
    """Forty thousand rows of Cyrillic in Windows-1251 (1.7 MB, a million bytes beyond ASCII) read as
    Windows-1251, the Cyrillic of every row as written."""
    rows = "".join(f"0{1 + i % 9}.03.2026;ООО «Ромашка» №{i};1,5;Расчёт медиаплана — этап {i}\n" for i in range(40_000))
    data = read_dataset(folder({"time_entries.csv": ("date;client;hours;task\n" + rows).encode("cp1251")}))
    assert data.files[0].encoding == "Windows-1251"
    assert len(data.time_entries) == 40_000
    assert data.time_entries["task"].iloc[-1] == "Расчёт медиаплана — этап 39999"


# ---- class 12: folders of header-only files ------------------------------------------------------------

HEADERS_ONLY = {
    "time_entries.csv": "date,client,hours\n",
    "crm_activities.csv": "date,client,kind\n",
    "invoices.csv": "invoice,client,issued,due,amount,currency\n",
    "tasks.csv": "client,task,due\n",
    "register.csv": "date,client,kind\n",
    "harvest.csv": "Date,Client,Project,Project Code,Task,Notes,Hours\n",
}


def test_score_of_header_only_files_asks_for_a_month_then_scores_each_listed_client_at_zero(folder, capsys):
    path = folder({**HEADERS_ONLY, "clients.csv": "client\nAcme\n"})
    assert main(["score", str(path)]) == 1
    assert capsys.readouterr().err == f"error: {path}: no dated record to take a month from. Give --month YYYY-MM.\n"
    assert main(["score", str(path), "--month", "2026-10"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    review = list(csv.DictReader(io.StringIO(out)))
    assert len(review) == 1
    row = review[0]
    assert {k: row[k] for k in ("client", "month", "eba_balance", "eba_band", "eba_change", "work_hours",
                                "collection_hours", "effort_ratio", "effort_flag", "max_days_overdue",
                                "part_signals")} == {
        "client": "Acme", "month": "2026-10", "eba_balance": "0.00", "eba_band": "watch", "eba_change": "0.00",
        "work_hours": "0.00", "collection_hours": "0.00", "effort_ratio": "", "effort_flag": "",
        "max_days_overdue": "0", "part_signals": "0"}


def test_score_of_header_only_files_and_no_client_is_the_header_alone(folder, capsys):
    path = folder({**HEADERS_ONLY, "clients.csv": "client\n"})
    assert main(["score", str(path), "--month", "2026-10"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.splitlines()[0].startswith("client,month,account_manager,eba_balance,")
    assert len(out.splitlines()) == 1


def test_report_of_header_only_files_with_a_listed_client_ends_without_a_traceback(folder, tmp_path, capsys):
    path = folder({**HEADERS_ONLY, "clients.csv": "client\nAcme\n"})
    assert main(["report", str(path), "--month", "2026-10", "--out", str(tmp_path / "reports")]) == 0
    assert sorted(p.name for p in (tmp_path / "reports" / "2026-10").glob("*.html")) == ["acme.html", "index.html"]


# ---- class 12: a locale that cannot write Cyrillic ---------------------------------------------------

def test_reading_does_not_depend_on_the_locale(tmp_path):
    """Under LC_ALL=C without Python's UTF-8 mode (its default encoding ASCII), a folder with a Cyrillic
    name holding UTF-8 and Windows-1251 exports is read as it is anywhere, and the names are printed escaped;
    an error about a Cyrillic value is printed escaped too."""
    folder = tmp_path / "данные"
    folder.mkdir()
    (folder / "time_entries.csv").write_bytes("date,client,hours\n2026-03-02,ООО «Ромашка»,2\n".encode())
    (folder / "crm.csv").write_bytes("date;client;kind\n02.03.2026;ООО «Ёлка»;похвала\n".encode("cp1251"))
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONIOENCODING": ""}
    relhealth = str(Path(sys.executable).with_name("relhealth"))
    shown = subprocess.run([relhealth, "validate", str(folder)], capture_output=True, env=env)
    assert (shown.returncode, shown.stderr) == (0, b"")
    for name in ("ООО «Ромашка»", "ООО «Ёлка»"):
        assert name.encode("ascii", errors="backslashreplace") in shown.stdout
    assert b"Windows-1251" in shown.stdout
    (folder / "time_entries.csv").write_bytes("date,client,hours\n2026-03-02,ООО «Ромашка»,два\n".encode())
    failed = subprocess.run([relhealth, "validate", str(folder)], capture_output=True, env=env)
    assert failed.returncode == 1
    assert b"Traceback" not in failed.stderr
    assert "'два' is not a number".encode("ascii", errors="backslashreplace") in failed.stderr
