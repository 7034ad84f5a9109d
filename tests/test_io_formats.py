"""Real exports as they come (relhealth.io.formats): each fixture is written from the tool's own header
line, and the hours per client and month are summed by hand beside it."""
import pandas as pd
import pytest
from conftest import write_folder

from relhealth.errors import InputError
from relhealth.io import read_dataset
from relhealth.metrics.effort import categorise, monthly_hours
from relhealth.settings import load_settings

TOGGL = (
    "\ufeffUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,"
    "Tags,Amount (USD)\n"
    "Anna Kovacs,anna@agency.test,Acme,Website,,Homepage layout,Yes,2026-03-02,09:00:00,2026-03-02,11:30:00,"
    "02:30:00,\"design, ux\",250.00\n"
    "Anna Kovacs,anna@agency.test,Acme,Website,Billing,Payment reminder call,No,2026-03-03,10:00:00,2026-03-03,"
    "10:45:00,00:45:00,,0.00\n"
    "Ben Carter,ben@agency.test,Beta,App,,Sprint work,Yes,2026-03-31,23:00:00,2026-04-01,01:00:00,02:00:00,,200.00\n"
)
HARVEST = (
    "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,First Name,Last Name,"
    "Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency\n"
    '26.03.2026,Acme,Website,WEB,Design,Checkout page,"7,5","7,5",Yes,No,Priya,Shah,Designer,Yes,"100,0",'
    '"750,0","40,0","300,0",Euro - EUR\n'
    '27.03.2026,Beta,App,APP,Project Management,Overdue invoice follow-up,"0,5","0,5",No,No,Tom,Becker,PM,Yes,'
    '"0,0","0,0","40,0","20,0",Euro - EUR\n'
    '30.03.2026,Acme,Website,WEB,Development,Launch weekend,"20,0","20,0",Yes,No,Tom,Becker,Dev,Yes,"100,0",'
    '"2.000,0","40,0","800,0",Euro - EUR\n'
)
CLOCKIFY = (
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable","Start Date","Start Time",'
    '"End Date","End Time","Duration (h)","Duration (decimal)","Billable Rate (USD)","Billable Amount (USD)"\n'
    '"Website","Acme","Copy edits","","Sofia Lindqvist","","sofia@agency.test","","Yes","03/13/2026",'
    '"01:00:00 PM","03/13/2026","02:30:00 PM","01:30:00","1.50","100.00","150.00"\n'
    '"App","Beta","Standup","","Sofia Lindqvist","","sofia@agency.test","","Yes","04/01/2026","09:00:00 AM",'
    '"04/01/2026","09:15:00 AM","00:15:00","0.25","100.00","25.00"\n'
)
KIMAI_RU = (
    "Дата;С;До;Длительность;Пользователь;Клиент;Проект;Активность;Описание\n"
    "05.03.2026;10:00;12:00;2:00;Дмитрий;Acme;Website;Дизайн;Баннеры\n"
    "06.03.2026;14:00;14:30;0:30;Дмитрий;ООО «Северный ветер»;Сайт;Бухгалтерия;Акт сверки за март\n"
)
EXCEL_RU = (
    "date;client;hours;task\n"
    "10.03.2026;Acme;1,25;Правки макета\n"
    "11.03.2026;ООО \"Северный ветер\";3,5;Вёрстка\n"
).encode("cp1251")


def hours_by(data):
    entries = categorise(data.time_entries, load_settings()["effort"]["categories"])
    hours = monthly_hours(entries)
    hours["month"] = hours["month"].astype(str)
    return hours.groupby(["client", "month", "category"])["hours"].sum().to_dict()


