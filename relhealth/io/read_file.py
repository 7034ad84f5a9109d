"""One export file into its canonical frame: recognise the format by the header, leave out what is not a
record (blank lines, repeated headers, totals rows, exact duplicates), read every value, and refuse the file
with every problem at once when a value cannot be used.

The file's values are read as categorical strings (:mod:`relhealth.io.text`), so that each distinct value is
trimmed and parsed once; the frame handed on holds plain types.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from relhealth.columns import INVOICES, MAIN_TABLES, ROW, SOURCE, TIME_ENTRIES, TableSpec
from relhealth.errors import InputError, Problem
from relhealth.io.dataset import FileInfo
from relhealth.io.formats import DETAILED_REPORT, SKIPPED, Format, recognise, totals_report
from relhealth.io.quality import Count, DataQuality, phrase
from relhealth.io.starter import columns_line, looks_like
from relhealth.io.text import RawTable, per_value, quoted, read_raw_table
from relhealth.io.values import (
    PARSERS,
    FileContext,
    first_slash_date,
    has_decimal_comma,
    has_slash_dates,
    point_in_comma_file,
    slash_date_order,
    split_money,
)

#: Dates before this are typos or empty spreadsheet cells (shown as 1899-12-30); so are dates more than
#: a year after today.
EARLIEST_DATE = pd.Timestamp("2000-01-01")
#: The first value of a totals row that an export appends: ``Total``, ``Grand total:``, ``Итого``, ...
_TOTALS = r"(?:grand\s+|sub-?)?totals?|sum|итого|итог|всего"
#: The columns of a table holding money: a currency sign in them must agree with the row's currency.
MONEY_COLUMNS = {INVOICES.name: ("amount", "paid_amount", "balance")}
#: In :attr:`FileRead.duplicates`: the row an exact duplicate repeats.
DUPLICATE_OF = "duplicate_of"


@dataclass
class FileRead:
    """One file read: its table, its frame (exact duplicates left out; ``source`` and ``row`` last), how it
    was read, the duplicate rows (``client`` as written, ``row``, ``duplicate_of``) and its notes."""

    spec: TableSpec
    frame: pd.DataFrame
    info: FileInfo
    duplicates: pd.DataFrame
    quality: DataQuality = field(default_factory=DataQuality)
    #: The rows a mapping's rules say are no record: ``client`` as written, ``row``, ``reason``.
    left_out: pd.DataFrame | None = None
    #: Invoices: one row per invoice line, to be summed per invoice (the format's ``lines``).
    lines: bool = False
    #: Invoices dated due ``due_days`` after issue, the file having no due dates (:func:`_due_from_terms`).
    derived_due: pd.DataFrame | None = None


def read_file(path: Path, formats: list[Format], date_order: str | None = None) -> FileRead:
    """Read one export. ``date_order`` (``"dmy"``, ``"mdy"``) says how ``03/04/2026`` reads when the file's
    dates do not tell.

    Raises
    ------
    InputError : with every problem of the file, when it cannot be used.
    """
    file, quality = str(path), DataQuality()
    table = read_raw_table(path, set().union(*(f.columns for f in formats)), only_known=True)
    fmt = _format_of(table, path, formats)
    twice = [name for name in table.repeated if name in fmt.columns and name not in fmt.repeated]
    if twice:
        raise InputError([Problem(file, f"the header names column '{name}' twice. Rename or remove one of them.",
                                  row=table.header_row, column=name) for name in twice])
    spec = fmt.table
    raw, left_out = _left_out(fmt.read(table.frame), file)
    _note_splits(raw, file, quality)
    value_columns = [c for c in raw.columns if c != ROW]
    for code, values, rows in table.notes:
        quality.add(file, code, rows=rows, **values)
    if table.blank_rows:
        quality.add(file, "blank_rows", rows=table.blank_rows)
    if table.header_rows:
        quality.add(file, "header_row", rows=table.header_rows)
    raw = _skip_totals(table.frame, raw, spec, file, quality)
    raw, signs = _split_money(raw, spec)
    numeric = [c for c, kind in spec.columns.items() if kind == "number" and c in raw.columns]
    decimal_comma = bool(numeric) and has_decimal_comma(_distinct(raw, numeric), table.delimiter)
    order = _date_order(raw, spec, file, date_order)
    context = FileContext(decimal_comma=decimal_comma, date_order=order)
    frame, problems = _parsed(raw, spec, context, file)
    problems = _unused_values(problems, spec, file, quality)
    derived_due = None
    if fmt.due_days is not None:
        frame, derived_due = _due_from_terms(frame, raw, fmt, file)
    problems += _sign_problems(frame, raw, signs, file)
    frame = frame.assign(**{c: raw[c] for c in value_columns if c not in spec.columns})
    frame[ROW] = raw[ROW]
    from relhealth.io.schemas import schema_problems  # pandera, only when a file is read: not in a report kernel

    taken = {(q.row, q.column) for q in problems}
    problems += [p for p in schema_problems(spec, frame, raw, file) if (p.row, p.column) not in taken]
    if problems:
        order_of = list(spec.columns)
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, order_of.index(p.column)
                                                         if p.column in order_of else 99)))
    info = FileInfo(spec.name, path, len(frame), table.encoding, table.delimiter, decimal_comma, fmt.name, order)
    extra = table if fmt.keeps_other and table.extra is not None else None
    frame, duplicates = _without_duplicates(frame, raw, value_columns if spec in MAIN_TABLES else [], extra)
    frame = frame.astype({c: "str" for c in frame.columns if c not in spec.columns and c != ROW})
    if extra is not None:
        frame = _with_extra(frame, table)
    frame[SOURCE] = file
    frame[ROW] = frame.pop(ROW)   # source, then row: the last two columns of every table
    return FileRead(spec, frame, info, duplicates.assign(**{SOURCE: file}), quality, left_out, fmt.lines, derived_due)


#: Columns no figure uses: a value that cannot be read there is left empty with a note, never a reason to
#: refuse the file.
UNUSED_COLUMNS = {TIME_ENTRIES.name: ("billable",)}


_UNREAD = re.compile(r"^'(.*?)'(?: \([\d,]+ characters\))? is not ", re.DOTALL)


def _unused_values(problems: list[Problem], spec: TableSpec, file: str, quality: DataQuality) -> list[Problem]:
    unused = [p for p in problems if p.column in UNUSED_COLUMNS.get(spec.name, ())]
    for column in dict.fromkeys(p.column for p in unused):
        found = [p for p in unused if p.column == column]
        written = dict.fromkeys(_UNREAD.match(p.message).group(1) for p in found)   # "'maybe' is not ..."
        quality.add(file, "unread_value", rows=[p.row for p in found], column=column, heading=column,
                    written=[phrase("notes.part.quoted", text=value) for value in written])
    return [p for p in problems if p not in unused]


def _due_from_terms(frame: pd.DataFrame, raw: pd.DataFrame, fmt: Format,
                    file: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """An export without due dates (Harvest's Invoices report, Invoice2go, FreshBooks): each invoice is
    due the mapping's ``due_days`` after its issue. Returns the frame and the invoices so dated (``client``
    as written, ``row``, ``days``, ``mapping``, ``source``), to be noted per client."""
    missing = frame["due"].isna() & frame["issued"].notna()
    if not missing.any():
        return frame, None
    derived = pd.DataFrame({"client": raw.loc[missing, "client"].astype("str"), ROW: raw.loc[missing, ROW],
                            "days": fmt.due_days, "mapping": fmt.name.replace("mapping ", "mapping."),
                            SOURCE: file}).reset_index(drop=True)
    return frame.assign(due=frame["due"].where(~missing, frame["issued"] + pd.Timedelta(days=fmt.due_days))), derived


def _left_out(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The rows of a mapped export that its rules say are no record (:data:`SKIPPED`) taken out, and
    those rows (``client`` as written, ``row``, ``reason``, ``source``)."""
    if SKIPPED not in raw.columns:
        return raw, None
    reason = raw.pop(SKIPPED).astype("str")
    out = reason != ""
    if not out.any():
        return raw, None
    left = pd.DataFrame({"client": raw.loc[out, "client"].astype("str"), ROW: raw.loc[out, ROW],
                         "reason": reason[out], SOURCE: file}).reset_index(drop=True)
    kept = raw[~out].reset_index(drop=True)
    return kept.assign(**{c: kept[c].cat.remove_unused_categories() for c in kept.columns if c != ROW}), left


