"""Reading a data folder into canonical frames, with the data-quality log (relhealth.io.reader)."""

import pandas as pd
import pytest

from relhealth.errors import InputError
from relhealth.io import read_dataset

CLIENTS = """\
    client,aliases,account_manager,retainer_hours,currency
    ООО «Северный ветер»,Severny Veter;СВ,Анна,40,RUB
    Northwind Outfitters,Northwind Outfitters Inc.,Maria,,usd
"""


def test_read_dataset_resolves_spellings_and_aliases_to_one_display_name(folder):
    data = read_dataset(folder({
        "clients.csv": CLIENTS,
        "time_entries.csv": "\n".join([
            "date,client,hours",
            '2026-03-02,"ООО ""Северный ветер""",1',
            "2026-03-02,  ооо  северный   ветер ,2",
            "2026-03-03,Severny Veter,3",
            "2026-03-03,northwind outfitters inc.,4",
            "2026-03-04,'Acme',5",
            "2026-03-04,ACME,6",
        ]),
    }))
    assert data.time_entries["client"].tolist() == [
        "ООО «Северный ветер»", "ООО «Северный ветер»", "ООО «Северный ветер»",
        "Northwind Outfitters", "'Acme'", "'Acme'"]
    assert data.client_names == ["ООО «Северный ветер»", "Northwind Outfitters", "'Acme'"]
    assert data.clients["listed"].tolist() == [True, True, False]
    assert data.clients["retainer_hours"].iloc[0] == 40.0
    assert data.clients["currency"].tolist()[:2] == ["RUB", "USD"]


def test_a_time_entry_without_a_client_is_internal_time_kept_with_no_client(folder):
    data = read_dataset(folder({"time_entries.csv": """\
        date,client,hours,task
        2026-03-02,,1.5,Team meeting
        2026-03-02,Acme,2,Design
    """}))
    assert len(data.time_entries) == 2
    assert pd.isna(data.time_entries["client"][0])
    assert data.time_entries["hours"].sum() == 3.5
    assert data.client_names == ["Acme"]


def test_every_row_keeps_its_file_and_line(folder):
    path = folder({"crm_activities.csv": """\
        date,client,kind,weight

        2026-03-02 10:00,Acme,Praise,
        2026-03-31 23:30,Acme,deadline-met,7
    """})
    data = read_dataset(path)
    activities = data.crm_activities
    assert activities["row"].tolist() == [3, 4]
    assert activities["source"].tolist() == [str(path / "crm_activities.csv")] * 2
    assert activities["kind"].tolist() == ["praise", "deadline_met"]
    assert activities["date"].tolist() == [pd.Timestamp("2026-03-02 10:00"), pd.Timestamp("2026-03-31 23:30")]
    assert pd.isna(activities["weight"][0]) and activities["weight"][1] == 7.0


