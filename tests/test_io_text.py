"""Encodings, delimiters and the shape of a CSV file (relhealth.io.text)."""
import codecs
from pathlib import Path

import pytest

from relhealth.errors import InputError
from relhealth.io.text import detect_delimiter, detect_encoding, read_raw_table

KNOWN = {"date", "client", "hours", "task"}


def refused(tmp_path, content: str | bytes, known: set[str] = KNOWN) -> tuple[Path, InputError]:
    """A file of ``content`` (text as UTF-8, line ends as written) and the error read_raw_table refuses it with."""
    path = tmp_path / "t.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError) as error:
        read_raw_table(path, known)
    return path, error.value


def test_detect_encoding_tells_utf8_bom_and_windows_1251_apart():
    text = "date,client\n2026-03-01,ООО «Ромашка»\n"
    assert detect_encoding(text.encode("utf-8"), "f.csv") == ("utf-8", "UTF-8")
    assert detect_encoding(codecs.BOM_UTF8 + text.encode("utf-8"), "f.csv") == ("utf-8-sig", "UTF-8 with BOM")
    assert detect_encoding(text.encode("cp1251"), "f.csv") == ("cp1251", "Windows-1251")


@pytest.mark.parametrize("header, delimiter", [
    ("date,client,hours", ","),
    ("date;client;hours", ";"),
    ("date\tclient\thours", "\t"),
    ('"date";"client, full name";"hours"', ";"),
    ("date", ","),
])
def test_detect_delimiter_picks_the_one_that_splits_the_header_into_known_columns(header, delimiter):
    assert detect_delimiter(header, KNOWN) == delimiter


def test_read_raw_table_numbers_rows_as_lines_of_the_file_and_skips_blank_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\nDate , CLIENT,hours\n2026-03-01,A,1\n\n2026-03-02,B,2\n", encoding="utf-8")
    table = read_raw_table(path, KNOWN)
    assert list(table.frame.columns) == ["date", "client", "hours", "row"]
    # line 1 is blank, line 2 the header, line 4 blank
    assert table.frame["row"].tolist() == [3, 5]
    assert table.frame["client"].tolist() == ["A", "B"]
    assert table.blank_rows == [4]


def test_read_raw_table_reads_windows_1251_with_semicolons(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("date;client;hours\n01.03.2026;ООО «Ромашка»;7,5\n".encode("cp1251"))
    table = read_raw_table(path, KNOWN)
    assert (table.encoding, table.delimiter) == ("Windows-1251", ";")
    assert table.frame.loc[0, "client"] == "ООО «Ромашка»"
    assert table.frame.loc[0, "hours"] == "7,5"


def test_read_raw_table_drops_an_unnamed_empty_trailing_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date;client;hours;\n2026-03-01;A;1;\n", encoding="utf-8")
    assert list(read_raw_table(path, KNOWN).frame.columns) == ["date", "client", "hours", "row"]


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty. Export it again with its header row, or remove it from the folder."),
    (b" \n\n", "the file is empty. Export it again with its header row, or remove it from the folder."),
    (b"PK\x03\x04\x14\x00\x06\x00", "this is an Excel workbook, not a CSV file. Open it in Excel or LibreOffice "
     "and use File > Save As > 'CSV UTF-8 (Comma delimited)', then put the .csv in the data folder."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "this is an Excel workbook, not a CSV file. Open it in Excel "
     "or LibreOffice and use File > Save As > 'CSV UTF-8 (Comma delimited)', then put the .csv in the data folder."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "this is not a text file (it contains binary data). Export the data as "
     "CSV and try again."),
])
def test_read_raw_table_refuses_files_that_are_not_csv_text(tmp_path, content, message):
    path, error = refused(tmp_path, content)
    assert str(error) == f"{path}: {message}"


def test_read_raw_table_names_the_row_with_more_fields_than_the_header(tmp_path):
    path, error = refused(tmp_path, "date,client,hours\n2026-03-01,A,1\n2026-03-02,Smith, Jones,2\n")
    assert str(error) == (
        f"{path}: 1 problem\n"
        "  row 3: this row has 4 fields but the header has 3. A value that contains a comma must be in "
        "double quotes; otherwise remove the extra comma.")