def _note_splits(raw: pd.DataFrame, file: str, quality: DataQuality) -> None:
    """Note the rows that named several clients and were split into one record each (a mapping's
    ``split``). The note names no client: it goes to the overview, never into one client's report."""
    split = raw[raw[ROW].duplicated(keep=False)]
    if split.empty:
        return
    rows = split.groupby(ROW, sort=True)["client"].agg(lambda names: "; ".join(names.astype("str")))
    quality.add(file, "split_clients", rows=rows.index, count=Count(len(rows), "note_row"),
                shown=[phrase("notes.part.split_row", row=row, names=names) for row, names in list(rows.items())[:10]],
                more=" ..." if len(rows) > 10 else "")


def _format_of(table: RawTable, path: Path, formats: list[Format]) -> Format:
    """The format of a file by its header; an error naming what is missing when none fits."""
    file = str(path)
    header = table.columns
    fmt, closest = recognise(header, path.name, formats)
    if fmt is not None:
        return fmt
    missing = closest.missing(set(header))
    names = ", ".join(missing)
    found = ", ".join(header) or "none"
    if closest.file == path.name.lower():
        raise InputError(Problem(file, (
            f"the required column{'s' if len(missing) > 1 else ''} {names} "
            f"{'are' if len(missing) > 1 else 'is'} missing. Columns found: {found}. "
            "Name the columns in the header row as docs/data-format.md lists them.")))
    tool = totals_report(header)
    if tool is not None:
        raise InputError(Problem(file, (
            f"this is a {tool} Summary or Weekly report: it holds totals per project or per day, not the entries "
            f"with their dates that relhealth counts. Export the Detailed report instead ({tool}: "
            f"{DETAILED_REPORT[tool]}) for the same period, and put it in the folder in place of this file.")))
    spec = looks_like(table.header)
    start = f", starting from table = \"{spec.name}\", {columns_line(table.header, spec)}" if spec else ""
    raise InputError(Problem(file, (
        f"relhealth does not recognise this file. Its columns are: {found}. The closest format, "
        f"{closest.name}, also needs {names}. To read the file as it is, describe its columns in a [mapping] "
        f"in a settings file passed with --config: `relhealth mapping {file}` writes one to fill in{start}. "
        f"Or export the file again with {'those columns' if len(missing) > 1 else 'that column'}, or move it "
        "out of the folder.")))