def test_one_folder_of_toggl_harvest_clockify_kimai_and_russian_excel_gives_the_hours_by_hand(folder):
    data = read_dataset(folder({"toggl.csv": TOGGL, "harvest.csv": HARVEST, "clockify.csv": CLOCKIFY,
                                "kimai.csv": KIMAI_RU, "время.csv": EXCEL_RU}))
    assert hours_by(data) == {
        # Acme, March: Toggl 2.5 (layout) + Harvest 7.5 + 20.0 + Clockify 1.5 + Kimai 2.0 + Excel 1.25 = 34.75
        #              of delivery; Toggl's 0.75 h payment reminder call is chasing payment
        ("Acme", "2026-03", "delivery"): 34.75,
        ("Acme", "2026-03", "collections"): 0.75,
        # Beta: Toggl's 2 h started on 31 March at 23:00 count in March (an entry is dated by its start);
        #       Harvest's 0.5 h overdue invoice follow-up is chasing; Clockify's 15 min stand-up is April
        ("Beta", "2026-03", "delivery"): 2.0,
        ("Beta", "2026-03", "collections"): 0.5,
        ("Beta", "2026-04", "delivery"): 0.25,
        # the Russian client, spelt with «» in Kimai and "" in the Excel file: 3.5 h of work, 0.5 h of reconciliation
        ("ООО «Северный ветер»", "2026-03", "delivery"): 3.5,
        ("ООО «Северный ветер»", "2026-03", "collections"): 0.5,
    }
    formats = {info.path.name: (info.format, info.encoding, info.delimiter_name, info.decimal_comma, info.date_order)
               for info in data.files}
    assert formats == {
        "toggl.csv": ("Toggl Track detailed report", "UTF-8 with BOM", "comma", False, None),
        "harvest.csv": ("Harvest detailed time report", "UTF-8", "comma", True, None),
        "clockify.csv": ("Clockify detailed report", "UTF-8", "comma", False, "mdy"),
        "kimai.csv": ("Kimai export (Russian)", "UTF-8", "semicolon", False, None),
        "время.csv": ("canonical time entries", "Windows-1251", "semicolon", True, None),
    }


def test_each_export_keeps_who_what_and_where_it_came_from(folder):
    data = read_dataset(folder({"toggl.csv": TOGGL, "harvest.csv": HARVEST, "kimai.csv": KIMAI_RU}))
    rows = data.time_entries.set_index(["source", "row"])
    toggl = rows.loc[(str(data.folder / "toggl.csv"), 3)]
    # the entry's text is the task; Toggl's own task name joins the tags
    assert (toggl["task"], toggl["tags"], toggl["person"], toggl["billable"]) == (
        "Payment reminder call", "Billing", "Anna Kovacs", False)
    harvest = rows.loc[(str(data.folder / "harvest.csv"), 2)]
    assert (harvest["task"], harvest["tags"], harvest["person"], harvest["hours"]) == (
        "Checkout page", "Design", "Priya Shah", 7.5)
    kimai = rows.loc[(str(data.folder / "kimai.csv"), 3)]
    assert (kimai["task"], kimai["tags"], kimai["hours"], kimai["date"]) == (
        "Акт сверки за март", "Бухгалтерия", 0.5, pd.Timestamp("2026-03-06"))


def test_kimai_in_english_with_commas(folder):
    kimai = ("Date,From,To,Duration,User,Customer,Project,Activity,Description\n"
             "2026-03-05,10:00,11:15,1:15,dmitry,Acme,Website,Design,Banners\n")
    data = read_dataset(folder({"kimai-export.csv": kimai}))
    assert data.time_entries[["client", "hours", "task", "tags"]].values.tolist() == [
        ["Acme", 1.25, "Banners", "Design"]]


def test_the_same_entry_in_two_overlapping_exports_is_counted_once_and_noted(folder):
    march = TOGGL
    overlap = TOGGL.splitlines()[0] + "\n" + TOGGL.splitlines()[2] + "\n" + (
        "Anna Kovacs,anna@agency.test,Acme,Website,,Wireframes,Yes,2026-04-02,09:00:00,2026-04-02,10:00:00,"
        "01:00:00,,100.00\n")
    data = read_dataset(folder({"toggl-march.csv": march, "toggl-march-april.csv": overlap}))
    # 3 entries in March + 1 new in April; the payment reminder call is in both files
    assert len(data.time_entries) == 4
    assert data.time_entries["hours"].sum() == 2.5 + 0.75 + 2.0 + 1.0
    notes = [n for n in data.quality if n.code == "overlap"]
    assert [(n.file.rsplit("/", 1)[-1], n.rows, n.message) for n in notes] == [(
        "toggl-march.csv", (3,),
        "1 entry also in toggl-march-april.csv (row 2 there), from an overlapping export; counted once.")]


def test_day_or_month_first_is_proved_by_any_date_of_the_file(folder):
    header = CLOCKIFY.splitlines()[0]
    day_first = header + "\n" + CLOCKIFY.splitlines()[1].replace("03/13/2026", "13/03/2026").replace(
        '"03/13/2026","02:30', '"13/03/2026","02:30') + "\n" + CLOCKIFY.splitlines()[2] + "\n"
    data = read_dataset(folder({"clockify.csv": day_first}))
    # 13/03 proves day first, so 04/01/2026 is 4 January
    assert data.time_entries["date"].tolist() == [pd.Timestamp("2026-03-13"), pd.Timestamp("2026-01-04")]
    assert data.files[0].date_order == "dmy"


