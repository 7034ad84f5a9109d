"""From bytes on disk to a frame of strings: encoding, delimiter, header, and the row numbers users see."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relhealth.columns import ROW, SOURCE
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


@contextmanager
def _fields_up_to(size: int) -> Iterator[None]:
    """Python's csv module stops at a field of more than 131,072 characters (``field larger than field
    limit``), where pandas reads any: while it reads a text of ``size`` characters, its limit is that size."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _fields(line: str, delimiter: str) -> list[str]:
    """The fields of one line of CSV (a header), of any length."""
    with _fields_up_to(len(line)):
        return next(csv.reader([line], delimiter=delimiter), [])


@dataclass
class RawTable:
    """A CSV file read as strings.

    ``frame`` has one column per header name (lower case, trimmed), every value a string with white space
    trimmed (empty when blank), a ``row`` column with the file's line number, and blank lines removed. The
    value columns are categorical: an export repeats few distinct values (clients, people, dates) over many
    rows, so each distinct value is stored, trimmed and parsed once (:func:`per_value`).

    Read with ``only_known``, ``frame`` holds only the columns some format reads; the others are in
    ``extra`` as pandas read them (text, neither trimmed nor categorical), so that a file of hundreds of
    columns no table uses costs no more than one pass of pandas over them.
    """

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    blank_rows: list[int]
    #: Rows that repeat the header (two exports pasted into one file), left out of ``frame``.
    header_rows: list[int] = field(default_factory=list)
    #: The header as written (white space and quotes trimmed), one name per named column of the file.
    header: list[str] = field(default_factory=list)
    #: The header's names as ``frame`` would name them (cleaned, repeats numbered), every named column of the
    #: file, read or not: what tells the format.
    columns: list[str] = field(default_factory=list)
    #: The columns no format reads (``only_known``), one row per record of the file (blank lines and copies
    #: of the header too), indexed by ``row``: values as written (not trimmed: that would cost a Python call
    #: a value), to tell two records apart and kept beside the table. None when every column is read.
    extra: pd.DataFrame | None = field(default=None, repr=False)
    #: The column names the header repeats; the repeats are in ``frame`` as ``name (2)``, ``name (3)``.
    repeated: list[str] = field(default_factory=list)
    #: The header's line in the file.
    header_row: int = 1
    #: What the reading of a file that is no CSV decided, for the data-quality notes: (code, values, rows).
    notes: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.path)

    def extra_values(self, rows: Iterable[int]) -> list[tuple[str, ...]]:
        """The values as written of the columns no format reads (:attr:`extra`, which must be set), one
        tuple per row of ``rows`` (line numbers of records)."""
        return list(map(tuple, self.extra.loc[list(rows)].to_numpy()))

    def extra_hashes(self, rows: Iterable[int]) -> pd.Series:
        """One hash of those values per row of ``rows``: equal for rows whose values are, and (but for
        one chance in 2**64) only for them; :meth:`extra_values` tells for sure."""
        return pd.util.hash_pandas_object(self.extra.loc[list(rows)], index=False)


def _any_value(frame: pd.DataFrame) -> pd.Series:
    """Per row, whether any of its values is more than white space."""
    return (frame.apply(lambda values: values.astype("str").str.strip()) != "").any(axis=1)


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
    # counted by the codecs, never a list or a regular expression: a Windows-1251 export of 40 MB has twenty
    # million bytes that are not UTF-8, and a pass of `re` over them takes a second and a half
    readable = raw.decode("utf-8", errors="ignore")          # the file without the bytes that are not UTF-8
    bad = len(raw.decode("utf-8", errors="surrogateescape")) - len(readable)
    if len(readable) - len(readable.encode("ascii", errors="ignore")) > bad:
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


def _letter_class(byte: int) -> int:
    """What a byte is in Windows-1251: ``C`` a Cyrillic letter, ``L`` a Latin one, a space anything else."""
    char = bytes([byte]).decode("cp1251", errors="ignore")
    if "\u0400" <= char <= "\u04ff":
        return ord("C")
    return ord("L") if char.isascii() and char.isalpha() else ord(" ")