def _split_money(raw: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, dict]:
    """Amounts written with a currency sign (``$1,200.00``): the number stays in the column, the sign's
    currency is returned per column, beside the values as written, to check against the row's currency."""
    signs = {}
    for column in MONEY_COLUMNS.get(spec.name, ()):
        if column in raw.columns:
            # split once per distinct value; per_value hands its function the same distinct values in order
            number, code = split_money(pd.Series(raw[column].cat.categories, dtype="str"))
            signs[column] = (raw[column], per_value(raw[column], lambda _: code))
            raw = raw.assign(**{column: per_value(raw[column], lambda _: number, categorical=True)})
    return raw, signs


def _parsed(raw: pd.DataFrame, spec: TableSpec, context: FileContext, file: str) -> tuple[pd.DataFrame, list]:
    """Every canonical column read by its parser (each distinct value once), and a problem for each value
    that is not what its column needs."""
    problems: list[Problem] = []
    parsed = {}
    latest = pd.Timestamp.today().normalize() + pd.DateOffset(years=1)
    for column, kind in spec.columns.items():
        values = raw[column] if column in raw.columns else pd.Series("", index=raw.index, dtype="category")
        parser = PARSERS[kind]
        unread: list[str] = []

        def parse(distinct: pd.Series) -> pd.Series:
            parsed_values = parser.parse(distinct, context)
            unread.extend(distinct[(distinct != "") & parsed_values.isna()])   # checked once per distinct value
            return parsed_values
        # names stay categorical until the folder's spellings are resolved (once per distinct name)
        parsed[column] = per_value(values, parse, categorical=kind == "client")
        if unread:
            problems += _unread(values, values.isin(unread), kind, parser.expects, raw[ROW], context, file, column)
        if kind in ("date", "datetime"):
            problems += _far_dates(values, parsed[column], latest, raw[ROW], file, column)
    return pd.DataFrame(parsed, index=raw.index, copy=False), problems