def test_windows_1251_semicolons_decimal_comma_and_dotted_dates_read_as_numbers_and_dates(folder):
    data = read_dataset(folder({"time_entries.csv": """\
        Дата не нужна;date;client;hours;task
        x;01.03.2026;ООО «Ромашка»;7,5;Акт сверки
        y;02.03.2026;ООО «Ромашка»;0,25;Расчёт медиаплана
    """}, encoding="cp1251"))
    info = data.files[0]
    assert (info.encoding, info.delimiter, info.decimal_comma) == ("Windows-1251", ";", True)
    assert data.time_entries["hours"].tolist() == [7.5, 0.25]
    assert data.time_entries["date"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02")]
    # extra columns are kept
    assert data.time_entries["дата не нужна"].tolist() == ["x", "y"]


def test_exact_duplicate_rows_are_reported_and_counted_once(folder):
    data = read_dataset(folder({"time_entries.csv": """\
        date,client,hours,task
        2026-03-02,Acme,2,Design
        2026-03-02,Acme,2,Design
        2026-03-02,Acme,2,Design review
    """}))
    # 2 (row 2, once) + 2 (row 4) = 4 hours, not 6
    assert data.time_entries["hours"].sum() == 4
    assert [(n.code, n.rows, n.client) for n in data.quality] == [("duplicate_row", (3,), "Acme")]
    assert str(data.quality.notes[0]).endswith("row 3: exact duplicate: row 3 repeats row 2; counted once.")


def test_duplicate_rows_in_two_exports_are_noted_per_file(folder):
    path = folder({
        "time_entries.csv": "date,client,hours\n2026-03-02,Acme,2\n2026-03-02,Acme,2\n",
        "time_entries_april.csv": "date,client,hours\n2026-04-01,acme,1\n2026-04-02,Acme,3\n2026-04-01,acme,1\n",
    })
    data = read_dataset(path)
    # the files' copies are two separate entries (another file, another month): 2 + 1 + 3
    assert sorted(data.time_entries["hours"]) == [1, 2, 3]
    assert [str(n) for n in data.quality] == [
        f"{path / 'time_entries.csv'} row 3: exact duplicate: row 3 repeats row 2; counted once.",
        f"{path / 'time_entries_april.csv'} row 4: exact duplicate: row 4 repeats row 2; counted once.",
    ]


def test_an_entry_over_24_hours_is_reported_and_kept(folder):
    data = read_dataset(folder({"time_entries.csv": """\
        date,client,hours
        2026-03-02,Acme,26.5
        2026-03-03,Acme,24
    """}))
    assert data.time_entries["hours"].sum() == 50.5
    assert [(n.code, n.rows, n.column) for n in data.quality] == [("long_entry", (2,), "hours")]


def test_a_kind_the_rubric_does_not_know_is_reported_with_its_rows(folder):
    data = read_dataset(folder({"crm_activities.csv": """\
        date,client,kind
        2026-03-02,Acme,praise
        2026-03-03,Acme,lunch
        2026-03-04,Acme,lunch
    """}), known_kinds={"praise"})
    assert len(data.crm_activities) == 3
    [note] = data.quality.notes
    assert (note.code, note.rows, note.client) == ("unknown_kind", (3, 4), "Acme")
    assert str(note).endswith("rows 3, 4, column kind: kind 'lunch' is not in the rubric, so it weighs 0. "
                              "Give it a weight under [eba.weights] in your settings file, or correct the kind.")


def test_an_invoice_for_a_client_with_no_other_record_is_reported(folder):
    data = read_dataset(folder({
        "time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n",
        "invoices.csv": """\
            invoice,client,issued,due,amount,currency
            1,ACME,2026-03-01,2026-03-31,100,USD
            2,Acme Ltd,2026-03-01,2026-03-31,100,USD
        """,
    }))
    assert [(n.code, n.rows, n.client) for n in data.quality] == [("invoice_only_client", (3,), "Acme Ltd")]


def test_an_invoice_paid_before_it_was_issued_is_reported_and_kept(folder):
    data = read_dataset(folder({"invoices.csv": """\
        invoice,client,issued,due,amount,currency,paid_on,paid_amount
        INV-1,Acme,2026-03-10,2026-04-09,"1,200.00",USD,2026-03-01,
        INV-2,Acme,2026-03-10,2026-04-09,500,EUR,2026-04-01,200
    """}))
    assert data.invoices["amount"].tolist() == [1200.0, 500.0]
    assert data.invoices["paid_on"][0] == pd.Timestamp("2026-03-01")
    codes = [(n.code, n.rows) for n in data.quality if n.code != "invoice_only_client"]
    assert codes == [("paid_before_issued", (2,))]


def test_a_date_time_in_invoices_counts_on_its_day(folder):
    data = read_dataset(folder({"invoices.csv": """\
        invoice,client,issued,due,amount,currency
        INV-1,Acme,2026-03-31 23:59,30.04.2026,100,USD
    """}))
    assert data.invoices["issued"][0] == pd.Timestamp("2026-03-31")
    assert data.invoices["due"][0] == pd.Timestamp("2026-04-30")


def test_missing_files_give_empty_frames_with_the_canonical_columns(folder):
    data = read_dataset(folder({"invoices.csv": "invoice,client,issued,due,amount,currency\n"}))
    assert len(data.time_entries) == 0 and len(data.crm_activities) == 0
    assert {"date", "client", "hours", "task", "category", "source", "row"} <= set(data.time_entries.columns)
    assert data.date_range() is None


# ---- bad input ------------------------------------------------------------------------------------

def error_of(path, **kwargs) -> str:
    with pytest.raises(InputError) as error:
        read_dataset(path, **kwargs)
    return str(error.value)


def test_a_missing_required_column_is_named_with_the_columns_found(folder):
    path = folder({"time_entries.csv": "date,client,hrs\n2026-03-02,Acme,1\n"})
    assert error_of(path) == (
        f"{path / 'time_entries.csv'}: the required column 'hours' is missing. Columns found: date, client, "
        "hrs. Name the columns in the header row as docs/data-format.md lists them.")


def test_every_bad_value_of_a_file_is_listed_at_once_with_row_and_column(folder):
    path = folder({"time_entries.csv": """\
        date,client,hours,billable,category
        2026-03-02,Acme,one,yes,
        2026-03-03,Acme,-2,no,delivery
        2026-02-30,Acme,1,maybe,chores
        ,Acme,,,
    """})
    # billable is used by no figure: 'maybe' there is a note, not a problem
    assert error_of(path) == f"{path / 'time_entries.csv'}: 6 problems\n" + "\n".join([
        "  row 2, column hours: 'one' is not a number (write digits, such as 7.5 or 1 200,50).",
        "  row 3, column hours: '-2' is negative; hours must be 0 or more. Correct the entry in the time tracker "
        "and export again.",
        "  row 4, column date: '2026-02-30' is not a date (write YYYY-MM-DD or DD.MM.YYYY).",
        "  row 4, column category: 'chores' is not a category (write one of: delivery, extra, collections, "
        "account_management, internal).",
        "  row 5, column date: is empty; every row needs a date. Fill it in, or remove the row.",
        "  row 5, column hours: is empty; every row needs the hours. Fill it in, or remove the row.",
    ])


def test_problems_in_several_files_are_reported_together(folder):
    path = folder({
        "crm_activities.csv": "date,client,kind\n2026-03-02,,praise\n",
        "invoices.csv": ("invoice,client,issued,due,amount,currency,paid_on,paid_amount\n"
                         "INV-1,Acme,2026-03-01,2026-03-31,100,USD,2026-03-10,-5\n"),
    })
    assert error_of(path) == "\n".join([
        f"{path / 'crm_activities.csv'}: 1 problem",
        "  row 2, column client: is empty; every row needs a client. Fill it in, or remove the row.",
        f"{path / 'invoices.csv'}: 1 problem",
        "  row 2, column paid_amount: '-5' is negative; paid amounts must be 0 or more. Write what the client "
        "paid on this invoice.",
    ])


def test_two_invoices_with_one_id_and_different_content_are_an_error(folder):
    path = folder({"invoices.csv": """\
        invoice,client,issued,due,amount,currency
        INV-7,Acme,2026-03-01,2026-03-31,100,USD
        INV-7,Acme,2026-03-01,2026-03-31,100,USD
        INV-7,Acme,2026-03-01,2026-03-31,120,USD
    """})
    # rows 2 and 3 are exact duplicates (counted once); row 4 differs
    assert error_of(path) == (
        f"{path / 'invoices.csv'}: 1 problem\n  row 4, column invoice: invoice 'INV-7' appears on rows 2 and 4 "
        "with different content. Keep one row per invoice (correct the paid_on and paid_amount of that row "
        "as payments come in). If the rows are the lines of one invoice, read the file through a [mapping] "
        "with lines = true.")


def test_a_csv_of_no_known_format_is_named_with_its_columns_and_what_the_closest_format_lacks(folder):
    path = folder({"time_entries.csv": "date,client,hours\n",
                   "toggl_export.csv": "User,Client,Project,Description,Start date,Duration\n"})
    assert error_of(path) == (
        f"{path / 'toggl_export.csv'}: relhealth does not recognise this file. Its columns are: user, client, "
        "project, description, start date, duration. The closest format, Toggl Track detailed report, also "
        "needs 'start time'. To read the file as it is, describe its columns in a [mapping] in a settings file "
        f"passed with --config: `relhealth mapping {path / 'toggl_export.csv'}` writes one to fill in, starting "
        'from table = "time_entries", columns = { date = "Start date", client = "Client", hours = "Duration", '
        'project = "Project", person = "User", task = "Description" }. Or export the file again with that '
        "column, or move it out of the folder.")


def test_a_folder_with_only_clients_has_no_data_to_read(folder):
    path = folder({"clients.csv": "client\nAcme\n", "README.md": "notes"})
    assert error_of(path) == (
        f"{path}: no data to read: the folder needs at least one export of time entries, CRM activities or "
        "invoices (see docs/data-format.md). Files not read: README.md (not a .csv file).")


def test_a_spelling_that_names_two_clients_is_an_error(folder):
    path = folder({
        "clients.csv": "client,aliases\nAcme,AC\nAcme Labs,ac\n",
        "time_entries.csv": "date,client,hours\n",
    })
    assert error_of(path) == (
        f"{path / 'clients.csv'}: 1 problem\n  row 3, column aliases: the spellings 'ac' (already Acme) belong "
        "to two clients. Each spelling may name one client only.")


def test_identifiers_keep_their_text_so_0001_and_1_are_two_invoices_of_two_clients(folder):
    data = read_dataset(folder({
        "invoices.csv": """\
            invoice,client,issued,due,amount,currency
            0001,007,2026-01-01,2026-01-31,100,USD
            1,7,2026-01-01,2026-01-31,50,USD
            0000001,007,2026-01-02,2026-02-01,10.50,USD
        """,
        "time_entries.csv": """\
            date,client,hours,project,task
            2026-01-05,007,1.50,1.10,0042
            2026-01-05,7,1.5,1.1,42
        """,
    }))
    # pandas would read these columns as the numbers 1, 7, 1.1 and 42: every value is kept as written
    assert data.invoices[["invoice", "client", "amount"]].values.tolist() == [
        ["0001", "007", 100.0], ["1", "7", 50.0], ["0000001", "007", 10.5]]
    assert data.client_names == ["007", "7"]
    assert data.time_entries[["client", "hours", "project", "task"]].values.tolist() == [
        ["007", 1.5, "1.10", "0042"], ["7", 1.5, "1.1", "42"]]
    assert not list(data.quality)          # two different rows, not exact duplicates