def test_read_raw_table_names_the_row_of_an_unclosed_quote(tmp_path):
    _, error = refused(tmp_path, 'date,client,hours\n2026-03-01,"A,1\n2026-03-02,B,2\n')
    assert error.problems[0].row == 2
    assert "never closed" in error.problems[0].message


def test_read_raw_table_numbers_a_repeated_column_and_says_it_repeats(tmp_path):
    # Jira repeats a multi-value column (Labels, Labels); whether a repeat is allowed is the format's to
    # say (the catalogue's "a header that names a column twice" is refused)
    path = tmp_path / "export.csv"
    path.write_text("date,client,Hours,hours\n2026-03-01,A,1,2\n", encoding="utf-8")
    table = read_raw_table(path, set())
    assert [c for c in table.frame.columns if c != "row"] == ["date", "client", "hours", "hours (2)"]
    assert table.frame[["hours", "hours (2)"]].astype(str).values.tolist() == [["1", "2"]]
    assert (table.repeated, table.header) == (["hours"], ["date", "client", "Hours", "hours"])


@pytest.mark.parametrize("body, row", [
    ('2026-03-01,A,1\n2026-03-02,Smith, Jones,2\n', 5),
    ('2026-03-01,"A,1\n2026-03-02,B,2\n', 4),
])
def test_read_raw_table_counts_blank_lines_before_the_header_in_the_row_of_a_broken_line(tmp_path, body, row):
    # lines 1 and 2 are blank, line 3 the header
    _, error = refused(tmp_path, "\n\ndate,client,hours\n" + body)
    assert error.problems[0].row == row


def test_read_raw_table_trims_each_value_and_keeps_the_rows_of_windows_line_ends(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"date,client,hours\r\n2026-03-01,  A ,1\r\n2026-03-02,A,2\r\n")
    frame = read_raw_table(path, KNOWN).frame
    assert frame["client"].tolist() == ["A", "A"]
    assert frame["row"].tolist() == [2, 3]


@pytest.mark.parametrize("content", [
    'date,client,hours,task\n2026-03-01,A,1,"two\nlines, in one value"\n',      # a quoted value over two lines
    'date,client,hours,task\n2026-03-01,"A, Inc",1,""\n',                       # an empty last value, quoted
    'date;client;hours;task;\n01.03.2026;A;1;;\n02.03.2026;A;1;\n',              # a trailing delimiter (Bitrix24)
    'date,client,hours,task\n2026-03-01,A 5" screen,1,\n\n\n',                   # a stray quote, blank lines after
    'date,client,hours,task\n2026-03-01,A,1,',                                   # no line end after the last row
    'date\tclient\thours\ttask\n2026-03-01\tA\t1\t\n',                            # an empty last value, tabs
])
def test_a_whole_last_row_is_not_taken_for_a_file_cut_short(tmp_path, content):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert len(read_raw_table(path, KNOWN | {"task"}).frame) >= 1


@pytest.mark.parametrize("content, row, fields", [
    ('date,client,hours,task\n2026-03-01,A,1,x\n2026-03-01,"A\nB"\n', 3, 2),
    ('date;client;hours;task;\n01.03.2026;A;1;;\n02.03.2026;A;1\n', 3, 3),
    ('date,client,hours,task\r\n2026-03-01,A,1,x\r\n2026-03-01,A\r\n\r\n', 3, 2),
])
def test_a_last_row_with_fewer_fields_than_the_header_is_named(tmp_path, content, row, fields):
    _, error = refused(tmp_path, content, KNOWN | {"task"})
    assert error.problems[0].row == row
    assert error.problems[0].message.startswith(f"the last row has {fields} fields but the header has 4")


def test_a_first_row_with_an_extra_field_is_an_error_not_an_index(tmp_path):
    # pandas would take the first value of every row for an index and shift the columns
    _, error = refused(tmp_path, "date,client,hours\n2026-03-02,Smith, Jones,2\n2026-03-03,Acme,1\n")
    assert error.problems[0].row == 2
    assert error.problems[0].message.startswith("this row has 4 fields but the header has 3.")


def test_copies_of_the_header_are_left_out_and_listed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('date,client,hours\n2026-03-01,A,1\n"Date", CLIENT ,hours\n2026-03-02,A,2\n', encoding="utf-8")
    table = read_raw_table(path, KNOWN)
    assert table.header_rows == [3]
    assert table.frame["row"].tolist() == [2, 4]