def _unread(values: pd.Series, bad: pd.Series, kind: str, expects: str, rows: pd.Series, context: FileContext,
            file: str, column: str) -> list[Problem]:
    point = (point_in_comma_file(values[bad].astype("str"), context) if kind == "number"
             else pd.Series(False, index=bad[bad].index))
    return [Problem(file, f"{quoted(values[index])} has a decimal point, but the numbers of this file have a decimal "
                          "comma (7,5 for 7.5). Write it with a decimal comma too." if point[index]
                    else f"{quoted(values[index])} is not {expects}.", row=int(rows[index]), column=column)
            for index in bad[bad].index]


def _sign_problems(frame: pd.DataFrame, raw: pd.DataFrame, signs: dict, file: str) -> list[Problem]:
    problems = []
    for column, (written, sign) in signs.items():
        other = sign.notna() & frame["currency"].notna() & (sign != frame["currency"])
        for index in other[other].index:
            problems.append(Problem(file, (
                f"'{written[index]}' is an amount in {sign[index]}, but the row's currency is "
                f"{frame.at[index, 'currency']}. Correct the amount or the currency."),
                row=int(raw.at[index, ROW]), column=column))
    return problems


def _with_extra(frame: pd.DataFrame, table: RawTable) -> pd.DataFrame:
    """``frame`` with the file's columns that no format reads beside its own (text as written), before
    ``row``."""
    extra = table.extra.loc[frame[ROW].to_numpy()].set_axis(frame.index, axis=0)
    return pd.concat([frame.drop(columns=ROW), extra, frame[[ROW]]], axis=1)


#: In :func:`_without_duplicates`: the values of a row in the columns no format reads.
_EXTRA = "\x00extra"


