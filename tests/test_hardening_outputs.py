"""Issue 25, classes 5, 7 and 14: every CSV written is safe to open in a spreadsheet, an output never
overwrites an input or lands in the data folder, and a broken link in the data folder is an error."""
from __future__ import annotations

import csv
import io
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