#: Each byte of Windows-1251 text mapped to its :func:`_letter_class`, so that runs of Cyrillic letters and
#: Latin letters touching Cyrillic ones are counted by ``bytes.count``, linear and in C.
_LETTER_CLASSES = bytes(_letter_class(b) for b in range(256))


def _plausible_cyrillic(raw: bytes) -> bool:
    """The bytes read as Windows-1251 text: they all decode, nine in ten of those beyond ASCII are Cyrillic
    letters or the punctuation of Russian text, and words are Cyrillic throughout (Latin-1's ``Café`` would
    read ``Cafй``, Latin and Cyrillic in one word): a Latin letter touches a Cyrillic one at most once in
    ten runs of Cyrillic letters."""
    try:
        raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    beyond = raw.translate(None, bytes(range(0x80)))
    if len(beyond.translate(None, bytes(_CP1251_TEXT))) > 0.1 * len(beyond):
        return False
    letters = raw.translate(_LETTER_CLASSES)
    runs = letters.count(b" C") + letters.count(b"LC") + letters.startswith(b"C")
    mixed = letters.count(b"LC") + letters.count(b"CL")
    return mixed <= 0.1 * runs


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
        if raw.count(b"\x00") > 8 or not _text_but_nul(raw):      # a few stray ones in text: named below
            raise InputError(Problem(file, (
                "this is not a text file (it contains binary data). Export the data as CSV and try again.")))
    if b"\x00" in raw:
        # a text file with a stray NUL: name where it is, never read it as part of a value
        offset = raw.index(b"\x00")
        raise InputError(Problem(file, (
            f"a NUL character (byte 0x00 at offset {offset}) is in this row; no export writes one. Delete it, or "
            "export the file again."), row=raw[:offset].count(b"\n") + 1))
    return None


#: The control bytes no text holds: every one below the space but tab and the line ends.
_CONTROL = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0D}))


def _text_but_nul(raw: bytes) -> bool:
    """Without its NUL bytes, ``raw`` is UTF-8 text with no other control character but tab and line ends."""
    rest = raw.replace(b"\x00", b"")
    if len(rest.translate(None, _CONTROL)) != len(rest):
        return False
    try:
        rest.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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
        fields = _fields(header_line, delimiter)
        names = {clean_header(f) for f in fields}
        return len(names & known_columns), len(fields)
    return max(DELIMITERS, key=score)


#: The longest value a message quotes whole: a longer one (a field of 200,000 characters) is cut, with its
#: length.
QUOTED_CHARACTERS = 60


def quoted(value: object) -> str:
    """A value as a message quotes it: ``'7,5'``, or ``'xxxx...' (200,000 characters)`` when it is long."""
    text = str(value)
    if len(text) <= QUOTED_CHARACTERS:
        return f"'{text}'"
    return f"'{text[:QUOTED_CHARACTERS]}...' ({len(text):,} characters)"


def clean_header(name: str) -> str:
    return " ".join(name.strip(_HEADER_STRIP).split()).lower()


def read_raw_table(path: Path, known_columns: set[str], only_known: bool = False) -> RawTable:
    """Read a CSV file (or an Excel workbook's sheet, :mod:`relhealth.io.workbook`, or a Trello board,
    :mod:`relhealth.io.trello`) into a :class:`RawTable` of strings. ``known_columns`` are the columns the
    formats read: they tell the delimiter, and with ``only_known`` the other columns are left out of
    ``frame`` (see :class:`RawTable`).

    Raises :class:`InputError` for an empty or binary file, an unknown encoding, a row with more
    fields than the header, an unclosed quote, a header naming a column twice, or more than
    :data:`MAX_COLUMNS` columns.
    """
    file = str(path)
    read = known_columns if only_known else None
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from relhealth.io.workbook import workbook_as_csv

        return _read_utf8(path, *workbook_as_csv(path, known_columns), known_columns, read)
    if path.suffix.lower() == ".json":
        from relhealth.io.trello import trello_as_csv

        raw, label, notes = trello_as_csv(path)
        table = _read_utf8(path, raw, label, known_columns, read)
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
            return _read_utf8(path, raw, "UTF-8", known_columns, read)
        except UnicodeDecodeError:
            marked = detect_encoding(raw, file)
    encoding, label = marked
    try:
        if encoding == "utf-8-sig":
            return _read_utf8(path, raw[len(codecs.BOM_UTF8):], label, known_columns, read)
        return _read_utf8(path, raw.decode(encoding).encode("utf-8"), label, known_columns, read)
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