def _without_duplicates(frame: pd.DataFrame, raw: pd.DataFrame, columns: list[str],
                        extra: RawTable | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` without the rows whose values in ``columns`` of ``raw`` (as written) repeat an earlier
    row's, and those rows: their ``client`` as written, ``row`` and the row they repeat (``duplicate_of``).
    Rows are hashed first; only rows whose hashes repeat are compared value by value, and then also by
    their values as written in the file's columns no format reads (``extra``), so that those tell rows
    apart too (hashed, then compared for the rows found twice)."""
    none = pd.DataFrame({"client": pd.Series([], dtype="str"), ROW: pd.Series([], dtype="int64"),
                         DUPLICATE_OF: pd.Series([], dtype="int64")})
    if not columns:
        return frame, none
    candidates = raw.loc[pd.util.hash_pandas_object(raw[columns], index=False).duplicated(keep=False)]
    copies = candidates[candidates[columns].duplicated(keep=False)]
    if not copies.empty and extra is not None:
        columns = [*columns, _EXTRA]
        copies = copies.assign(**{_EXTRA: extra.extra_hashes(copies[ROW]).to_numpy()})
        copies = copies[copies[columns].duplicated(keep=False)]
    if copies.empty:
        return frame, none
    first = copies.groupby(columns, sort=False, dropna=False, observed=True)[ROW].transform("first")
    again = copies.index[copies[ROW] != first]
    if extra is not None and len(again):
        same = [a == b for a, b in zip(extra.extra_values(copies.loc[again, ROW]), extra.extra_values(first[again]))]
        again = again[np.array(same, dtype=bool)]
    duplicates = pd.DataFrame({"client": frame.loc[again, "client"].astype("str"), ROW: copies.loc[again, ROW],
                               DUPLICATE_OF: first[again]}).reset_index(drop=True)
    return frame.drop(index=again).reset_index(drop=True), duplicates


def _far_dates(values: pd.Series, dates: pd.Series, latest: pd.Timestamp, rows: pd.Series, file: str,
               column: str) -> list[Problem]:
    """Dates before 2000 or more than a year after today: a typo in the year, or an empty spreadsheet cell
    read as a date."""
    problems = []
    far = (dates < EARLIEST_DATE) | (dates >= latest + pd.Timedelta(days=1))
    for index in far[far].index:
        if dates[index] < EARLIEST_DATE:
            why = ("is before 2000: a typo, or an empty date cell (spreadsheets show one as 1899-12-30). "
                   "Check the year.")
        else:
            why = f"is more than a year after today (after {latest:%Y-%m-%d}). Check the year."
        problems.append(Problem(file, f"{quoted(values[index])} {why}", row=int(rows[index]), column=column))
    return problems


def _skip_totals(table: pd.DataFrame, raw: pd.DataFrame, spec: TableSpec, file: str,
                 quality: DataQuality) -> pd.DataFrame:
    """Leave out the totals rows an export appends (first value ``Total``, ``Итого``, ... and no date),
    with a note. Looked for in the first column's distinct values, so a file without any costs nothing."""
    dated = [c for c, kind in spec.required.items() if kind in ("date", "datetime")]
    first = [c for c in table.columns if c != ROW][:1]
    if not dated or not first or raw.empty:
        return raw
    values = pd.Series(table[first[0]].cat.categories, dtype="str")
    words = values[values.str.rstrip(":. ").str.fullmatch(_TOTALS, case=False)]
    if words.empty:
        return raw
    candidates = table[first[0]].isin(words)
    dates = raw.loc[candidates, dated[0]].astype("str")
    is_date = pd.Series(False, index=dates.index)
    for order in ("dmy", "mdy"):
        is_date |= PARSERS["datetime"].parse(dates, FileContext(date_order=order)).notna()
    totals = dates.index[~is_date]
    if totals.empty:
        return raw
    written = dict.fromkeys(table.loc[totals, first[0]].astype("str"))
    quality.add(file, "totals_row", rows=raw.loc[totals, ROW],
                written=[phrase("notes.part.quoted", text=value) for value in written])
    kept = raw.drop(index=totals).reset_index(drop=True)
    return kept.assign(**{c: kept[c].cat.remove_unused_categories() for c in kept.columns if c != ROW})


def _date_order(raw: pd.DataFrame, spec: TableSpec, file: str, setting: str | None) -> str | None:
    """How the file's ``03/04/2026`` reads: proved by a value with a first (day) or second (day) part
    above 12, else the setting; an error when neither tells or when the file mixes both orders."""
    values = _distinct(raw, [c for c, kind in spec.columns.items() if kind in ("date", "datetime") and c in raw.columns])
    if not has_slash_dates(values):
        return None
    order = slash_date_order(values)
    if order == "both":
        day_first, month_first = _slash_examples(raw, spec)
        raise InputError(Problem(file, (
            f"the dates mix day first ({day_first}) and month first ({month_first}). Export the file again "
            "with one date format, or correct the dates that differ.")))
    if order is None and setting is None:
        raise InputError(Problem(file, (
            f"cannot tell whether a date such as {first_slash_date(values)} puts the day or the month first: "
            "no date in the file has a part above 12. Set date_order = \"dmy\" (day first) or \"mdy\" "
            "(month first) under [input] in a settings file and pass it with --config.")))
    return order or setting


def _slash_examples(raw: pd.DataFrame, spec: TableSpec) -> tuple[str, str]:
    """A day-first and a month-first date of a file that mixes them, each as ``'13/04/2026' on row 2``."""
    found = {}
    for column in [c for c, kind in spec.columns.items() if kind in ("date", "datetime") and c in raw.columns]:
        text = raw[column].astype("str")
        parts = text.str.extract(r"^(\d{1,2})/(\d{1,2})/\d{4}").astype("float64")
        for which, mask in (("dmy", parts[0] > 12), ("mdy", parts[1] > 12)):
            if which not in found and mask.any():
                index = mask.idxmax()
                found[which] = f"'{text[index]}' on row {raw.at[index, ROW]}, column {column}"
    return found["dmy"], found["mdy"]


def _distinct(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The distinct values of some categorical columns of a raw table, as one Series of strings."""
    return pd.Series([v for c in columns for v in raw[c].cat.categories], dtype="str")
