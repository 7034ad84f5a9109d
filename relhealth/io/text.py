"""From bytes on disk to a frame of strings: encoding, delimiter, header, and the row numbers users see."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relhealth.columns import ROW
from relhealth.errors import InputError, Problem

DELIMITERS = (",", ";", "\t")
#: The workbook files read (:mod:`relhealth.io.workbook`); ``.xls`` (Excel 97-2003) is not among them.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
#: The start of a file, enough to hold the blank lines before the header and the header itself.
_HEAD_BYTES = 1 << 16
_EMPTY = b" \t\r\n\xef\xbb\xbf"
_HEADER_STRIP = "\ufeff \t\"'"
#: pandas 3 infers numbers among the categories of a categorical column (``0001`` and ``1`` both become 1)
#: unless a thousands separator is set (pandas GH#56044): one that no export holds keeps every value as
#: written.
_NO_THOUSANDS = "\x1f"
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


@dataclass
class RawTable:
    """A CSV file read as strings.

    ``frame`` has one column per header name (lower case, trimmed), every value a string with white space
    trimmed (empty when blank), a ``row`` column with the file's line number, and blank lines removed. The
    value columns are categorical: an export repeats few distinct values (clients, people, dates) over many
    rows, so each distinct value is stored, trimmed and parsed once (:func:`per_value`).
    """

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    blank_rows: list[int]
    #: Rows that repeat the header (two exports pasted into one file), left out of ``frame``.
    header_rows: list[int] = field(default_factory=list)
    #: The header as written (white space and quotes trimmed), one name per column of ``frame``.
    header: list[str] = field(default_factory=list)
    #: The column names the header repeats; the repeats are in ``frame`` as ``name (2)``, ``name (3)``.
    repeated: list[str] = field(default_factory=list)
    #: The header's line in the file.
    header_row: int = 1
    #: What the reading of a file that is no CSV decided, for the data-quality notes: (code, values, rows).
    notes: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.path)


def detect_encoding(raw: bytes, file: str) -> tuple[str, str]:
    """Return ``(codec, label)`` for the bytes of a CSV file: UTF-8 (with or without BOM) or Windows-1251.

    Raises :class:`InputError` for an Excel workbook, other binary files and text in any other encoding.
    """
    marked = _marked_encoding(raw, file)
    if marked is not None:
        return marked
    try:
        raw.decode("utf-8")
        return "utf-8", "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    line = raw[: utf8_error.start].count(b"\n") + 1
    text = raw.decode("utf-8", errors="surrogateescape")      # each byte that is not UTF-8: one surrogate
    bad = len(_NOT_UTF8.findall(text))
    if len(_BEYOND_ASCII.findall(text)) - bad > bad:
        # more letters written in UTF-8 than bytes that are not: UTF-8 with a damaged byte, not Windows-1251
        raise InputError(Problem(file, (
            f"byte 0x{raw[utf8_error.start]:02x} at offset {utf8_error.start} is not UTF-8, in a file that is "
            f"otherwise UTF-8 ({bad:,} such byte{'s' if bad != 1 else ''} in all). Correct that row, or save the "
            "file again as 'CSV UTF-8' from the tool that exported it."), row=line)) from None
    if _plausible_cyrillic(raw):
        return "cp1251", "Windows-1251"
    raise InputError(Problem(file, (
        "the text is neither UTF-8 nor Windows-1251 (the first byte that is not UTF-8 is on this row). "
        "Save the file as 'CSV UTF-8' and try again."), row=line)) from None


#: The bytes beyond ASCII that a Russian export in Windows-1251 holds: the letters А-я (0xC0-0xFF), Ё and ё,
#: the no-break space, «», № and the dashes.
_CP1251_TEXT = frozenset(range(0xC0, 0x100)) | {0xA8, 0xB8, 0xA0, 0xAB, 0xBB, 0xB9, 0x96, 0x97}
_WORD = re.compile(r"[^\W\d_]+")
_NOT_UTF8, _BEYOND_ASCII = re.compile("[\udc80-\udcff]"), re.compile("[^\x00-\x7f]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")
_ASCII_LETTER = re.compile("[A-Za-z]")


def _plausible_cyrillic(raw: bytes) -> bool:
    """The bytes read as Windows-1251 text: they all decode, nine in ten of those beyond ASCII are Cyrillic
    letters or the punctuation of Russian text, and words are Cyrillic throughout (Latin-1's ``Café`` would
    read ``Cafй``, Latin and Cyrillic in one word)."""
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    beyond = raw.translate(None, bytes(range(0x80)))
    if len(beyond.translate(None, bytes(_CP1251_TEXT))) > 0.1 * len(beyond):
        return False
    cyrillic = [word for word in _WORD.findall(text) if _CYRILLIC_LETTER.search(word)]
    mixed = sum(1 for word in cyrillic if _ASCII_LETTER.search(word))
    return mixed <= 0.1 * len(cyrillic)


def _marked_encoding(raw: bytes, file: str) -> tuple[str, str] | None:
    """The encoding a file's first bytes tell (a byte order mark), None for plain text; raises
    :class:`InputError` for a workbook or binary data."""
    if raw.startswith(_EXCEL_MAGIC):
        raise InputError(Problem(file, (
            "this is an Excel workbook, not a CSV file. Open it in Excel or LibreOffice and use "
            "File > Save As > 'CSV UTF-8 (Comma delimited)', then put the .csv in the data folder.")))
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 with BOM"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    if b"\x00" in raw[:65536]:
        unmarked = _unmarked_utf16(raw[:4096])
        if unmarked is not None:
            return unmarked
        raise InputError(Problem(file, (
            "this is not a text file (it contains binary data). Export the data as CSV and try again.")))
    return None


def _unmarked_utf16(head: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte order mark: the digits, delimiters and Latin letters of a CSV file have a zero
    byte beside them (after them in little-endian, before them in big-endian), the other bytes hardly ever."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 8:
        return None
    if odd.count(0) >= 0.25 * len(odd) and even.count(0) <= 0.01 * len(even):
        return "utf-16-le", "UTF-16"
    if even.count(0) >= 0.25 * len(even) and odd.count(0) <= 0.01 * len(odd):
        return "utf-16-be", "UTF-16"
    return None


def detect_delimiter(header_line: str, known_columns: set[str]) -> str:
    """Pick the delimiter (comma, semicolon or tab) that splits the header into the most known column
    names, then into the most fields. A header with one column reads as comma-separated."""
    def score(delimiter: str) -> tuple[int, int]:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        names = {clean_header(f) for f in fields}
        return len(names & known_columns), len(fields)
    return max(DELIMITERS, key=score)


def clean_header(name: str) -> str:
    return " ".join(name.strip(_HEADER_STRIP).split()).lower()


def read_raw_table(path: Path, known_columns: set[str]) -> RawTable:
    """Read a CSV file (or an Excel workbook's sheet, :mod:`relhealth.io.workbook`, or a Trello board,
    :mod:`relhealth.io.trello`) into a :class:`RawTable` of strings.

    Raises :class:`InputError` for an empty or binary file, an unknown encoding, a row with more
    fields than the header, an unclosed quote, or a header naming a column twice.
    """
    file = str(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from relhealth.io.workbook import workbook_as_csv

        return _read_utf8(path, *workbook_as_csv(path, known_columns), known_columns)
    if path.suffix.lower() == ".json":
        from relhealth.io.trello import trello_as_csv

        raw, label, notes = trello_as_csv(path)
        table = _read_utf8(path, raw, label, known_columns)
        table.notes = notes
        return table
    raw = path.read_bytes()
    if not raw[:_HEAD_BYTES].strip(_EMPTY) and not raw.strip(_EMPTY):
        raise InputError(Problem(file, (
            "the file is empty. Export it again with its header row, or remove it from the folder.")))
    marked = _marked_encoding(raw, file)
    if marked is None:
        try:
            # Most files are UTF-8: pandas checks that as it parses, and reads the bytes about three
            # times as fast as a decoded str.
            return _read_utf8(path, raw, "UTF-8", known_columns)
        except UnicodeDecodeError:
            marked = detect_encoding(raw, file)
    encoding, label = marked
    try:
        if encoding == "utf-8-sig":
            return _read_utf8(path, raw[len(codecs.BOM_UTF8):], label, known_columns)
        return _read_utf8(path, raw.decode(encoding).encode("utf-8"), label, known_columns)
    except UnicodeDecodeError:
        raise InputError(_not_as_marked(raw, encoding, label, file)) from None


def _not_as_marked(raw: bytes, encoding: str, label: str, file: str) -> Problem:
    """The problem of a file whose byte order mark names an encoding its bytes do not follow."""
    codec, body = ("utf-8", raw[len(codecs.BOM_UTF8):]) if encoding == "utf-8-sig" else (encoding, raw)
    name = label.replace(" with BOM", "")
    try:
        body.decode(codec)
        line = None
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(codec, errors="replace").count("\n") + 1
    return Problem(file, (
        f"the file starts with the mark of {name} text, but its bytes are not {name} (the first one that is not "
        f"is on this row). Save the file as 'CSV UTF-8' and try again."), row=line)


#: The most columns a CSV file may have: each column costs its own conversion, and a file of thousands of
#: columns (none of them a table's) took minutes.
MAX_COLUMNS = 1_000


def _read_utf8(path: Path, raw: bytes, label: str, known_columns: set[str]) -> RawTable:
    """A file's UTF-8 bytes as a :class:`RawTable`: the header checked, every value a trimmed categorical
    string, blank lines and repeated headers left out (and listed)."""
    file = str(path)
    head = raw[:_HEAD_BYTES].decode("utf-8", errors="ignore").splitlines()
    leading_blank = next((i for i, line in enumerate(head) if line.strip()), 0)
    _refuse_report_title(head[leading_blank], file)
    delimiter = detect_delimiter(head[leading_blank], known_columns)
    names, repeated = _header_names(head[leading_blank], delimiter)
    if len(names) > MAX_COLUMNS:
        raise InputError(Problem(file, (
            f"the header has {len(names):,} columns, more than the {MAX_COLUMNS:,} of any export relhealth reads "
            "(a Jira export of every field has a few hundred). Export only the columns the table needs "
            "(docs/data-format.md), or delete the others."), row=leading_blank + 1))
    try:
        frame = pd.read_csv(
            io.BytesIO(raw), encoding="utf-8", sep=delimiter, dtype="category", keep_default_na=False,
            na_filter=False, skip_blank_lines=False, skiprows=leading_blank, engine="c", thousands=_NO_THOUSANDS,
        )
    except pd.errors.ParserError as exc:
        raise InputError(_parser_problem(file, str(exc), delimiter)) from None
    except pd.errors.EmptyDataError:
        raise InputError(Problem(file, "the file has no header row. Export it again with its header.")) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # the first row has more fields than the header: pandas took the extra ones for an index
        expected = len(frame.columns)
        message = f"Expected {expected} fields in line {leading_blank + 2}, saw {expected + frame.index.nlevels}"
        raise InputError(_parser_problem(file, message, delimiter))
    written = {clean_header(str(c)): " ".join(str(c).strip(_HEADER_STRIP).split()) for c in frame.columns}
    if len(names) == len(frame.columns):
        frame.columns = names      # pandas would write a repeated name as 'Labels.1'
        written = dict(zip(names, _written_names(head[leading_blank], delimiter)))
    frame = _named_columns(frame, file, raw, delimiter, leading_blank)
    columns = [c for c in frame.columns if c != ROW]
    blank = pd.Series(True, index=frame.index)
    for name in columns:
        blank &= frame[name] == ""
    blank_rows = frame.loc[blank, ROW].tolist()
    header = _header_copies(frame, columns)
    header_rows = frame.loc[header, ROW].tolist()
    if blank_rows or header_rows:
        frame = frame.loc[~blank & ~header].reset_index(drop=True)
    return RawTable(path=path, frame=frame, encoding=label, delimiter=delimiter, blank_rows=blank_rows,
                    header_rows=header_rows, header=[written[c] for c in columns], repeated=repeated,
                    header_row=leading_blank + 1)


#: Where each time tracker's report of entries is, for a file that is a report of totals.
DETAILED_REPORT = {
    "Toggl Track": "Reports > Detailed, then Export as CSV",
    "Clockify": "Reports > Detailed, then Export > CSV",
}
#: The title line a time tracker writes above a report of totals (Clockify's "Summary report").
_TOTALS_TITLE = re.compile(r"^\W*(summary|weekly)\s+report\W*$", re.IGNORECASE)


def _refuse_report_title(line: str, file: str) -> None:
    """A file that opens with the title of a Summary or Weekly report holds totals, not entries."""
    title = _TOTALS_TITLE.match(line.strip().strip(",;\t"))
    if title:
        where = "; ".join(f"{tool}: {menu}" for tool, menu in DETAILED_REPORT.items())
        raise InputError(Problem(file, (
            f"this is a {title.group(1).title()} report (its first line says so): it holds totals, not the entries "
            f"with their dates that relhealth counts. Export the Detailed report instead ({where}) and put it in "
            "the folder in place of this file.")))


def _header_names(line: str, delimiter: str) -> tuple[list[str], list[str]]:
    """The header's column names (cleaned), a repeated name numbered (``labels``, ``labels (2)``, as Jira
    repeats a multi-value column), and the names that repeat. Whether a repeat is allowed depends on the
    format (:attr:`~relhealth.io.formats.Format.repeated`)."""
    names, repeated, count = [], [], {}
    for name in (clean_header(f) for f in next(csv.reader([line], delimiter=delimiter), [])):
        count[name] = count.get(name, 0) + 1
        if name and count[name] > 1:
            repeated.append(name)
            name = f"{name} ({count[name]})"
        names.append(name)
    return names, list(dict.fromkeys(repeated))


def _written_names(line: str, delimiter: str) -> list[str]:
    """The header's names as written: white space and quotes trimmed."""
    return [" ".join(f.strip(_HEADER_STRIP).split()) for f in next(csv.reader([line], delimiter=delimiter), [])]


