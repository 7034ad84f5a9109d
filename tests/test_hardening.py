"""Input that makes no sense ends with one clear message (issue 25): numbers that are not finite,
settings out of their range, months far from the data."""
from __future__ import annotations

import pytest

import relhealth
from relhealth.cli import main
from relhealth.errors import InputError


@pytest.mark.parametrize("written", ["inf", "-Infinity", "1e400"])
def test_a_number_that_is_not_finite_is_refused_naming_its_row(folder, written):
    path = folder({"time_entries.csv": f"date,client,hours\n2026-03-02,Acme,2\n2026-03-03,Acme,{written}\n"})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert f"row 3, column hours: '{written}' is not a number" in str(error.value)


@pytest.mark.parametrize("setting, message", [
    ("[eba]\nhalf_life_days = -5", "eba.half_life_days = -5 must be from 0 to 36,500 days"),
    ("[eba]\nhalf_life_days = inf", "eba.half_life_days = inf must be from 0 to 36,500 days"),
    ("[eba]\nhalf_life_days = 9223372036854775807", "eba.half_life_days = 9223372036854775807 must be from 0"),
    ("[signals]\nreply_sla_hours = -1", "signals.reply_sla_hours = -1 must be from 0 to 8,760 hours"),
    ("[backtest]\nhorizon_months = 0", "backtest.horizon_months = 0 must be from 1 to 120 months"),
    ("[eba.weights]\npraise = nan", "eba.weights.praise = nan must be a finite number"),
    ("[eba.bands]\nstrong = 5\nhealthy = 5", "eba.bands: strong, healthy have the same bound"),
    ("[effort.flags]\nred = inf", "effort.flags.red = inf must be a finite number"),
])
def test_settings_that_make_no_sense_name_the_key(tmp_path, setting, message):
    config = tmp_path / "mine.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        relhealth.load_settings(config)
    assert message in str(error.value)


def test_a_month_far_from_the_data_is_refused_with_the_datas_range(folder, capsys):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,2\n"})
    assert main(["score", str(path), "--month", "2020-01"]) == 2
    assert f"--month 2020-01: the data of {path} run from 2026-03 to 2026-03. Give a month from 2024-03 to 2028-03." in (
        capsys.readouterr().err)
    assert main(["score", str(path), "--month", "2027-12"]) == 0        # within two years of the data
    with pytest.raises(SystemExit) as stopped:
        main(["score", str(path), "--month", "0000-01"])
    assert stopped.value.code == 2 and "'0000-01' is not a month" in capsys.readouterr().err


