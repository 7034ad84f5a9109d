"""The command line as a user meets it: output, messages and exit codes (relhealth.cli)."""
import argparse
import subprocess
import sys

import pytest

from relhealth.cli import main, month
from relhealth.errors import UsageError


def test_validate_prints_files_clients_dates_and_notes_and_exits_0(folder, capsys):
    path = folder({
        "clients.csv": "client,account_manager\nAcme,Maria\n",
        "time_entries.csv": "date;client;hours\n02.03.2026;ACME;1,5\n03.03.2026;;2\n05.04.2026;Beta;30\n",
    })
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Data folder: {path}",
        "",
        "Files",
        "  clients.csv             1 row  canonical clients, UTF-8, comma-separated",
        "  time_entries.csv       3 rows  canonical time entries, UTF-8, semicolon-separated, decimal comma",
        "",
        "Clients: 2 (1 in clients.csv, 1 only in other files)",
        "  Acme",
        "  Beta",
        "",
        "Dates: 2026-03-02 to 2026-04-05 (2 months)",
        "Internal time (no client): 1 entry, 2.00 hours",
        "",
        "Data-quality notes: 1",
        f"  {path / 'time_entries.csv'} row 4, column hours: entry of 30 hours, over 24 in a day: probably a "
        "timer left running. Kept as written; correct it in the time tracker.",
        "",
        "The data is usable.",
    ]


def test_validate_of_bad_input_exits_1_with_the_message_on_stderr(folder, capsys):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,-1\n"})
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"error: {path / 'time_entries.csv'}: 1 problem\n"
                            "  row 2, column hours: '-1' is negative; hours must be 0 or more. Correct the entry "
                            "in the time tracker and export again.\n")


def run(*args):
    return subprocess.run([sys.executable, "-m", "relhealth.cli", *args], capture_output=True, text=True)


def test_bad_input_through_the_console_gives_no_traceback(folder):
    path = folder({"invoices.csv": b"PK\x03\x04 not really a workbook"})
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path / 'invoices.csv'}: this is an Excel workbook")


def test_an_unknown_option_is_wrong_usage_with_exit_2():
    result = run("validate", "--colour")
    assert result.returncode == 2
    assert "unrecognized arguments: --colour" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-3", "March", "2026-03-01"])
def test_month_refuses_what_is_not_a_month(text):
    with pytest.raises(argparse.ArgumentTypeError):
        month(text)


def test_month_accepts_yyyy_mm():
    assert month("2026-03") == "2026-03"


def test_the_bundled_sample_validates_with_only_its_five_documented_notes(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "  time_entries.csv     4,315 rows  canonical time entries, UTF-8, comma-separated" in out
    assert "  alpenrose.mbox         162 rows  mail (.mbox, .eml)\n" in out
    assert "  result.json            232 rows  Telegram chat export, UTF-8\n" in out
    assert "Data-quality notes: 5" in out
    assert "row 2755: exact duplicate: row 2755 repeats row 2754; counted once." in out
    assert "row 2053, column hours: entry of 26.5 hours" in out
    assert "result.json: the chat 'Agency team' (3 messages) names no client: left out." in out
    assert "result.json: 2 service messages and 1 message of a bot: left out" in out
    assert "alpenrose.mbox: 1 automatic letter (auto-replies, bulk mail): left out." in out


def test_an_interrupted_score_says_nothing_was_written_and_exits_130(folder, tmp_path, capsys, monkeypatch):
    import relhealth.review

    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n"})

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(relhealth.review, "month_review", interrupted)
    assert main(["score", str(path), "--out", str(tmp_path / "review.csv")]) == 130
    assert capsys.readouterr().err == "interrupted: nothing was written.\n"
    assert not (tmp_path / "review.csv").exists()


def test_a_written_notebook_keeps_its_client_when_papermill_sets_the_month_alone(tmp_path, capsys):
    import nbformat
    import papermill

    out = tmp_path / "copperleaf.ipynb"
    assert main(["notebook", "--client", "copperleaf", "--month", "2026-10", "--out", str(out)]) == 0
    written = nbformat.read(out, as_version=4)
    parameters = next(c for c in written.cells if "parameters" in c.metadata.get("tags", []))
    # the values are in the parameters cell itself, with their comments; no cell is injected
    assert parameters.source.splitlines()[:2] == [
        "client = 'Copperleaf Studios'  # the client's name, any spelling or alias the data knows (None: choose one)",
        "month = '2026-10'  # \"YYYY-MM\"; None: the month of the newest record"]
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in written.cells)
    assert all(not c.get("outputs") for c in written.cells if c.cell_type == "code")
    # papermill injects the month after it: the client of the parameters cell stays
    papermill.execute_notebook(str(out), str(tmp_path / "again.ipynb"), parameters={"month": "2026-09"},
                               prepare_only=True, progress_bar=False)
    again = nbformat.read(tmp_path / "again.ipynb", as_version=4)
    injected = next(c for c in again.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "month = \"2026-09\"" in injected.source and "client" not in injected.source
    assert "client = 'Copperleaf Studios'" in next(
        c for c in again.cells if "parameters" in c.metadata.get("tags", [])).source


def test_the_notebook_without_a_client_says_how_to_choose_one():
    from relhealth.render.client_page import open_report

    with pytest.raises(UsageError, match=r"no client chosen\. Set client in the parameters cell above .*"
                                         r"relhealth notebook --client NAME.*Northwind Outfitters, Alpenrose"):
        open_report(None)