def _named_columns(frame: pd.DataFrame, file: str, raw: bytes, delimiter: str, leading_blank: int) -> pd.DataFrame:
    """The columns under their cleaned names, values trimmed, unnamed empty columns dropped (one holding
    values is an error), and the ``row`` of each record; a last row cut short is an error."""
    columns = [clean_header(str(c)) for c in frame.columns]
    unnamed = [i for i, c in enumerate(columns) if c == "" or c.startswith("unnamed:")]
    for i in unnamed:
        if (frame.iloc[:, i] != "").any():
            raise InputError(Problem(file, (
                f"column {i + 1} of the header has no name but holds values. Give it a name "
                "in the header row."), row=leading_blank + 1))
    named = max((i + 1 for i in range(len(columns)) if i not in set(unnamed)), default=0)
    _check_last_row(file, raw, frame, named, delimiter, leading_blank)
    frame = frame.drop(columns=frame.columns[unnamed])
    frame.columns = [c for i, c in enumerate(columns) if i not in set(unnamed)]
    frame = pd.DataFrame({name: _stripped(frame[name]) for name in frame.columns}, index=frame.index)
    frame[ROW] = _record_lines(raw, delimiter, leading_blank, len(frame))
    return frame


def _record_lines(raw: bytes, delimiter: str, leading_blank: int, records: int) -> pd.Series | pd.Index:
    """The line on which each record starts, as a text editor numbers them (the header is line
    ``leading_blank + 1``). One record a line, unless a quoted value holds line breaks (Jira's
    descriptions): then the lines are counted record by record."""
    first = leading_blank + 2
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    if lines <= leading_blank + 1 + records:
        return pd.RangeIndex(first, first + records)
    reader = csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"), newline=""), delimiter=delimiter)
    starts, line = [], 0
    for _ in reader:
        starts.append(line + 1)
        line = reader.line_num
    return pd.Index(starts[-records:] if records else [], dtype="int64")