def _read_utf8(path: Path, raw: bytes, label: str, known_columns: set[str],
               read: set[str] | None = None) -> RawTable:
    """A file's UTF-8 bytes as a :class:`RawTable`: the header checked, every value a trimmed categorical
    string, blank lines and repeated headers left out (and listed). With ``read``, only the columns it
    names (and unnamed ones, to check they are empty) are made categorical; the others stay in ``extra``."""
    file = str(path)
    head = _head_lines(raw)
    leading_blank = next((i for i, line in enumerate(head) if line.strip()), 0)
    header_line = head[leading_blank]
    _refuse_report_title(header_line, file)
    delimiter = detect_delimiter(header_line, known_columns)
    names, repeated = _header_names(header_line, delimiter)
    if len(names) > MAX_COLUMNS:
        raise InputError(Problem(file, (
            f"the header has {len(names):,} columns, more than the {MAX_COLUMNS:,} of any export relhealth reads "
            "(a Jira export of every field has a few hundred). Export only the columns the table needs "
            "(docs/data-format.md), or delete the others."), row=leading_blank + 1))
    used = None if read is None else [_is_read(name, read) for name in names]
    if used is not None and all(used):
        used = None
    frame = _parsed_csv(raw, file, delimiter, leading_blank, used)
    written = {clean_header(str(c)): " ".join(str(c).strip(_HEADER_STRIP).split()) for c in frame.columns}
    if len(names) == len(frame.columns):
        frame.columns = names      # pandas would write a repeated name as 'Labels.1'
        written = dict(zip(names, _written_names(header_line, delimiter)))
    elif used is not None:
        # the header splits otherwise than pandas reads it (a line break inside a quoted name): read every column
        used = None
        frame = _parsed_csv(raw, file, delimiter, leading_blank, None)
    frame, extra, named = _named_columns(frame, file, raw, delimiter, leading_blank, used)
    columns = [c for c in frame.columns if c != ROW]
    blank = pd.Series(True, index=frame.index)
    for name in columns:
        blank &= frame[name] == ""
    if extra is not None and blank.any():
        # a row with values only in columns no format reads is no blank line
        blank[blank] = ~_any_value(extra.loc[frame.loc[blank, ROW]]).to_numpy()
    blank_rows = frame.loc[blank, ROW].tolist()
    header = _header_copies(frame, columns)
    header_rows = frame.loc[header, ROW].tolist()
    if blank_rows or header_rows:
        frame = frame.loc[~blank & ~header].reset_index(drop=True)
    return RawTable(path=path, frame=frame, encoding=label, delimiter=delimiter, blank_rows=blank_rows,
                    header_rows=header_rows, header=[written[c] for c in named], repeated=repeated,
                    header_row=leading_blank + 1, columns=named, extra=extra)


def _head_lines(raw: bytes) -> list[str]:
    """The first lines of a file, at least up to the end of the first line that is not blank (a header of
    a thousand long names may pass :data:`_HEAD_BYTES`)."""
    size = _HEAD_BYTES
    while True:
        head = raw[:size].decode("utf-8", errors="ignore").splitlines()
        first = next((i for i, line in enumerate(head) if line.strip()), 0)
        if size >= len(raw) or first < len(head) - 1:
            return head
        size *= 4