def test_a_file_whose_dates_cannot_tell_is_an_error_naming_the_setting_that_fixes_it(folder, tmp_path):
    only_ambiguous = CLOCKIFY.splitlines()[0] + "\n" + CLOCKIFY.splitlines()[2] + "\n"
    path = folder({"clockify.csv": only_ambiguous})
    with pytest.raises(InputError) as error:
        read_dataset(path)
    assert str(error.value) == (
        f"{path / 'clockify.csv'}: cannot tell whether a date such as 04/01/2026 puts the day or the month "
        "first: no date in the file has a part above 12. Set date_order = \"dmy\" (day first) or \"mdy\" "
        "(month first) under [input] in a settings file and pass it with --config.")
    config = tmp_path / "us.toml"
    config.write_text('[input]\ndate_order = "mdy"\n', encoding="utf-8")
    data = read_dataset(path, **load_settings(config).read_options)
    assert data.time_entries["date"].tolist() == [pd.Timestamp("2026-04-01")]


def test_a_file_mixing_both_orders_is_an_error(folder):
    mixed = CLOCKIFY.replace('"04/01/2026","09:00:00 AM","04/01/2026"', '"14/01/2026","09:00:00 AM","14/01/2026"')
    path = folder({"clockify.csv": mixed})
    with pytest.raises(InputError, match="the dates mix day first"):
        read_dataset(path)


def test_a_wrong_date_order_setting_is_named(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[input]\ndate_order = "ymd"\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_settings(config)
    assert str(error.value) == (f"{config}: input.date_order = 'ymd' is not one of '', 'dmy', 'mdy': \"dmy\" reads "
                                '03/04/2026 as 3 April, "mdy" as March 4, and "" lets the dates of each file tell.')


def test_a_broken_export_is_taken_for_what_it_resembles_most_not_for_a_client_list(folder, tmp_path):
    path = folder({"export.csv": "date,client,hrs\n2026-03-02,Acme,1\n"})
    with pytest.raises(InputError) as error:
        read_dataset(path)
    assert str(error.value) == (
        f"{path / 'export.csv'}: relhealth does not recognise this file. Its columns are: date, client, hrs. "
        "The closest format, canonical time entries, also needs 'hours'. To read the file as it is, describe its "
        "columns in a [mapping] in a settings file passed with --config: `relhealth mapping "
        f"{path / 'export.csv'}` writes one to fill in. Or export the file again with that column, or move it out "
        "of the folder.")
    # a client list under any name is still a client list
    data = read_dataset(write_folder(tmp_path / "other", {"customers.csv": "client,account_manager\nAcme,Oleg\n",
                                                          "t.csv": "date,client,hours\n2026-03-02,Acme,1\n"}))
    assert data.clients[["client", "account_manager", "listed"]].values.tolist() == [["Acme", "Oleg", True]]


def test_validate_shows_each_files_format_and_the_rows_not_counted(folder, capsys):
    from relhealth.cli import main

    overlap = TOGGL.splitlines()[0] + "\n\n" + TOGGL.splitlines()[2] + "\n"
    path = folder({"a-toggl.csv": TOGGL, "b-toggl.csv": overlap, "clockify.csv": CLOCKIFY})
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3:8] == [
        "  a-toggl.csv        3 rows  Toggl Track detailed report, UTF-8 with BOM, comma-separated",
        "  b-toggl.csv         1 row  Toggl Track detailed report, UTF-8 with BOM, comma-separated",
        "                             not counted: 1 blank line, 1 entry also in another export",
        "  clockify.csv       2 rows  Clockify detailed report, UTF-8, comma-separated, dates month first",
        "",
    ]


def test_validate_reads_with_the_settings_given_by_config(folder, tmp_path, capsys):
    from relhealth.cli import main

    path = folder({"clockify.csv": CLOCKIFY.splitlines()[0] + "\n" + CLOCKIFY.splitlines()[2] + "\n"})
    assert main(["validate", str(path)]) == 1
    assert "Set date_order" in capsys.readouterr().err
    config = tmp_path / "us.toml"
    config.write_text('[input]\ndate_order = "mdy"\n', encoding="utf-8")
    assert main(["validate", str(path), "--config", str(config)]) == 0
    assert "dates month first" in capsys.readouterr().out
