"""Issue 25, classes 5, 7 and 14: every CSV written is safe to open in a spreadsheet, an output never
overwrites an input or lands in the data folder, and a broken link in the data folder is an error."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from relhealth import read_dataset
from relhealth.cli import main
from relhealth.io.starter import REGISTER_TEMPLATES, register_template
from relhealth.render.review_csv import events_csv, frame_to_csv, review_to_csv, safe_cell
from relhealth.review import month_review
from relhealth.review.backtest import backtest
from relhealth.review.client import client_report
from relhealth.settings import load_settings

CRM = "date,client,kind\n2026-03-02,Acme,praise\n"

#: Client names, account managers, subjects and a file name a spreadsheet would run as formulas.
HOSTILE = {
    "clients.csv": 'client,account_manager\n"=SUM(A1)",-Maria\n@Acme,+Oleg\n-3,\n',
    "=crm.csv": ('date,client,kind,subject\n2026-03-02,=SUM(A1),complaint,"=HYPERLINK(""http://x"",""y"")"\n'
                 "2026-03-04,-3,praise,@mention\n2026-03-06,@Acme,praise,+1 for the launch\n"),
    "time_entries.csv": "date,client,hours,category\n2026-03-05,-3,2,collections\n",
}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- class 5: formula injection -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+Oleg", "'+Oleg"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab Co", "'\tTab Co"),
    ("\rCR Co", "'\rCR Co"), ("a=b", "a=b"), ("Acme", "Acme"), ("", ""), (" =x", " =x"),
    (None, ""), (float("nan"), ""), (pd.NA, ""), (-3.5, -3.5), (float("-inf"), float("-inf")), (7, 7), (True, True),
])
def test_a_text_cell_that_a_spreadsheet_would_run_gets_a_quote_and_numbers_stay_numbers(value, written):
    assert safe_cell(value) == written


def test_every_text_cell_of_the_review_that_starts_like_a_formula_is_quoted_and_numbers_are_not(folder, capsys, tmp_path):
    data = folder(HOSTILE)
    assert main(["score", str(data), "--month", "2026-03"]) == 0
    printed = capsys.readouterr().out
    rows = _rows(printed)
    assert rows[0][:14] == ["client", "month", "account_manager", "eba_balance", "eba_band", "eba_change",
                            "eba_deposits", "eba_withdrawals", "work_hours", "collection_hours", "effort_ratio",
                            "effort_ratio_3m", "effort_flag", "max_days_overdue"]
    # the complaint of 2 March: -4 * 0.5 ** (29 / 90) = -3.199 on the 31st; the praise of the 4th,
    # 3 * 0.5 ** (27 / 90) = 2.437; that of the 6th, 3 * 0.5 ** (25 / 90) = 2.475; 2 collection hours and no
    # work: an infinite effort ratio, flag red
    assert [row[:14] for row in rows[1:]] == [
        ["'=SUM(A1)", "2026-03", "'-Maria", "-3.20", "overdrawn", "-3.20", "0.00", "-4.00", "0.00", "0.00", "", "", "",
         "0"],
        ["'@Acme", "2026-03", "'+Oleg", "2.47", "watch", "2.47", "3.00", "0.00", "0.00", "0.00", "", "", "", "0"],
        ["'-3", "2026-03", "", "2.44", "watch", "2.44", "3.00", "0.00", "0.00", "2.00", "inf", "inf", "red", "0"],
    ]
    out = tmp_path / "review.csv"
    assert main(["score", str(data), "--month", "2026-03", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == printed          # --out writes what standard output shows


def test_tabs_carriage_returns_and_infinite_ratios_in_the_review_table(folder):
    # the readers trim names, so a tab or a carriage return is put into the table itself
    table = month_review(read_dataset(folder(HOSTILE)), load_settings(), "2026-03")
    table.loc[0, ["client", "account_manager", "eba_band"]] = ["\tTab Co", "\rCR", "-"]
    table.loc[0, ["eba_balance", "effort_ratio", "effort_ratio_3m"]] = [-3.5, float("-inf"), float("inf")]
    assert _rows(review_to_csv(table))[1][:12] == [
        "'\tTab Co", "2026-03", "'\rCR", "-3.50", "'-", "-3.20", "0.00", "-4.00", "0.00", "0.00", "-inf", "inf"]


def test_a_frame_written_as_csv_quotes_its_text_cells_and_column_names_but_not_its_numbers():
    frame = pd.DataFrame({"=name": ["@a", "-3", None, "one\rtwo"], "amount": [-1.5, float("-inf"), None, 0.004],
                          "mixed": pd.Series([-2.25, "+x", None, "a\r\nb"], dtype="object"), "count": [-1, 0, 2, 3]})
    # a carriage return inside a cell is quoted, as a line break is: the row stays one row
    assert frame_to_csv(frame, {"amount": 2}) == ("'=name,amount,mixed,count\n"
                                                   "'@a,-1.50,-2.25,-1\n"
                                                   "'-3,-inf,'+x,0\n"
                                                   ",,,2\n"
                                                   '"one\rtwo",0.00,"a\r\nb",3\n')


def test_a_clients_events_csv_quotes_subjects_and_file_names_but_not_negative_weights(folder):
    data = read_dataset(folder(HOSTILE))
    settings = load_settings()
    assert events_csv(client_report(data, settings, "=SUM(A1)", "2026-03")) == (
        "date,kind,weight,weight_from,derived,subject,contact,source,row\n"
        "2026-03-02 00:00,complaint,-4.00,rubric,False,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,'=crm.csv,2\n")
    assert events_csv(client_report(data, settings, "@Acme", "2026-03")) == (
        "date,kind,weight,weight_from,derived,subject,contact,source,row\n"
        "2026-03-06 00:00,praise,3.00,rubric,False,'+1 for the launch,,'=crm.csv,4\n")


def test_the_backtest_panel_csv_quotes_client_names_and_keeps_numbers(folder):
    data = read_dataset(folder({**HOSTILE, "=crm.csv": HOSTILE["=crm.csv"] + "2026-01-05,@Acme,praise,Kickoff\n"}))
    panel = backtest(data, load_settings()).panel                # months 2026-01 to 2026-03: March only
    rows = _rows(review_to_csv(panel))
    assert rows[0][-2:] == ["churned", "paid_late"]
    # @Acme's praise of 5 January, 3 * 0.5 ** (85 / 90) = 1.559 at 31 March, and that of 6 March, 2.475: 4.03;
    # at 28 February the first stood at 3 * 0.5 ** (54 / 90) = 1.979, so the change is 2.05
    assert [row[:8] for row in rows[1:]] == [
        ["'=SUM(A1)", "2026-03", "'-Maria", "-3.20", "overdrawn", "-3.20", "0.00", "-4.00"],
        ["'@Acme", "2026-03", "'+Oleg", "4.03", "watch", "2.05", "3.00", "0.00"],
        ["'-3", "2026-03", "", "2.44", "watch", "2.44", "3.00", "0.00"],
    ]


def test_the_register_template_has_no_cell_a_spreadsheet_would_run():
    for language, (delimiter, header, rows) in REGISTER_TEMPLATES.items():
        cells = list(csv.reader(io.StringIO(register_template(language)), delimiter=delimiter))
        assert cells == [header, *rows], language
        assert [[safe_cell(cell) for cell in row] for row in cells] == cells, language


def test_every_csv_relhealth_writes_goes_through_frame_to_csv():
    """The only CSV writers of the package: frame_to_csv, the readers' in-memory conversions of a workbook
    and a Trello board (read back as input, never written out) and the register template (checked above)."""
    package = Path(__file__).resolve().parents[1] / "relhealth"
    writers = {str(path.relative_to(package)): len(re.findall(r"\.to_csv\(|csv\.writer\(", path.read_text("utf-8")))
               for path in [*package.rglob("*.py"), *package.rglob("*.ipynb")]}
    assert {name: count for name, count in writers.items() if count} == {
        "render/review_csv.py": 1, "io/trello.py": 1, "io/workbook.py": 1, "io/starter.py": 1}
    source = (package / "render" / "review_csv.py").read_text("utf-8")
    assert source.count("frame_to_csv(") == 3          # its definition, review_to_csv and events_csv


# --- class 7: an output never overwrites an input, never lands in the data folder -----------------------

def test_score_out_refuses_an_input_and_the_data_folder(folder, capsys, tmp_path):
    data = folder({"crm_activities.csv": CRM})
    before = (data / "crm_activities.csv").read_bytes()
    cases = [
        (data / "crm_activities.csv", f"--out {data}/crm_activities.csv is the input {data}/crm_activities.csv: "
                                      "relhealth never overwrites its inputs. Give the table a path outside the data "
                                      f"folder {data}."),
        (data / "review.csv", f"--out {data}/review.csv is inside the data folder {data}, where the next run would "
                              f"read the table as data. Give the table a path outside {data}."),
        (data, f"--out {data} is the data folder, where the next run would read the table as data. Give the table a "
               f"path outside {data}."),
    ]
    for out, message in cases:
        assert main(["score", str(data), "--out", str(out)]) == 2
        assert capsys.readouterr().err == f"error: {message}\n"
    assert sorted(p.name for p in data.iterdir()) == ["crm_activities.csv"]
    assert (data / "crm_activities.csv").read_bytes() == before


def test_score_out_follows_links_to_find_an_input(folder, capsys, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "crm.csv").write_text(CRM)
    data = folder({})
    (data / "crm_activities.csv").symlink_to(elsewhere / "crm.csv")        # the data file is a link
    link = tmp_path / "review.csv"
    link.symlink_to(data / "crm_activities.csv")                           # and so is the output named
    settings = tmp_path / "settings.toml"
    settings.write_text("[eba]\nhalf_life_days = 60\n")
    linked_data = tmp_path / "linked-data"
    linked_data.symlink_to(data)
    for args, message in [
        ([str(data), "--out", str(elsewhere / "crm.csv")],
         f"--out {elsewhere}/crm.csv is the input {data}/crm_activities.csv: relhealth never overwrites its inputs. "
         f"Give the table a path outside the data folder {data}."),
        ([str(data), "--out", str(link)],
         f"--out {link} is the input {data}/crm_activities.csv: relhealth never overwrites its inputs. Give the "
         f"table a path outside the data folder {data}."),
        ([str(data), "--config", str(settings), "--out", str(settings)],
         f"--out {settings} is the input {settings}: relhealth never overwrites its inputs. Give the table a path "
         f"outside the data folder {data}."),
        ([str(linked_data), "--out", str(data / "review.csv")],
         f"--out {data}/review.csv is inside the data folder {linked_data}, where the next run would read the "
         f"table as data. Give the table a path outside {linked_data}."),
    ]:
        assert main(["score", *args]) == 2
        assert capsys.readouterr().err == f"error: {message}\n"
    assert (elsewhere / "crm.csv").read_text() == CRM
    assert settings.read_text() == "[eba]\nhalf_life_days = 60\n"
    assert os.readlink(link) == str(data / "crm_activities.csv")
    assert main(["score", str(data), "--month", "2026-03", "--out", str(tmp_path / "fine.csv")]) == 0
    assert (tmp_path / "fine.csv").read_text().startswith("client,month,account_manager,eba_balance,")


@pytest.mark.parametrize("command", ["report", "backtest"])
def test_report_and_backtest_refuse_the_data_folder_or_a_folder_in_it_as_out(folder, capsys, command):
    data = folder({"crm_activities.csv": CRM})
    (data / "old").mkdir()
    for out, message in [
        (data, f"--out {data} is the data folder, where the next run would read the pages and tables written "
               f"there as data. Give a reports folder outside {data}."),
        (data / "old" / "reports", f"--out {data}/old/reports is inside the data folder {data}, where the next run "
                                   f"would read the pages and tables written there as data. Give a reports folder "
                                   f"outside {data}."),
    ]:
        assert main([command, str(data), "--out", str(out)]) == 2
        assert capsys.readouterr().err == f"error: {message}\n"
    assert sorted(str(p.relative_to(data)) for p in data.rglob("*")) == ["crm_activities.csv", "old"]


def test_report_and_backtest_refuse_an_out_whose_month_or_backtest_folder_is_the_data_folder(tmp_path, capsys,
                                                                                             monkeypatch):
    from relhealth.render import batch

    class NoPool:                  # the month is known once the data are read, inside the pool's block
        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False
    monkeypatch.setattr(batch, "ReportPool", NoPool)
    monkeypatch.setattr("signal.signal", lambda *args: None)           # report's SIGTERM handler stays out of pytest
    reports = tmp_path / "reports"
    for command, name in [("report", "2026-03"), ("backtest", "backtest")]:
        data = reports / name
        data.mkdir(parents=True)
        (data / "crm_activities.csv").write_text(CRM)
        assert main([command, str(data), "--out", str(reports)]) == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"error: --out {reports} would write into {reports}/{name}, which is the data folder: the next run "
            "would read the pages and tables written there as data. Give another reports folder, or move the data.")
        assert [p.name for p in data.iterdir()] == ["crm_activities.csv"]


def test_a_long_name_is_written_and_a_name_too_long_or_a_missing_folder_is_named_as_given(folder, capsys, tmp_path):
    data = folder({"crm_activities.csv": CRM})
    out = tmp_path / ("r" * 250 + ".csv")                           # allowed, though its temporary name would not be
    assert main(["score", str(data), "--month", "2026-03", "--out", str(out)]) == 0
    assert out.read_text().startswith("client,month,")
    out.unlink()
    for out, why in [(tmp_path / ("r" * 300 + ".csv"), "File name too long"),
                     (tmp_path / "missing" / "review.csv", "No such file or directory"),
                     (tmp_path / "Отчёт".ljust(130, "ё"), "File name too long")]:    # 260 bytes of UTF-8
        assert main(["score", str(data), "--month", "2026-03", "--out", str(out)]) == 1
        assert capsys.readouterr().err.splitlines()[-1] == f"error: {out}: {why}."
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]      # no temporary file left behind


# --- class 14: a broken link named like an input is an error --------------------------------------------

def _broken(path: Path, target: str) -> str:
    return (f"{path}: is a link to {target}, which leads to no file, so the export it stands for cannot be read. "
            "Copy the export itself into the data folder, or delete the link.")


@pytest.mark.parametrize("name", ["time_entries.csv", "EXPORT.CSV", "board.json", "team.ics", "book.xlsx",
                                  "letter.eml", "inbox.mbox", "mail/2026/inbox.mbox"])
def test_a_link_to_nowhere_named_like_an_input_is_an_error_naming_it(folder, capsys, name):
    data = folder({"crm_activities.csv": CRM})
    link = data / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to("/nonexistent/export")
    assert main(["validate", str(data)]) == 1
    assert capsys.readouterr().err == f"error: {_broken(link, '/nonexistent/export')}\n"


def test_every_broken_link_is_named_at_once_and_a_link_to_itself_too(folder, capsys):
    data = folder({"crm_activities.csv": CRM})
    (data / "time_entries.csv").symlink_to("/nonexistent/time_entries.csv")
    (data / "loop.csv").symlink_to("loop.csv")
    (data / "notes.txt").symlink_to("/nonexistent/notes.txt")            # not a file relhealth reads
    assert main(["validate", str(data)]) == 1
    assert capsys.readouterr().err == (f"error: {_broken(data / 'loop.csv', 'loop.csv')}\n"
                                       f"{_broken(data / 'time_entries.csv', '/nonexistent/time_entries.csv')}\n")


def test_a_link_to_a_real_file_is_read_and_editor_lock_links_are_not(folder, tmp_path):
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    (elsewhere / "crm.csv").write_text(CRM)
    data = folder({})
    (data / "crm_activities.csv").symlink_to("../exports/crm.csv")
    (data / ".#crm_activities.csv").symlink_to("me@laptop.4242:1711111111")    # Emacs's lock, a link by design
    (data / "~$book.xlsx").symlink_to("/nonexistent/lock")                     # Excel's lock file
    dataset = read_dataset(data)
    assert [info.path for info in dataset.files] == [data / "crm_activities.csv"]
    assert dataset.crm_activities[["client", "kind", "source", "row"]].values.tolist() == [
        ["Acme", "praise", str(data / "crm_activities.csv"), 2]]