_NUMBERED = re.compile(r"^(.*) \(\d+\)$")


def _is_read(name: str, read: set[str]) -> bool:
    """Whether a format reads a column of the header (its repeats too: ``labels (2)``); an unnamed column is
    read, to check that it is empty."""
    if name == "" or name.startswith("unnamed:") or name in read:
        return True
    numbered = _NUMBERED.match(name)
    return numbered is not None and numbered.group(1) in read


def _parsed_csv(raw: bytes, file: str, delimiter: str, leading_blank: int, used: list[bool] | None) -> pd.DataFrame:
    """pandas' reading of the file, each column categorical, except those ``used`` marks False: those are
    tokenised and kept as text, which costs a tenth as much (pandas still counts their fields, so a row with
    more fields than the header is found as before)."""
    dtype = "category" if used is None else {i: "category" if u else "str" for i, u in enumerate(used)}
    try:
        frame = pd.read_csv(
            io.BytesIO(raw), encoding="utf-8", sep=delimiter, dtype=dtype, keep_default_na=False,
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
    return frame


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
    for name in (clean_header(f) for f in _fields(line, delimiter)):
        count[name] = count.get(name, 0) + 1
        if name and count[name] > 1:
            repeated.append(name)
            name = f"{name} ({count[name]})"
        names.append(name)
    return names, list(dict.fromkeys(repeated))


def _written_names(line: str, delimiter: str) -> list[str]:
    """The header's names as written: white space and quotes trimmed."""
    return [" ".join(f.strip(_HEADER_STRIP).split()) for f in _fields(line, delimiter)]


def _named_columns(frame: pd.DataFrame, file: str, raw: bytes, delimiter: str, leading_blank: int,
                   used: list[bool] | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """The columns under their cleaned names, values trimmed, unnamed empty columns dropped (one holding
    values is an error), and the ``row`` of each record; a last row cut short is an error. The columns
    ``used`` marks False are returned apart, as read and indexed by ``row`` (None when there are none),
    with the names of every named column."""
    columns = [clean_header(str(c)) for c in frame.columns]
    unnamed = {i for i, c in enumerate(columns) if c == "" or c.startswith("unnamed:")}
    for i in sorted(unnamed):
        if (frame.iloc[:, i] != "").any():
            raise InputError(Problem(file, (
                f"column {i + 1} of the header has no name but holds values. Give it a name "
                "in the header row."), row=leading_blank + 1))
    named = max((i + 1 for i in range(len(columns)) if i not in unnamed), default=0)
    _check_last_row(file, raw, frame, named, delimiter, leading_blank)
    rows = _record_lines(raw, delimiter, leading_blank, len(frame))
    kept = [i for i in range(len(columns)) if i not in unnamed and (used is None or used[i])]
    # a column of the file named like relhealth's own (row, source) is overwritten by them, as before
    others = [i for i in range(len(columns)) if i not in unnamed and used is not None and not used[i]
              and columns[i] not in (ROW, SOURCE)]
    extra = None
    if others:
        extra = frame.iloc[:, others].set_axis([columns[i] for i in others], axis=1).set_axis(rows, axis=0)
        extra.index.name = ROW
    values = pd.DataFrame({columns[i]: _stripped(frame.iloc[:, i]) for i in kept}, index=frame.index)
    values[ROW] = rows
    return values, extra, [c for i, c in enumerate(columns) if i not in unnamed]


def _record_lines(raw: bytes, delimiter: str, leading_blank: int, records: int) -> pd.Series | pd.Index:
    """The line on which each record starts, as a text editor numbers them (the header is line
    ``leading_blank + 1``). One record a line, unless a quoted value holds line breaks (Jira's
    descriptions): then the lines are counted record by record."""
    first = leading_blank + 2
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    if lines <= leading_blank + 1 + records:
        return pd.RangeIndex(first, first + records)
    text = raw.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, line = [], 0
    with _fields_up_to(len(text)):
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
    with _fields_up_to(len(text)):
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