def _header_copies(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Rows whose every value is its column's name: the header again, as when two exports are pasted
    into one file. Looked for in the first column's distinct values first, so a file without any costs
    nothing."""
    found = pd.Series(False, index=frame.index)
    if not columns:
        return found
    for name in columns:
        values = pd.Series(frame[name].cat.categories, dtype="str")
        # a copy of the name, give or take quotes, a byte order mark and spaces
        values = values[values.str.len().between(len(name), len(name) + 8)]
        cleaned = values.str.strip(_HEADER_STRIP).str.replace(r"\s+", " ", regex=True).str.lower()
        names = values[cleaned == name]
        if names.empty:
            return pd.Series(False, index=frame.index)
        found = frame[name].isin(names) if name == columns[0] else found & frame[name].isin(names)
        if not found.any():
            return found
    return found


def _check_last_row(file: str, raw: bytes, frame: pd.DataFrame, named: int, delimiter: str,
                    leading_blank: int) -> None:
    """Refuse a last row with fewer fields than the header: the file was most likely cut short (a copy or
    download that stopped), and its last value may be cut too. pandas fills the missing fields with empty
    values, so the row's own fields are counted, and only when its last named column is empty."""
    last = len(frame) - 1
    while last >= 0 and all(frame.iat[last, i] == "" for i in range(named)):
        last -= 1   # blank lines at the end
    if last < 0 or frame.iat[last, named - 1] != "":
        return
    fields = _last_record_fields(raw, delimiter)
    if fields is None or fields >= named:
        return
    name = DELIMITER_NAMES[delimiter]
    raise InputError(Problem(file, (
        f"the last row has {fields} field{'s' if fields != 1 else ''} but the header has {named}: the file may "
        f"be cut short. Export it again (if the row is complete, end it with the missing {name}s)."),
        row=last + leading_blank + 2))


def _last_record_fields(raw: bytes, delimiter: str) -> int | None:
    """How many fields the last record of the file has (None when that cannot be told). The record starts
    at the last line's start unless that lies inside a quoted value, as the quotes before it tell."""
    end = len(raw)
    space = bytes(b for b in b" \t\r\n" if chr(b) != delimiter)   # a trailing tab may end a tab-separated row
    while end and raw[end - 1] in space:
        end -= 1
    start = raw.rfind(b"\n", 0, end) + 1
    if b'"' in raw[start:end]:
        odd = raw.count(b'"', 0, start) % 2
        for _ in range(1000):
            if not odd or start == 0:
                break
            previous = raw.rfind(b"\n", 0, start - 1) + 1
            odd ^= raw.count(b'"', previous, start) % 2
            start = previous
        if odd:
            return None
    text = raw[start:end].decode("utf-8", errors="replace")
    record = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
    return None if record is None else len(record)


def per_value(column: pd.Series, func: Callable[[pd.Series], pd.Series], categorical: bool = False) -> pd.Series:
    """``func`` (from a Series of strings to a Series of the same length) applied to each distinct value of
    a categorical ``column`` once, the results spread back over the rows; kept categorical when asked (for
    text results)."""
    array = column.array
    distinct = func(pd.Series(array.categories, dtype="str"))
    if categorical:
        codes, values = pd.factorize(distinct)
        return pd.Series(pd.Categorical.from_codes(codes[array.codes], categories=values), index=column.index)
    return pd.Series(distinct.array.take(array.codes), index=column.index)


def _strip(values: pd.Series) -> pd.Series:
    return values.str.strip()


def _stripped(column: pd.Series) -> pd.Series:
    """A categorical column with its values' white space trimmed (each distinct value once; as it is when
    none needs it)."""
    categories = pd.Series(column.cat.categories, dtype="str")
    if not (categories.str.len() != categories.str.strip().str.len()).any():
        return column
    return per_value(column, _strip, categorical=True)


def as_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of strings with its value columns made categorical, as :func:`read_raw_table` gives them."""
    return frame.astype({c: "category" for c in frame.columns if c != ROW})


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of :func:`read_raw_table` with its value columns as plain strings."""
    return frame.astype({c: "str" for c in frame.columns if c != ROW})


def _parser_problem(file: str, message: str, delimiter: str) -> Problem:
    """Our message for a pandas parser error (its line numbers count the skipped blank lines too)."""
    name = DELIMITER_NAMES[delimiter]
    match = _FIELD_COUNT.search(message)
    if match:
        expected, line, saw = (int(g) for g in match.groups())
        return Problem(file, (
            f"this row has {saw} fields but the header has {expected}. A value that contains a "
            f"{name} must be in double quotes; otherwise remove the extra {name}."), row=line)
    match = _EOF_IN_QUOTE.search(message)
    if match:
        return Problem(file, (
            "a double quote opened on this row is never closed, so the rest of the file reads as one "
            "value. Close the quote or remove it."), row=int(match.group(1)) + 1)
    return Problem(file, f"the file cannot be read as CSV ({message}). Export it again as CSV.")
