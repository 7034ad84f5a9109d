"""The bad-input catalogue (issue 9): each way an export goes wrong, written as a small data folder, run
through ``relhealth validate``, with the exact exit code and the exact message the user reads.

An error stops the command (exit 1, the message on stderr): it names the file, the row and/or column,
what is wrong and what to do. A recoverable oddity is read (exit 0) and shown as a data-quality note
with its file and rows. Neither ever shows a traceback or drops a row silently. The decisions behind the
cases are written down in docs/data-format.md ("Odd or bad rows").
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pytest
from conftest import write_folder

from relhealth.cli import main
from relhealth.io import read_dataset
from relhealth.settings import load_settings

CLIENTS = "client\nAcme\n"
TIME = "time_entries.csv"
CRM = "crm_activities.csv"
INVOICES = "invoices.csv"
INVOICE_HEADER = "invoice,client,issued,due,amount,currency"


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:               # 29 February
        return day.replace(year=day.year + 1, day=28)


LATEST = _a_year_after(date.today())
FAR_FUTURE = f"{date.today().year + 3}-01-15"


@dataclass
class Case:
    """One bad input. ``files`` are written into the data folder (``clients.csv`` listing Acme is added
    unless given, so that invoices alone raise no note about their client). ``error`` is the whole
    message on stderr (without ``error: ``), ``notes`` the data-quality notes on stdout, one per line;
    ``{data}`` stands for the folder, ``{config}`` for the settings file written from ``config``.
    ``read`` checks values of the dataset (``table.column``: values, None for missing), ``shows`` lines
    of stdout (compared with their runs of spaces as one)."""

    id: str
    files: dict[str, str | bytes]
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    config: str | None = None
    read: dict[str, list] = field(default_factory=dict)
    shows: list[str] = field(default_factory=list)


CASES = [
    # ---- encodings ---------------------------------------------------------------------------------
    Case("bytes that are neither UTF-8 nor Windows-1251",
         {TIME: b"date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Acme\x98,2\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 3: the text is neither UTF-8 nor Windows-1251 (the first "
               "byte that is not UTF-8 is on this row). Save the file as 'CSV UTF-8' and try again."),
    Case("UTF-16 with a byte order mark reads fine",
         {TIME: "date,client,hours\n2026-03-02,ООО «Ромашка»,1.5\n".encode("utf-16")},
         read={"time_entries.client": ["ООО «Ромашка»"], "time_entries.hours": [1.5]},
         shows=["time_entries.csv 1 row canonical time entries, UTF-16, comma-separated"]),
    Case("UTF-16 without a byte order mark reads fine",
         {TIME: "date,client,hours\n2026-03-02,Acme,1.5\n".encode("utf-16-le")},
         read={"time_entries.hours": [1.5]}),
    Case("a byte order mark of UTF-8 before bytes that are not",
         {TIME: codecs.BOM_UTF8 + b"date,client,hours\n2026-03-02,Acme\xff,1\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2: the file starts with the mark of UTF-8 text, but its "
               "bytes are not UTF-8 (the first one that is not is on this row). Save the file as 'CSV UTF-8' and "
               "try again."),
    Case("a Russian Excel file: Windows-1251, semicolons, decimal commas, dotted dates",
         {TIME: "date;client;hours\n02.03.2026;ООО «Ромашка»;7,5\n03.03.2026;ООО «Ромашка»;0,25\n".encode("cp1251")},
         read={"time_entries.hours": [7.5, 0.25], "time_entries.client": ["ООО «Ромашка»"] * 2},
         shows=["time_entries.csv 2 rows canonical time entries, Windows-1251, semicolon-separated, decimal comma"]),
    Case("one bad byte in a UTF-8 file of Cyrillic names is an error, not Windows-1251",
         {TIME: "date,client,hours\n2026-03-02,ООО «Ромашка»,2\n".encode() + "2026-03-03,ООО «Ромашка".encode()
                + b"\xff" + "»,1\n".encode()},
         # row 2 is 39 bytes (ООО and Ромашка two bytes a letter, « and » two each), row 3 starts at 57,
         # and 2026-03-03,ООО «Ромашка is 34 bytes more
         error="{data}/time_entries.csv: 1 problem\n  row 3: byte 0xff at offset 91 is not UTF-8, in a file that "
               "is otherwise UTF-8 (1 such byte in all). Correct that row, or save the file again as 'CSV UTF-8' "
               "from the tool that exported it."),
    Case("a byte no Windows-1251 has, in a UTF-8 file of Cyrillic names",
         {CRM: "date,client,kind\n2026-03-02,Ёлка,praise\n".encode() + b"2026-03-03,\x98,praise\n"},
         # 17 bytes of header, 27 of row 2 (Ёлка is 8), then 2026-03-03, (11)
         error="{data}/crm_activities.csv: 1 problem\n  row 3: byte 0x98 at offset 55 is not UTF-8, in a file that "
               "is otherwise UTF-8 (1 such byte in all). Correct that row, or save the file again as 'CSV UTF-8' "
               "from the tool that exported it."),
    Case("Latin-1 text is not taken for Windows-1251",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Müller Bäckerei,2\n".encode("latin-1")},
         error="{data}/time_entries.csv: 1 problem\n  row 3: the text is neither UTF-8 nor Windows-1251 (the first "
               "byte that is not UTF-8 is on this row). Save the file as 'CSV UTF-8' and try again."),
    Case("a Russian Windows-1251 export with Ё, №, dashes and Latin names beside Cyrillic ones",
         {TIME: "date;client;hours;task\n02.03.2026;ООО «Ёлка»;1,5;Счёт № 12 — сверка\n"
                "03.03.2026;Acme Ltd;2;Отчёт для Acme\n".encode("cp1251")},
         read={"time_entries.client": ["ООО «Ёлка»", "Acme Ltd"], "time_entries.hours": [1.5, 2.0],
               "time_entries.task": ["Счёт № 12 — сверка", "Отчёт для Acme"]},
         shows=["time_entries.csv 2 rows canonical time entries, Windows-1251, semicolon-separated, decimal comma"]),
    Case("an Excel workbook renamed .csv",
         {INVOICES: b"PK\x03\x04\x14\x00\x06\x00 the rest of a workbook"},
         error="{data}/invoices.csv: this is an Excel workbook, not a CSV file. Open it in Excel or LibreOffice "
               "and use File > Save As > 'CSV UTF-8 (Comma delimited)', then put the .csv in the data folder."),
    Case("a picture renamed .csv",
         {TIME: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
         error="{data}/time_entries.csv: this is not a text file (it contains binary data). Export the data as "
               "CSV and try again."),
    Case("an empty file",
         {TIME: " \n\n"},
         error="{data}/time_entries.csv: the file is empty. Export it again with its header row, or remove it from "
               "the folder."),

    # ---- the shape of the file ---------------------------------------------------------------------
    Case("a last row cut short",
         {TIME: "date,client,hours,task\n2026-03-02,Acme,1.5,Design\n2026-03-03,Acme,2\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 3: the last row has 3 fields but the header has 4: the "
               "file may be cut short. Export it again (if the row is complete, end it with the missing commas)."),
    Case("a quote left open at the end",
         {CRM: 'date,client,kind,subject\n2026-03-02,Acme,praise,Thanks\n2026-03-03,Acme,email_in,"Re: the invoi'},
         error="{data}/crm_activities.csv: 1 problem\n  row 3: a double quote opened on this row is never closed, "
               "so the rest of the file reads as one value. Close the quote or remove it."),
    Case("a short row in the middle reads its missing fields as empty",
         {TIME: "date,client,hours,task\n2026-03-02,Acme,1.5\n2026-03-03,Acme,2,Design\n"},
         read={"time_entries.task": [None, "Design"], "time_entries.hours": [1.5, 2.0]}),
    Case("a row with more fields than the header",
         {TIME: "date,client,hours\n2026-03-02,Smith, Jones,2\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2: this row has 4 fields but the header has 3. A value "
               "that contains a comma must be in double quotes; otherwise remove the extra comma."),
    Case("the header repeated in the middle (two exports pasted together)",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\nDate,Client,Hours\n2026-04-01,Acme,2\n"},
         notes=["{data}/time_entries.csv row 3: the header row again (two exports pasted into one file?): skipped."],
         read={"time_entries.hours": [1.0, 2.0]}),
    Case("a totals row at the end of a time export",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Acme,2.5\nTotal,,3.5\n"},
         notes=["{data}/time_entries.csv row 4: a totals row ('Total'), not a record: skipped."],
         read={"time_entries.hours": [1.0, 2.5]}),
    Case("totals rows at the end of an invoice list",
         {INVOICES: f"{INVOICE_HEADER}\nINV-1,Acme,2026-03-01,2026-03-31,\"1,200.00\",RUB\n"
                    "Итого:,,,,\"1,200.00\",\nGrand total,,,,\"1,200.00\",\n"},
         notes=["{data}/invoices.csv rows 3, 4: totals rows ('Итого:', 'Grand total'), not records: skipped."],
         read={"invoices.invoice": ["INV-1"]}),
    Case("a client named Total, with a date, is a record",
         {TIME: "client,date,hours\nTotal,2026-03-02,1\nAcme,2026-03-02,2\n"},
         read={"time_entries.client": ["Total", "Acme"]}),
    Case("blank lines",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n\n,,\n2026-03-03,Acme,2\n"},
         notes=["{data}/time_entries.csv rows 3, 4: blank lines skipped."]),
    Case("a header that names a column twice",
         {TIME: "date,client,hours,client\n2026-03-02,Acme,1,Acme Inc\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 1, column client: the header names column 'client' "
               "twice. Rename or remove one of them."),
    Case("a header of more than 1,000 columns",
         {TIME: ",".join(["date", "client", "hours"] + [f"c{i}" for i in range(1998)]) + "\n"
                + "2026-03-02,Acme,1" + ",x" * 1998 + "\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 1: the header has 2,001 columns, more than the 1,000 of any "
               "export relhealth reads (a Jira export of every field has a few hundred). Export only the columns "
               "the table needs (docs/data-format.md), or delete the others."),
    Case("columns no table reads are kept as written, and tell two rows apart",
         {TIME: "date,client,hours,ticket,Approved?\n2026-03-02,Acme,1,T-1, yes\n2026-03-02,Acme,1,T-2,no\n"
                "2026-03-02,Acme,1,T-2,no\n"},
         notes=["{data}/time_entries.csv row 4: exact duplicate: row 4 repeats row 3; counted once."],
         read={"time_entries.hours": [1.0, 1.0], "time_entries.ticket": ["T-1", "T-2"],
               "time_entries.approved?": [" yes", "no"]}),
    Case("a row whose values are all in columns no table reads is not a blank line",
         {TIME: "date,client,hours,ticket\n2026-03-02,Acme,1,T-1\n,,,T-2\n,,,\n"},
         error="{data}/time_entries.csv: 2 problems\n  row 3, column date: is empty; every row needs a date. Fill it "
               "in, or remove the row.\n  row 3, column hours: is empty; every row needs the hours. Fill it in, or "
               "remove the row."),
    Case("a field over 128 KB in the last row, before an empty last value",
         {TIME: "date,client,hours,project,notes\n2026-03-02,Acme,2,Web,\n2026-03-03,Acme,1," + "x" * 200_000
                + ",\n"},
         read={"time_entries.hours": [2.0, 1.0], "time_entries.project": ["Web", "x" * 200_000]}),
    Case("a field over 128 KB in a last row cut short",
         {TIME: "date,client,hours,project,notes\n2026-03-02,Acme,2,Web,n\n2026-03-03,Acme,1," + "x" * 200_000
                + "\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 3: the last row has 4 fields but the header has 5: the file "
               "may be cut short. Export it again (if the row is complete, end it with the missing commas)."),
    Case("a field over 128 KB in a file of quoted line breaks",
         {TIME: 'date,client,hours,notes\n2026-03-02,Acme,2,"two\nlines"\n2026-03-03,Acme,1,"' + "x" * 200_000
                + '"\n'},
         read={"time_entries.notes": ["two\nlines", "x" * 200_000], "time_entries.hours": [2.0, 1.0]}),
    Case("a value of 200,000 characters that is not a number is quoted cut short",
         {TIME: "date,client,hours\n2026-03-02,Acme," + "x" * 200_000 + "\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2, column hours: "
               "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (200,000 characters) is not a "
               "number (write digits, such as 7.5 or 1 200,50)."),
    Case("a column without a name that holds values",
         {TIME: "date,client,hours,\n2026-03-02,Acme,1,x\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 1: column 4 of the header has no name but holds values. "
               "Give it a name in the header row."),
    Case("a file of unknown columns only",
         {"export.csv": "foo,bar\n1,2\n"},
         error="{data}/export.csv: relhealth does not recognise this file. Its columns are: foo, bar. The closest "
               "format, canonical clients, also needs 'client'. To read the file as it is, describe its columns "
               "in a [mapping] in a settings file passed with --config: `relhealth mapping {data}/export.csv` "
               "writes one to fill in. Or export the file again with that column, or move it out of the folder."),
    Case("a canonical file without a required column",
         {TIME: "date,client,hrs\n2026-03-02,Acme,1\n"},
         error="{data}/time_entries.csv: the required column 'hours' is missing. Columns found: date, client, hrs. "
               "Name the columns in the header row as docs/data-format.md lists them."),
    Case("a folder with only clients.csv",
         {"clients.csv": CLIENTS},
         error="{data}: no data to read: the folder needs at least one export of time entries, CRM activities or "
               "invoices (see docs/data-format.md)."),

    # ---- dates -------------------------------------------------------------------------------------
    Case("ISO and dd.mm.yyyy dates mixed in one column read fine",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n03.03.2026,Acme,2\n"},
         read={"time_entries.date": [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-03")]}),
    Case("day-first and month-first slash dates mixed in one file",
         {TIME: "date,client,hours\n13/03/2026,Acme,1\n03/14/2026,Acme,2\n"},
         error="{data}/time_entries.csv: the dates mix day first ('13/03/2026' on row 2, column date) and month "
               "first ('03/14/2026' on row 3, column date). Export the file again with one date format, or "
               "correct the dates that differ."),
    Case("slash dates that cannot tell their order",
         {TIME: "date,client,hours\n03/04/2026,Acme,1\n"},
         error="{data}/time_entries.csv: cannot tell whether a date such as 03/04/2026 puts the day or the month "
               "first: no date in the file has a part above 12. Set date_order = \"dmy\" (day first) or \"mdy\" "
               "(month first) under [input] in a settings file and pass it with --config."),
    Case("slash dates read with the date order of the settings",
         {TIME: "date,client,hours\n03/04/2026,Acme,1\n"},
         config='[input]\ndate_order = "dmy"\n',
         read={"time_entries.date": [pd.Timestamp("2026-04-03")]}),
    Case("a date that does not exist",
         {TIME: "date,client,hours\n2026-02-30,Acme,1\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2, column date: '2026-02-30' is not a date (write "
               "YYYY-MM-DD or DD.MM.YYYY)."),
    Case("a date far in the past: an empty spreadsheet cell",
         {INVOICES: f"{INVOICE_HEADER}\nINV-1,Acme,1899-12-30,2026-03-31,100,USD\n"},
         error="{data}/invoices.csv: 1 problem\n  row 2, column issued: '1899-12-30' is before 2000: a typo, or an "
               "empty date cell (spreadsheets show one as 1899-12-30). Check the year."),
    Case("a date far in the future",
         {CRM: f"date,client,kind\n2026-03-02,Acme,praise\n{FAR_FUTURE} 10:00,Acme,complaint\n"},
         error="{data}/crm_activities.csv: 1 problem\n  row 3, column date: " + f"'{FAR_FUTURE} 10:00' is more "
               f"than a year after today (after {LATEST:%Y-%m-%d}). Check the year."),
    Case("a date-time with a time zone keeps its wall-clock time",
         {CRM: "date,client,kind\n2026-03-31T23:30:00+03:00,Acme,praise\n2026-03-31T20:30:00Z,Acme,praise\n"},
         read={"crm_activities.date": [pd.Timestamp("2026-03-31 23:30"), pd.Timestamp("2026-03-31 20:30")]}),

    # ---- numbers and money -------------------------------------------------------------------------
    Case("thousands separators in a comma-separated file",
         {INVOICES: f'{INVOICE_HEADER}\nINV-1,Acme,2026-03-01,2026-03-31,"1,200.50",USD\n'},
         read={"invoices.amount": [1200.5]}),
    Case("thousands separators in a semicolon-separated file with decimal commas",
         {INVOICES: "invoice;client;issued;due;amount;currency\n"
                    "INV-1;Acme;01.03.2026;31.03.2026;1 200,50;RUB\nINV-2;Acme;01.03.2026;31.03.2026;1.200,50;RUB\n"},
         read={"invoices.amount": [1200.5, 1200.5]}),
    Case("a decimal point in a file of decimal commas",
         {TIME: "date;client;hours\n02.03.2026;Acme;7,5\n03.03.2026;Acme;1.5\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 3, column hours: '1.5' has a decimal point, but the "
               "numbers of this file have a decimal comma (7,5 for 7.5). Write it with a decimal comma too."),
    Case("amounts with currency signs and codes",
         {INVOICES: f'{INVOICE_HEADER}\nINV-1,Acme,2026-03-01,2026-03-31,"$1,200.00",USD\n'
                    "INV-2,Acme,2026-03-01,2026-03-31,EUR 300,EUR\nINV-3,Acme,2026-03-01,2026-03-31,300 €,eur\n"},
         read={"invoices.amount": [1200.0, 300.0, 300.0], "invoices.currency": ["USD", "EUR", "EUR"]}),
    Case("an amount in roubles with a decimal comma",
         {INVOICES: "invoice;client;issued;due;amount;currency\nINV-1;Acme;01.03.2026;31.03.2026;1 200,00 ₽;RUB\n"
                    "INV-2;Acme;01.03.2026;31.03.2026;950,50 руб.;RUB\n"},
         read={"invoices.amount": [1200.0, 950.5]}),
    Case("a currency sign that differs from the row's currency",
         {INVOICES: f'{INVOICE_HEADER}\nINV-1,Acme,2026-03-01,2026-03-31,"$1,200.00",EUR\n'},
         error="{data}/invoices.csv: 1 problem\n  row 2, column amount: '$1,200.00' is an amount in USD, but the "
               "row's currency is EUR. Correct the amount or the currency."),
    Case("an unknown currency",
         {INVOICES: f"{INVOICE_HEADER}\nINV-1,Acme,2026-03-01,2026-03-31,100,UDS\n"},
         error="{data}/invoices.csv: 1 problem\n  row 2, column currency: 'UDS' is not a currency (write its "
               "three-letter ISO 4217 code, such as USD, EUR, RUB)."),
    Case("a value that is not a number",
         {TIME: "date,client,hours\n2026-03-02,Acme,one\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2, column hours: 'one' is not a number (write digits, "
               "such as 7.5 or 1 200,50)."),
    Case("negative hours",
         {TIME: "date,client,hours\n2026-03-02,Acme,-1\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2, column hours: '-1' is negative; hours must be 0 or "
               "more. Correct the entry in the time tracker and export again."),
    Case("a negative invoice amount: a credit note",
         {INVOICES: f"{INVOICE_HEADER},paid_on,paid_amount\nINV-1,Acme,2026-03-01,2026-03-31,100,USD,,\n"
                    "CN-1,Acme,2026-03-05,2026-03-05,-30,USD,,\n"},
         notes=["{data}/invoices.csv row 3, column amount: invoice CN-1 (-30.00 USD) has a negative amount: a credit "
                "note, left out of the invoice figures. Record the settlement on the invoice it corrects (its "
                "paid_on and paid_amount)."],
         read={"invoices.invoice": ["INV-1"]}),
    Case("a negative paid amount",
         {INVOICES: f"{INVOICE_HEADER},paid_on,paid_amount\nINV-1,Acme,2026-03-01,2026-03-31,100,USD,2026-03-10,-5\n"},
         error="{data}/invoices.csv: 1 problem\n  row 2, column paid_amount: '-5' is negative; paid amounts must be "
               "0 or more. Write what the client paid on this invoice."),
    Case("an invoice paid before it was issued",
         {INVOICES: f"{INVOICE_HEADER},paid_on\nINV-1,Acme,2026-03-10,2026-04-10,100,USD,2026-03-01\n"},
         notes=["{data}/invoices.csv row 2, column paid_on: invoice INV-1 paid before it was issued; the dates are "
                "kept as written, check them."]),
    Case("a paid amount without a payment date",
         {INVOICES: f"{INVOICE_HEADER},paid_on,paid_amount\nINV-1,Acme,2026-03-01,2026-03-31,100,USD,,100\n"},
         notes=["{data}/invoices.csv row 2, column paid_on: invoice INV-1 (100.00 of 100.00 USD) was paid on a date "
                "the file does not give: counted as paid from 2026-03-01, the latest date of the data, so the months "
                "before it show it unpaid. Give the payment date (paid_on) to place it."],
         read={"invoices.paid_on": [pd.Timestamp("2026-03-01")], "invoices.paid_amount": [100.0]}),
    Case("one invoice number with two contents",
         {INVOICES: f"{INVOICE_HEADER}\nINV-7,Acme,2026-03-01,2026-03-31,100,USD\n"
                    "INV-7,Acme,2026-03-01,2026-03-31,120,USD\n"},
         error="{data}/invoices.csv: 1 problem\n  row 3, column invoice: invoice 'INV-7' appears on rows 2 and 3 with "
               "different content. Keep one row per invoice (correct the paid_on and paid_amount of that row as "
               "payments come in). If the rows are the lines of one invoice, read the file through a [mapping] "
               "with lines = true."),

    # ---- names and words ---------------------------------------------------------------------------
    Case("a client of only white space in the CRM",
         {CRM: "date,client,kind\n2026-03-02,\u00a0  ,praise\n"},
         error="{data}/crm_activities.csv: 1 problem\n  row 2, column client: is empty; every row needs a client. "
               "Fill it in, or remove the row."),
    Case("a client of only white space on an invoice",
         {INVOICES: f'{INVOICE_HEADER}\nINV-1,"   ",2026-03-01,2026-03-31,100,USD\n'},
         error="{data}/invoices.csv: 1 problem\n  row 2, column client: is empty; every row needs a client. Fill it "
               "in, or remove the row."),
    Case("a time entry whose client is only white space is internal time",
         {TIME: 'date,client,hours,task\n2026-03-02,"  ",1.5,Team meeting\n2026-03-02,Acme,2,Design\n'},
         read={"time_entries.client": [None, "Acme"]},
         shows=["Internal time (no client): 1 entry, 1.50 hours"]),
    Case("yes and no in other words",
         {TIME: "date,client,hours,billable\n2026-03-02,Acme,1,Да\n2026-03-03,Acme,1,FALSE\n2026-03-04,Acme,1,0\n"},
         read={"time_entries.billable": [True, False, False]}),
    Case("a billable word that is not yes or no",
         {TIME: "date,client,hours,billable\n2026-03-02,Acme,1,maybe\n2026-03-03,Acme,2,Nein\n"
                "2026-03-04,Acme,3,いいえ\n2026-03-05,Acme,4,нет\n"},
         notes=["{data}/time_entries.csv row 2, column billable: billable values 'maybe' are not yes or no: left "
                "empty. No figure uses billable, so nothing else changes."],
         read={"time_entries.billable": [None, False, False, False], "time_entries.hours": [1.0, 2.0, 3.0, 4.0]}),
    Case("an unknown category",
         {TIME: "date,client,hours,category\n2026-03-02,Acme,1,chores\n"},
         error="{data}/time_entries.csv: 1 problem\n  row 2, column category: 'chores' is not a category (write one "
               "of: delivery, extra, collections, account_management, internal)."),
    Case("a kind the rubric does not know",
         {CRM: "date,client,kind\n2026-03-02,Acme,High five\n"},
         notes=["{data}/crm_activities.csv row 2, column kind: kind 'high_five' is not in the rubric, so it weighs 0. "
                "Give it a weight under [eba.weights] in your settings file, or correct the kind."]),
    Case("a timer left running",
         {TIME: "date,client,hours\n2026-03-02,Acme,30\n"},
         notes=["{data}/time_entries.csv row 2, column hours: entry of 30 hours, over 24 in a day: probably a timer "
                "left running. Kept as written; correct it in the time tracker."]),
    Case("an exact duplicate row",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n2026-03-02,Acme,1\n"},
         notes=["{data}/time_entries.csv row 3: exact duplicate: row 3 repeats row 2; counted once."]),

    # ---- settings ----------------------------------------------------------------------------------
    Case("a settings file with a typo in a key",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n"},
         config="[eba]\nhalf_lfe_days = 30\n",
         error="{config}: eba.half_lfe_days is not a setting. Did you mean eba.half_life_days?"),
    Case("a settings file with a word the setting does not take",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n"},
         config='[input]\ndate_order = "ymd"\n',
         error="{config}: input.date_order = 'ymd' is not one of '', 'dmy', 'mdy': \"dmy\" reads 03/04/2026 as 3 "
               "April, \"mdy\" as March 4, and \"\" lets the dates of each file tell."),
    Case("a settings file that is not TOML",
         {TIME: "date,client,hours\n2026-03-02,Acme,1\n"},
         config="[eba\nhalf_life_days = 30\n",
         error="{config}: is not valid TOML (Expected ']' at the end of a table declaration (at line 1, column 5)). "
               "Correct the file and run again."),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path, capsys):
    files = {"clients.csv": CLIENTS, **case.files}
    data = write_folder(tmp_path / "data", files)
    argv = ["validate", str(data)]
    config = tmp_path / "settings.toml"
    if case.config is not None:
        config.write_text(case.config, encoding="utf-8")
        argv += ["--config", str(config)]

    def filled(text: str) -> str:
        return text.replace("{data}", str(data)).replace("{config}", str(config))

    code = main(argv)
    out, err = capsys.readouterr()
    if case.error is not None:
        assert (code, out, err) == (1, "", f"error: {filled(case.error)}\n")
        return
    assert (code, err) == (0, "")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Data-quality notes: "))
    notes = [line[2:] for line in lines[start + 1:] if line.startswith("  ")]
    assert lines[start] == f"Data-quality notes: {len(notes)}"
    assert notes == [filled(note) for note in case.notes]
    assert lines[-1] == "The data is usable."
    for line in case.shows:
        assert line in [" ".join(shown.split()) for shown in lines]
    if case.read:
        dataset = read_dataset(data, **load_settings(config if case.config else None).read_options)
        for where, expected in case.read.items():
            table, column = where.split(".")
            values = getattr(dataset, table)[column].tolist()
            assert [None if pd.isna(v) else v for v in values] == expected, where


def test_the_catalogue_has_at_least_30_cases_each_named_once():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