def test_a_write_that_fails_names_the_file_not_its_temporary_name(tmp_path, monkeypatch, capsys):
    import errno
    import os

    out = tmp_path / "missing" / "review.csv"
    assert main(["score", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {out}: No such file or directory."

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    out = tmp_path / "review.csv"
    assert main(["score", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: {out}: No space left on device. Free some space on that disk, or give another --out.")
    assert list(tmp_path.iterdir()) == []             # no temporary file left behind


def test_a_full_disk_names_the_output_when_the_system_names_no_file(tmp_path, monkeypatch, capsys):
    """An OSError without a file name (a full disk met by a library's write) names what the command writes
    into, never 'None'."""
    import errno

    import relhealth.render.atomic

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(relhealth.render.atomic, "write_text_atomic", full)
    out = tmp_path / "review.csv"
    assert main(["score", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: writing into {out}: No space left on device. Free some space on that disk, or give another --out.")
    from relhealth.cli import _os_error, build_parser

    report = build_parser().parse_args(["report", "--out", str(tmp_path / "reports")])
    assert _os_error(OSError(errno.ENOSPC, "No space left on device"), report) == (
        f"writing into {tmp_path / 'reports'}: No space left on device. Free some space on that disk, or give "
        "another --out.")
    validate = build_parser().parse_args(["validate", str(tmp_path / "data")])
    assert _os_error(OSError(errno.EIO, "Input/output error"), validate) == (
        f"reading {tmp_path / 'data'}: Input/output error.")


def test_a_settings_file_that_is_not_utf8_or_never_ends_is_refused(tmp_path, capsys):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[report]\nlanguage = "en"\n# caf\xe9\n')
    assert main(["validate", "--config", str(latin)]) == 1
    assert capsys.readouterr().err.strip() == (f"error: {latin}: line 3: the byte at offset 30 (0xe9) is not "
                                               "UTF-8. Save the settings file as UTF-8 and run again.")
    assert main(["validate", "--config", "/dev/zero"]) == 1
    assert capsys.readouterr().err.strip() == ("error: /dev/zero: holds more than 1,000,000 bytes, which no settings "
                                               "file does. Give the path of a TOML file (docs/settings.md).")


def test_one_bad_byte_in_a_utf8_file_is_an_error_not_windows_1251(folder):
    """A UTF-8 file with Cyrillic names and one damaged byte on row 3 was read as Windows-1251, every name
    garbled into a phantom client. It is an error naming the row and the byte."""
    good = "date,client,hours\n2026-03-02,ООО «Ромашка»,2\n".encode()
    damaged = good + b"2026-03-03,\xd0\x9e\xd0\x9e\xd0\x9e \xff\xd0\xbe\xd0\xbc,1\n"
    path = folder({"time_entries.csv": damaged})
    offset = len(good) + len("2026-03-03,ООО ".encode())
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert (f"row 3: byte 0xff at offset {offset} is not UTF-8, in a file that is otherwise UTF-8 (1 such byte in "
            "all). Correct that row, or save the file again as 'CSV UTF-8' from the tool that exported it.") in str(error.value)


def test_a_windows_1251_export_still_reads_and_latin_1_is_refused(folder):
    russian = folder({"time_entries.csv": "date,client,hours\n2026-03-02,ООО «Ромашка»,2\n".encode("cp1251")})
    assert relhealth.read_dataset(russian).time_entries["client"].tolist() == ["ООО «Ромашка»"]
    latin = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Café Größe,2\n".encode("latin-1")})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(latin)
    assert "the text is neither UTF-8 nor Windows-1251" in str(error.value)


def test_a_file_of_thousands_of_columns_is_refused_at_once_naming_how_many(folder):
    """5,000 columns took 11 s to read, one conversion a column; over MAX_COLUMNS the header is enough."""
    header = ",".join(["date", "client", "hours"] + [f"extra {i}" for i in range(998)])
    path = folder({"time_entries.csv": header + "\n" + "2026-03-02,Acme,2" + ",x" * 998 + "\n"})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert ("row 1: the header has 1,001 columns, more than the 1,000 of any export relhealth reads (a Jira export "
            "of every field has a few hundred). Export only the columns the table needs (docs/data-format.md), or "
            "delete the others.") in str(error.value)


def test_a_field_over_128_kb_in_the_last_row_is_read_and_noted(folder, capsys):
    """Python's csv module stops at a field of 131,072 characters; the reader reads it, and the patterns
    read its first 2,000 characters, with a note."""
    path = folder({"time_entries.csv": "date,client,hours,task\n2026-03-02,Acme,2,ok\n2026-03-03,Acme,1,"
                                       + "x" * 200_000 + "\n"})
    assert main(["validate", str(path)]) == 0
    assert (f"{path / 'time_entries.csv'} row 3, column task: a text of 200000 characters, more than the patterns "
            "of [effort.categories] and [tone] read: they read its first 2000 characters.") in capsys.readouterr().out


def test_a_report_of_a_folder_of_header_only_files_says_there_is_nothing_to_report(folder, capsys, tmp_path):
    path = folder({"time_entries.csv": "date,client,hours\n", "crm_activities.csv": "date,client,kind\n",
                   "clients.csv": "client\n"})
    assert main(["report", str(path), "--month", "2026-10", "--out", str(tmp_path / "reports")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"error: no client has a record in the 12 months up to 2026-10, and clients.csv lists none: there is no "
        f"page to write. Check the exports in {path} (relhealth validate shows what was read), or give another "
        "--month.")
    assert not (tmp_path / "reports").exists()


def test_a_locale_that_cannot_write_cyrillic_shows_the_names_escaped(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONIOENCODING": ""}
    shown = subprocess.run([str(Path(sys.executable).with_name("relhealth")), "validate"], capture_output=True,
                           env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert b"Traceback" not in shown.stderr
    name = "ООО «Северный ветер»".encode("ascii", errors="backslashreplace")
    assert name in shown.stdout


def test_a_nul_in_one_row_of_a_csv_is_named_by_its_row(folder):
    path = folder({"time_entries.csv": b"date,client,hours\n2026-03-02,Acme,2\n2026-03-03,Ac\x00me,1\n"})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert ("row 3: a NUL character (byte 0x00 at offset 49) is in this row; no export writes one. Delete it, or "
            "export the file again.") in str(error.value)
